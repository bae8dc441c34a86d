import { Document, isScalar, Scalar, Schema, visit } from 'yaml';
import type { EntityInfo } from '../../registry/entity-info';
import type { EntityRecord } from '../../registry/record-codec';
import type { ExportHeader, ExportWriter } from './export-writer';

/**
 * The tests by which YAML 1.2 (core) and YAML 1.1 readers turn a plain scalar into something other
 * than a string, taken from the yaml package's own schemas. A string that passes any of them is
 * quoted, so `true`, `null`, `1e3`, `2024-01-01`, `yes`, `0755` and `~` stay strings for readers
 * of either version.
 */
const NON_STRING_TESTS: RegExp[] = [
  ...new Schema({ schema: 'core' }).tags,
  ...new Schema({ schema: 'yaml-1.1' }).tags,
]
  .filter((tag) => tag.tag !== 'tag:yaml.org,2002:str' && tag.test)
  .map((tag) => tag.test!);

/** Line breaks some readers see in a plain or block scalar, and characters YAML does not print. */
const NEEDS_ESCAPES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;

function quoteWhenAmbiguous(node: Scalar): void {
  const value = node.value;
  if (typeof value !== 'string') {
    return;
  }
  if (NEEDS_ESCAPES.test(value)) {
    node.type = Scalar.QUOTE_DOUBLE;
  } else if (NON_STRING_TESTS.some((test) => test.test(value))) {
    node.type = Scalar.QUOTE_DOUBLE;
  }
}

/** YAML text of a value whose strings all read back as the same strings. */
function safeYaml(value: unknown): string {
  const document = new Document(value);
  visit(document, {
    Scalar: (_key, node) => quoteWhenAmbiguous(node),
    Pair: (_key, pair) => {
      if (isScalar(pair.key)) {
        quoteWhenAmbiguous(pair.key);
      }
    },
  });

  // No folding: long lines stay whole, so that nothing depends on how a reader unfolds them.
  // U+2028 and U+2029 appear only inside double quotes (see above), where an escape is valid.
  return document
    .toString({ lineWidth: 0 })
    .replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** Indents every line but the empty ones; only `\n` ends a line here. */
function indent(text: string, spaces: string): string {
  return text
    .split('\n')
    .map((line) => (line === '' ? line : spaces + line))
    .join('\n');
}

/**
 * The JSON layout in YAML, through the yaml package: `exportedAt`, `version`, `entities` with a
 * sequence of records per type. Strings that look like other types are quoted, multi-line strings
 * are block scalars and leading spaces are kept, so reading the file gives back the same values.
 */
export class YamlWriter implements ExportWriter {
  private pending = '';
  private recordsWritten = 0;

  begin(header: ExportHeader): string {
    const meta = safeYaml({
      exportedAt: new Date(header.exportedAt).toISOString(),
      version: header.version,
    });

    return `${meta}entities:\n`;
  }

  startType(entity: EntityInfo): string {
    // Written with the first records, or as an empty sequence when there are none.
    this.pending = `  ${safeYaml(entity.name).trimEnd()}:`;
    this.recordsWritten = 0;

    return '';
  }

  records(_entity: EntityInfo, records: EntityRecord[]): string {
    const head = this.recordsWritten === 0 ? `${this.pending}\n` : '';
    this.recordsWritten += records.length;

    return head + indent(safeYaml(records), '    ');
  }

  endType(): string {
    return this.recordsWritten === 0 ? `${this.pending} []\n` : '';
  }

  finish(): string {
    return '';
  }
}
