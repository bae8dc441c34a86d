import type { SqlStatement } from './sql-statement-splitter';
import { type SqlInsert, type SqlRow, type SqlValue, unescapeBackslashes } from './sql-insert';

/** Thrown inside the reader when the statement leaves the shape it reads; caught below. */
class OtherShape extends Error {}

const WORD_START = /[A-Za-z_]/;
const WORD = /[A-Za-z0-9_$]/;
const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;

/**
 * A reader of the one statement shape that makes up nearly all of an import file, `INSERT INTO
 * name [(columns)] VALUES (literals), …`, with literals only: strings, numbers, NULL, TRUE, FALSE
 * and casts of them. It exists for speed: the general SQL parser takes about 130 ms per thousand
 * rows, which would make a million-row import last minutes. Every statement of another shape,
 * or with anything but literals, goes to the general parser instead.
 */
class PlainInsertReader {
  private pos = 0;
  private line: number;

  constructor(
    private readonly text: string,
    firstLine: number,
  ) {
    this.line = firstLine;
  }

  private skipSpace(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === 0x0a) {
        this.line++;
        this.pos++;
      } else if (c === 0x20 || c === 0x09 || c === 0x0d) {
        this.pos++;
      } else if (c === 0x2d && text.charCodeAt(this.pos + 1) === 0x2d) {
        const end = text.indexOf('\n', this.pos);
        this.pos = end < 0 ? text.length : end;
      } else if (c === 0x2f && text.charCodeAt(this.pos + 1) === 0x2a) {
        // Block comments are rare inside data; the general parser handles them.
        throw new OtherShape();
      } else {
        return;
      }
    }
  }

  private word(): string {
    this.skipSpace();
    const start = this.pos;
    if (!WORD_START.test(this.text[start] ?? '')) {
      throw new OtherShape();
    }
    while (WORD.test(this.text[this.pos] ?? '')) {
      this.pos++;
    }

    return this.text.slice(start, this.pos);
  }

  private keyword(expected: string): void {
    if (this.word().toUpperCase() !== expected) {
      throw new OtherShape();
    }
  }

  /** The next non-space character, not consumed. */
  private peek(): string {
    this.skipSpace();

    return this.text[this.pos] ?? '';
  }

  private punctuation(expected: string): void {
    if (this.peek() !== expected) {
      throw new OtherShape();
    }
    this.pos++;
  }

  /** A table or column name, quoted or not. */
  private name(): string {
    if (this.peek() !== '"') {
      return this.word();
    }
    let end = this.pos;
    for (;;) {
      end = this.text.indexOf('"', end + 1);
      if (end < 0) {
        throw new OtherShape();
      }
      if (this.text[end + 1] !== '"') {
        break;
      }
      end++;
    }
    const name = this.text.slice(this.pos + 1, end).replace(/""/g, '"');
    this.pos = end + 1;

    return name;
  }

  private quoted(escapes: boolean): string {
    const text = this.text;
    const start = this.pos + 1;
    let end = start;
    let doubled = false;
    for (;;) {
      end = text.indexOf("'", end);
      if (end < 0) {
        throw new OtherShape();
      }
      if (escapes && isBackslashed(text, end)) {
        end++;
        continue;
      }
      if (text.charCodeAt(end + 1) === 0x27) {
        doubled = true;
        end += 2;
        continue;
      }
      break;
    }
    let body = text.slice(start, end);
    this.line += countLines(body);
    this.pos = end + 1;
    if (doubled) {
      body = body.replace(/''/g, "'");
    }

    return escapes ? unescapeBackslashes(body) : body;
  }

  private value(): SqlValue {
    const c = this.peek();
    let value: SqlValue;
    if (c === "'") {
      value = this.quoted(false);
    } else if ((c === 'E' || c === 'e') && this.text[this.pos + 1] === "'") {
      this.pos++;
      value = this.quoted(true);
    } else if (WORD_START.test(c)) {
      const word = this.word().toUpperCase();
      if (word === 'NULL') {
        value = null;
      } else if (word === 'TRUE' || word === 'FALSE') {
        value = word === 'TRUE';
      } else {
        throw new OtherShape();
      }
    } else {
      NUMBER.lastIndex = this.pos;
      const match = NUMBER.exec(this.text);
      if (!match) {
        throw new OtherShape();
      }
      this.pos += match[0].length;
      value = Number(match[0]);
    }
    this.skipCasts();

    return value;
  }

  /** `::jsonb`, `::character varying(255)`: the value is kept as written. */
  private skipCasts(): void {
    while (this.peek() === ':' && this.text[this.pos + 1] === ':') {
      this.pos += 2;
      do {
        this.word();
      } while (WORD_START.test(this.peek()));
      if (this.peek() === '(') {
        const end = this.text.indexOf(')', this.pos);
        if (end < 0 || !/^\(\s*\d+\s*(,\s*\d+\s*)?$/.test(this.text.slice(this.pos, end))) {
          throw new OtherShape();
        }
        this.pos = end + 1;
      }
      if (this.peek() === '[' && this.text[this.pos + 1] === ']') {
        this.pos += 2;
      }
    }
  }

  private row(): SqlRow {
    this.punctuation('(');
    const line = this.line;
    const values: SqlValue[] = [];
    do {
      values.push(this.value());
    } while (this.list(')'));

    return { values, line };
  }

  /** After an item of a list: true when another follows, false at the closing character. */
  private list(close: string): boolean {
    const c = this.peek();
    this.pos++;
    if (c === ',') {
      return true;
    }
    if (c === close) {
      return false;
    }
    throw new OtherShape();
  }

  read(): SqlInsert {
    this.keyword('INSERT');
    const line = this.line;
    this.keyword('INTO');
    let schema: string | null = null;
    let table = this.name();
    if (this.peek() === '.') {
      this.pos++;
      schema = table;
      table = this.name();
    }
    let columns: string[] | null = null;
    if (this.peek() === '(') {
      this.pos++;
      columns = [];
      do {
        columns.push(this.name());
      } while (this.list(')'));
    }
    this.keyword('VALUES');
    const rows: SqlRow[] = [this.row()];
    while (this.peek() === ',') {
      this.pos++;
      rows.push(this.row());
    }
    if (this.peek() !== '') {
      throw new OtherShape();
    }

    return { schema, table, columns, rows, line };
  }
}

function countLines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    count++;
  }

  return count;
}

function isBackslashed(text: string, index: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(index - 1 - backslashes) === 0x5c) {
    backslashes++;
  }

  return backslashes % 2 === 1;
}

/**
 * Reads a plain `INSERT … VALUES` of literals; undefined for any other statement, which the
 * general SQL parser then reads or refuses.
 */
export function readPlainInsert(statement: SqlStatement): SqlInsert | undefined {
  try {
    return new PlainInsertReader(statement.text, statement.firstLine).read();
  } catch (error) {
    if (error instanceof OtherShape) {
      return undefined;
    }
    throw error;
  }
}
