import type { DialectName } from '../config';

/**
 * How values are written as SQL literals for a dialect, so that a file of INSERT statements loads
 * with the dialect's own command-line tool (`psql -f`, `sqlite3 db < file`) and gives back exactly
 * the stored values.
 */
export interface SqlLiterals {
  readonly dialect: DialectName;
  /** A quoted identifier: reserved names such as "User" and "order" are safe. */
  identifier(name: string): string;
  text(value: string): string;
  boolean(value: boolean): string;
  /** An integer; the gateway stores nothing wider than 2^53. */
  integer(value: number): string;
  readonly null: string;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteText(value: string): string {
  return value.includes("'") ? `'${value.replace(/'/g, "''")}'` : `'${value}'`;
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) {
    throw new Error(`Cannot write ${value} as an SQL integer`);
  }

  return String(value);
}

/**
 * PostgreSQL keeps every character of a standard string literal as it is, newlines and
 * backslashes included (standard_conforming_strings has been on by default since 9.1); only the
 * quote is doubled. A text value never holds NUL there.
 */
const postgres: SqlLiterals = {
  dialect: 'postgres',
  identifier: quoteIdentifier,
  text: quoteText,
  boolean: (value) => (value ? 'TRUE' : 'FALSE'),
  integer,
  null: 'NULL',
};

/** Characters the sqlite3 shell would not read back as they are inside a literal. */
const SQLITE_UNSAFE = /[\r\0]/;

/**
 * SQLite keeps newlines and backslashes in a literal too, but its shell reads a file line by line
 * and drops a carriage return before a line end, and NUL ends a C string: those two characters
 * are written as `char(13)` and `char(0)` joined with `||`. Booleans are stored as 1 and 0.
 */
const sqlite: SqlLiterals = {
  dialect: 'sqlite',
  identifier: quoteIdentifier,
  text: (value) => {
    if (!SQLITE_UNSAFE.test(value)) {
      return quoteText(value);
    }
    const parts = value.split(/([\r\0])/).filter((part) => part !== '');

    return parts
      .map((part) => (SQLITE_UNSAFE.test(part) ? `char(${part.charCodeAt(0)})` : quoteText(part)))
      .join(' || ');
  },
  boolean: (value) => (value ? '1' : '0'),
  integer,
  null: 'NULL',
};

export function sqlLiteralsFor(dialect: DialectName): SqlLiterals {
  return dialect === 'sqlite' ? sqlite : postgres;
}
