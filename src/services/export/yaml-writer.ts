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

/** The characters of `NEEDS_ESCAPES` that the yaml package leaves raw inside double quotes. */
const RAW_IN_QUOTES = /[\u007f-\u009f\u2028\u2029\ufeff]/g;

function quoteWhenAmbiguous(node: Scalar): void {
  const value = node.value;
  if (
    typeof value === 'string' &&
    (NEEDS_ESCAPES.test(value) || NON_STRING_TESTS.some((test) => test.test(value)))
  ) {
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
  // Those characters appear only inside double quotes (see above), where an escape is valid.
  return document
    .toString({ lineWidth: 0 })
    .replace(RAW_IN_QUOTES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Strings that every YAML reader takes as the same string when written plain: letters, digits and
 * a few punctuation marks that mean nothing in YAML, not starting with an indicator, not ending
 * in a space and not looking like another type.
 */
const PLAIN = /^[A-Za-z0-9_/][A-Za-z0-9_ ./@+-]*$/;

function isPlain(text: string): boolean {
  return PLAIN.test(text) && !text.endsWith(' ') && !NON_STRING_TESTS.some((t) => t.test(text));
}

/**
 * The text of a value that needs nothing from the yaml package: null, a boolean, an integer or a
 * plain string. Undefined for anything else, which the package writes.
 */
function trivialScalar(value: unknown): string | undefined {
  if (value === null) {
    return 'null';
  }
  if (typeof value === 'boolean') {
    return value ? 'true' : 'false';
  }
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    return String(value);
  }
  if (typeof value === 'string' && isPlain(value)) {
    return value;
  }

  return undefined;
}

/** Indents every line but the empty ones; only `\n` ends a line here. */
function indent(text: string, first: string, rest: string): string {
  return text
    .split('\n')
    .map((line, i) => (line === '' ? line : (i === 0 ? first : rest) + line))
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
  private readonly keys = new Map<string, string>();

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

    return head + records.map((record) => this.item(record)).join('');
  }

  /**
   * One record as an item of the type's sequence. Each field is a `key: value` line; a value
   * other than a trivial scalar (see `trivialScalar`) is written by the yaml package, as a
   * one-field map, so that block scalars, quoting and nested JSON keep its rules.
   */
  private item(record: EntityRecord): string {
    let text = '';
    let lead = '    - ';
    for (const [name, value] of Object.entries(record)) {
      const scalar = trivialScalar(value);
      text +=
        scalar === undefined
          ? indent(safeYaml({ [name]: value }), lead, '      ')
          : `${lead}${this.key(name)}: ${scalar}\n`;
      lead = '      ';
    }

    return text;
  }

  private key(name: string): string {
    let key = this.keys.get(name);
    if (key === undefined) {
      key = safeYaml({ [name]: null }).slice(0, -': null\n'.length);
      this.keys.set(name, key);
    }

    return key;
  }

  endType(): string {
    return this.recordsWritten === 0 ? `${this.pending} []\n` : '';
  }

  finish(): string {
    return '';
  }
}
