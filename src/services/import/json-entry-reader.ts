import { badRequest } from '../../errors';
import type { FileEntry } from './file-entry';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LINE_FEED = 0x0a;
const END = -1;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === LINE_FEED;
}

/**
 * Walks a JSON file chunk by chunk without holding more than the record being read: the
 * structure around the records is scanned here, and each record is handed to `JSON.parse` alone.
 */
class JsonCursor {
  private text = '';
  private pos = 0;
  /** The offset in the file of `text[0]`. */
  private base = 0;
  line = 1;
  private lineStart = 0;
  private ended = false;

  constructor(private readonly chunks: AsyncIterator<string>) {}

  get column(): number {
    return this.base + this.pos - this.lineStart + 1;
  }

  /** Appends the next chunk, dropping what lies before `pos`; returns how far indices moved. */
  private async fill(): Promise<number> {
    if (this.ended) {
      return END;
    }
    const next = await this.chunks.next();
    if (next.done) {
      this.ended = true;

      return END;
    }
    const shift = this.pos;
    this.base += shift;
    this.text = this.text.slice(shift) + next.value;
    this.pos = 0;

    return shift;
  }

  malformed(message: string, line = this.line, column = this.column) {
    return badRequest(`The JSON file is malformed at line ${line}, column ${column}: ${message}`, {
      line,
      column,
    });
  }

  /** The next character that is not white space, without consuming it; END at the end. */
  async peek(): Promise<number> {
    for (;;) {
      while (this.pos < this.text.length) {
        const code = this.text.charCodeAt(this.pos);
        if (!isSpace(code)) {
          return code;
        }
        this.pos++;
        if (code === LINE_FEED) {
          this.line++;
          this.lineStart = this.base + this.pos;
        }
      }
      if ((await this.fill()) === END) {
        return END;
      }
    }
  }

  async expect(code: number, what: string): Promise<void> {
    if ((await this.peek()) !== code) {
      throw this.malformed(`expected ${what}`);
    }
    this.pos++;
  }

  /** After an item of an object or a list: true when another follows, false at its end. */
  async separator(close: number, what: string): Promise<boolean> {
    const code = await this.peek();
    this.pos++;
    if (code === COMMA) {
      return true;
    }
    if (code === close) {
      return false;
    }
    this.pos--;
    throw this.malformed(`expected ',' or '${String.fromCharCode(close)}' after ${what}`);
  }

  /** The source text of the value that starts here. */
  async valueText(): Promise<string> {
    const first = await this.peek();
    if (first === END) {
      throw this.malformed('the file ends where a value should be');
    }
    let i = this.pos;
    let depth = 0;
    for (;;) {
      if (i >= this.text.length) {
        const shift = await this.fill();
        if (shift === END) {
          if (depth === 0 && first !== QUOTE) {
            break;
          }
          throw this.malformed('the file ends inside a value');
        }
        i -= shift;
        continue;
      }
      const code = this.text.charCodeAt(i);
      if (code === QUOTE) {
        const after = this.stringEnd(i);
        if (after < 0) {
          const shift = await this.fill();
          if (shift === END) {
            throw this.malformed('the file ends inside a string');
          }
          i -= shift;
          continue;
        }
        i = after;
        if (depth === 0) {
          break;
        }
        continue;
      }
      if (depth === 0 && first !== OPEN_BRACE && first !== OPEN_BRACKET) {
        // A number, true, false or null ends where the next token begins.
        if (isSpace(code) || code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET) {
          break;
        }
      } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        depth++;
      } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      } else if (code === LINE_FEED) {
        this.line++;
        this.lineStart = this.base + i + 1;
      }
      i++;
    }
    const text = this.text.slice(this.pos, i);
    this.pos = i;

    return text;
  }

  /** The index after the closing quote of the string opening at `open`, or -1 if not yet read. */
  private stringEnd(open: number): number {
    let from = open + 1;
    for (;;) {
      const close = this.text.indexOf('"', from);
      if (close < 0) {
        return -1;
      }
      let backslashes = 0;
      while (this.text.charCodeAt(close - 1 - backslashes) === BACKSLASH) {
        backslashes++;
      }
      if (backslashes % 2 === 0) {
        return close + 1;
      }
      from = close + 1;
    }
  }

  /** Parses the value that starts here, reporting a syntax error at its line and column. */
  async value(): Promise<unknown> {
    await this.peek();
    const line = this.line;
    const column = this.column;
    const text = await this.valueText();
    try {
      return JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      const at = /at position (\d+)/.exec(message);
      const cleaned = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*$/s, '');
      if (!at) {
        throw this.malformed(cleaned, line, column);
      }
      const before = text.slice(0, Number(at[1]));
      const lines = before.split('\n');
      const errorLine = line + lines.length - 1;
      const errorColumn = lines.length === 1 ? column + before.length : lines.at(-1)!.length + 1;
      throw this.malformed(cleaned, errorLine, errorColumn);
    }
  }

  async atEnd(): Promise<boolean> {
    return (await this.peek()) === END;
  }

  advance(): void {
    this.pos++;
  }
}

/**
 * Reads the records of a JSON file: the export's `{ exportedAt, version, entities: { Type:
 * [records] } }` or a bare `{ Type: [records] }`. Other members of the outer object (the time of
 * the export, its version) are read past.
 */
export async function* readJsonEntries(chunks: AsyncIterable<string>): AsyncGenerator<FileEntry> {
  const cursor = new JsonCursor(chunks[Symbol.asyncIterator]());
  if ((await cursor.peek()) !== OPEN_BRACE) {
    throw cursor.malformed('expected an object of entity types, each with a list of records');
  }
  cursor.advance();
  if ((await cursor.peek()) === CLOSE_BRACE) {
    cursor.advance();
  } else {
    do {
      const key = await readKey(cursor);
      const next = await cursor.peek();
      if (key === 'entities' && next === OPEN_BRACE) {
        yield* readTypes(cursor);
      } else if (next === OPEN_BRACKET) {
        yield* readRecords(cursor, key);
      } else {
        await cursor.valueText();
      }
    } while (await cursor.separator(CLOSE_BRACE, 'a member of the outer object'));
  }
  if (!(await cursor.atEnd())) {
    throw cursor.malformed('unexpected text after the end of the outer object');
  }
}

async function readKey(cursor: JsonCursor): Promise<string> {
  if ((await cursor.peek()) !== QUOTE) {
    throw cursor.malformed('expected a member name in double quotes');
  }
  const key = (await cursor.value()) as string;
  await cursor.expect(COLON, "':' after a member name");

  return key;
}

async function* readTypes(cursor: JsonCursor): AsyncGenerator<FileEntry> {
  cursor.advance();
  if ((await cursor.peek()) === CLOSE_BRACE) {
    cursor.advance();
    return;
  }
  do {
    const type = await readKey(cursor);
    if ((await cursor.peek()) !== OPEN_BRACKET) {
      throw cursor.malformed(`'entities.${type}' must be a list of records`);
    }
    yield* readRecords(cursor, type);
  } while (await cursor.separator(CLOSE_BRACE, 'the records of an entity type'));
}

async function* readRecords(cursor: JsonCursor, entityType: string): AsyncGenerator<FileEntry> {
  yield { entityType, line: cursor.line };
  cursor.advance();
  if ((await cursor.peek()) === CLOSE_BRACKET) {
    cursor.advance();
    return;
  }
  do {
    await cursor.peek();
    const line = cursor.line;
    yield { entityType, line, record: await cursor.value() };
  } while (await cursor.separator(CLOSE_BRACKET, `a record of ${entityType}`));
}
