import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLMap,
  YAMLParseError,
} from 'yaml';
import { badRequest } from '../../errors';
import type { FileEntry } from './file-entry';

interface Line {
  text: string;
  number: number;
  indent: number;
  /** Blank or a comment only. */
  blank: boolean;
}

function malformed(line: number, column: number | null, message: string) {
  const where = column === null ? `line ${line}` : `line ${line}, column ${column}`;

  return badRequest(`The YAML file is malformed at ${where}: ${message}`, { line, column });
}

/** The lines of a file, one at a time, with one line of look-back. */
class LineReader {
  private pending = '';
  private number = 0;
  private readonly returned: Line[] = [];
  private buffered: string[] = [];
  private ended = false;

  constructor(private readonly chunks: AsyncIterator<string>) {}

  private async nextText(): Promise<string | undefined> {
    while (this.buffered.length === 0) {
      if (this.ended) {
        return undefined;
      }
      const next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        if (this.pending !== '') {
          this.buffered.push(this.pending);
          this.pending = '';
        }
        continue;
      }
      const parts = (this.pending + next.value).split('\n');
      this.pending = parts.pop()!;
      this.buffered = parts;
    }

    return this.buffered.shift();
  }

  async next(): Promise<Line | undefined> {
    if (this.returned.length > 0) {
      return this.returned.pop();
    }
    const raw = await this.nextText();
    if (raw === undefined) {
      return undefined;
    }
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const indent = text.length - text.trimStart().length;
    const rest = text.slice(indent);

    return { text, number: ++this.number, indent, blank: rest === '' || rest.startsWith('#') };
  }

  async nextSignificant(): Promise<Line | undefined> {
    for (;;) {
      const line = await this.next();
      if (!line || !line.blank) {
        return line;
      }
    }
  }

  pushBack(line: Line): void {
    this.returned.push(line);
  }

  /** The lines below one at `indent` that belong to it: deeper, blank or comments. */
  async below(indent: number): Promise<Line[]> {
    const lines: Line[] = [];
    for (;;) {
      const line = await this.next();
      if (!line) {
        return lines;
      }
      if (!line.blank && line.indent <= indent) {
        this.pushBack(line);
        return lines;
      }
      lines.push(line);
    }
  }
}

const isSequenceItem = (line: Line) => /^-( |$)/.test(line.text.slice(line.indent));

/** `key:` with nothing after it but a comment: the key, read by the YAML parser. */
function bareKey(line: Line): string | undefined {
  const text = line.text.slice(line.indent).replace(/\s+#.*$/, '');
  if (!text.endsWith(':') || isSequenceItem(line)) {
    return undefined;
  }
  const doc = parseDocument(text);
  const pair = isMap(doc.contents) && doc.errors.length === 0 ? doc.contents.items : [];
  if (pair.length !== 1 || !isScalar(pair[0].key)) {
    return undefined;
  }

  return String(pair[0].key.value);
}

/** Parses lines of the file, removing `dedent` leading spaces, with errors at their real place. */
function parseLines(lines: Line[], dedent: number) {
  const text = lines
    .map((line) => {
      const spaces = Math.min(dedent, line.text.length - line.text.trimStart().length);
      return line.text.slice(spaces);
    })
    .join('\n');
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  const first = lines[0].number;
  const [error] = doc.errors;
  if (error) {
    throw parseError(error, first, dedent);
  }
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? first + counter.linePos(node.range[0]).line - 1 : first;

  return { doc, lineOf };
}

function parseError(error: YAMLParseError, firstLine: number, dedent: number) {
  const position = error.linePos?.[0];
  const message = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');

  return position
    ? malformed(firstLine + position.line - 1, position.col + dedent, message)
    : malformed(firstLine, null, message);
}

/** A node as a plain value; an alias to an anchor outside the parsed part is refused. */
function toValue(doc: Document, node: unknown, line: number): unknown {
  try {
    return (node as { toJS?: (doc: Document) => unknown })?.toJS?.(doc) ?? null;
  } catch (error) {
    if (error instanceof ReferenceError) {
      throw malformed(line, null, `${error.message}; an alias must point inside its own record`);
    }
    throw error;
  }
}

/** The records of a parsed mapping of entity types (or of the outer mapping of the file). */
function* entriesOf(
  map: YAMLMap,
  doc: Document,
  lineOf: (node: Node | null | undefined) => number,
  outer: boolean,
): Generator<FileEntry> {
  for (const pair of map.items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const value = pair.value as Node | null;
    const line = lineOf(pair.key as Node);
    if (isSeq(value)) {
      yield { entityType: key, line };
      for (const item of value.items) {
        const itemLine = lineOf(item as Node);
        yield { entityType: key, line: itemLine, record: toValue(doc, item, itemLine) };
      }
    } else if (outer && key === 'entities' && isMap(value)) {
      yield* entriesOf(value, doc, lineOf, false);
    } else if (!outer) {
      throw malformed(line, null, `'entities.${key}' must be a list of records`);
    }
  }
}

function* parsedEntries(lines: Line[], outer: boolean): Generator<FileEntry> {
  const { doc, lineOf } = parseLines(lines, 0);
  if (doc.contents === null) {
    return;
  }
  if (!isMap(doc.contents)) {
    throw malformed(
      lines[0].number,
      null,
      'expected a mapping of entity types to lists of records',
    );
  }
  yield* entriesOf(doc.contents, doc, lineOf, outer);
}

/**
 * Reads the records of a YAML file (the export's shape or a bare mapping of types to records).
 * A block-style file, as `yaml` writes it, is read record by record: each item of a type's list is
 * parsed on its own, so only one record is held at a time. A file in any other layout (flow style,
 * JSON) is parsed whole.
 */
export async function* readYamlEntries(chunks: AsyncIterable<string>): AsyncGenerator<FileEntry> {
  const lines = new LineReader(chunks[Symbol.asyncIterator]());
  const skipped: Line[] = [];
  let first = await lines.next();
  while (first && (first.blank || /^(%|---\s*(#.*)?$)/.test(first.text))) {
    skipped.push({ ...first, text: '', blank: true });
    first = await lines.next();
  }
  if (!first) {
    return;
  }
  lines.pushBack(first);

  if (first.indent !== 0 || !looksLikeBlockMapping(first)) {
    const all = [...skipped, ...(await lines.below(-1))];
    yield* parsedEntries(all, true);
    return;
  }
  yield* readMapping(lines, 0, true);
}

function looksLikeBlockMapping(line: Line): boolean {
  if (bareKey(line) !== undefined) {
    return true;
  }
  const doc = parseDocument(line.text.replace(/\s+#.*$/, ''));

  return doc.errors.length === 0 && isMap(doc.contents) && doc.contents.items.length === 1;
}

async function* readMapping(
  lines: LineReader,
  indent: number,
  outer: boolean,
): AsyncGenerator<FileEntry> {
  for (;;) {
    const line = await lines.nextSignificant();
    if (!line) {
      return;
    }
    if (line.indent < indent) {
      lines.pushBack(line);
      return;
    }
    if (/^(---|\.\.\.)(\s|$)/.test(line.text)) {
      const rest = await lines.nextSignificant();
      if (rest) {
        throw malformed(rest.number, null, 'the file holds more than one document');
      }
      return;
    }
    if (line.indent > indent) {
      throw malformed(line.number, line.indent + 1, 'unexpected indentation');
    }

    const key = bareKey(line);
    if (key !== undefined) {
      const child = await lines.nextSignificant();
      if (child) {
        lines.pushBack(child);
      }
      if (
        child &&
        isSequenceItem(child) &&
        child.indent >= indent &&
        !(outer && key === 'entities')
      ) {
        yield* readSequence(lines, key, line.number, child.indent);
        continue;
      }
      if (child && outer && key === 'entities' && child.indent > indent && !isSequenceItem(child)) {
        yield* readMapping(lines, child.indent, false);
        continue;
      }
    }

    // Any other member (a scalar, a flow list, a nested mapping) is parsed whole.
    yield* parsedEntries([line, ...(await lines.below(indent))], outer);
  }
}

async function* readSequence(
  lines: LineReader,
  entityType: string,
  keyLine: number,
  itemIndent: number,
): AsyncGenerator<FileEntry> {
  yield { entityType, line: keyLine };
  for (;;) {
    const line = await lines.nextSignificant();
    if (!line) {
      return;
    }
    if (line.indent !== itemIndent || !isSequenceItem(line)) {
      lines.pushBack(line);
      return;
    }
    // The item without its dash is a mapping indented one column deeper than the dash.
    const first = {
      ...line,
      text: `${line.text.slice(0, itemIndent)} ${line.text.slice(itemIndent + 1)}`,
    };
    const { doc } = parseLines([first, ...(await lines.below(itemIndent))], itemIndent + 1);
    yield { entityType, line: line.number, record: toValue(doc, doc.contents, line.number) };
  }
}
