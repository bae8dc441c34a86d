import { badRequest } from '../../errors';

/** One statement of a SQL file, without its closing semicolon. */
export interface SqlStatement {
  text: string;
  /** The line where `text` begins (it may begin with blank lines and comments). */
  firstLine: number;
  /** The line of the statement's first word. */
  line: number;
}

type State = 'code' | 'string' | 'escapeString' | 'identifier' | 'lineComment' | 'blockComment';

function countLines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) {
    count++;
  }

  return count;
}

/**
 * Splits a SQL file into statements at the semicolons that lie outside strings, quoted names and
 * comments, chunk by chunk, so that only one statement is held at a time.
 */
export async function* splitSqlStatements(
  chunks: AsyncIterable<string>,
): AsyncGenerator<SqlStatement> {
  let text = '';
  let i = 0;
  let state = 'code' as State;
  let commentDepth = 0;
  let line = 1;
  let firstLine = 1;
  let statementLine: number | null = null;
  let openedAt = 1;

  const scan = function* (final: boolean): Generator<SqlStatement> {
    while (i < text.length) {
      if (state === 'code') {
        const code = text.charCodeAt(i);
        const next = i + 1 < text.length ? text[i + 1] : undefined;
        const c = text[i];
        if ((c === '-' || c === '/') && next === undefined && !final) {
          return;
        }
        if (c === '\n') {
          line++;
          i++;
        } else if (code === 0x20 || code === 0x09 || code === 0x0d) {
          i++;
        } else if (c === '-' && next === '-') {
          state = 'lineComment';
          i += 2;
        } else if (c === '/' && next === '*') {
          state = 'blockComment';
          commentDepth = 1;
          openedAt = line;
          i += 2;
        } else if (c === ';') {
          if (statementLine !== null) {
            yield { text: text.slice(0, i), firstLine, line: statementLine };
          }
          text = text.slice(i + 1);
          i = 0;
          firstLine = line;
          statementLine = null;
        } else {
          statementLine ??= line;
          if (c === "'") {
            const prefix = i > 0 ? text[i - 1] : '';
            const beforePrefix = i > 1 ? text[i - 2] : '';
            const escaped = /[Ee]/.test(prefix) && !/[A-Za-z0-9_$]/.test(beforePrefix);
            state = escaped ? 'escapeString' : 'string';
            openedAt = line;
          } else if (c === '"') {
            state = 'identifier';
            openedAt = line;
          }
          i++;
        }
        continue;
      }

      if (state === 'lineComment') {
        const end = text.indexOf('\n', i);
        if (end < 0) {
          i = text.length;
          return;
        }
        state = 'code';
        i = end;
        continue;
      }

      if (state === 'blockComment') {
        const open = text.indexOf('/*', i);
        const close = text.indexOf('*/', i);
        if (close < 0) {
          // Keep a trailing '*' or '/' that may pair with the next chunk.
          const keep = Math.max(i, text.length - 1);
          line += countLines(text, i, keep);
          i = keep;
          return;
        }
        if (open >= 0 && open < close) {
          line += countLines(text, i, open);
          commentDepth++;
          i = open + 2;
          continue;
        }
        line += countLines(text, i, close);
        i = close + 2;
        commentDepth--;
        if (commentDepth === 0) {
          state = 'code';
        }
        continue;
      }

      // Inside a string or a quoted name: a doubled quote stands for itself.
      const quote = state === 'identifier' ? '"' : "'";
      let close = text.indexOf(quote, i);
      if (state === 'escapeString') {
        while (close > 0 && isBackslashed(text, close)) {
          close = text.indexOf(quote, close + 1);
        }
      }
      if (close < 0 || (close + 1 >= text.length && !final)) {
        const stop = close < 0 ? text.length : close;
        line += countLines(text, i, stop);
        i = stop;
        return;
      }
      line += countLines(text, i, close);
      if (text[close + 1] === quote) {
        i = close + 2;
        continue;
      }
      state = 'code';
      i = close + 1;
    }
  };

  for await (const chunk of chunks) {
    text += chunk;
    yield* scan(false);
  }
  yield* scan(true);

  if (state === 'string' || state === 'escapeString' || state === 'identifier') {
    const what = state === 'identifier' ? 'quoted name' : 'string';
    throw badRequest(`The SQL file ends inside a ${what} opened at line ${openedAt}`, {
      line: openedAt,
    });
  }
  if (state === 'blockComment') {
    throw badRequest(`The SQL file ends inside a comment opened at line ${openedAt}`, {
      line: openedAt,
    });
  }
  if (statementLine !== null) {
    yield { text, firstLine, line: statementLine };
  }
}

function isBackslashed(text: string, index: number): boolean {
  let backslashes = 0;
  while (text[index - 1 - backslashes] === '\\') {
    backslashes++;
  }

  return backslashes % 2 === 1;
}
