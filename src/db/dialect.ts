import type { DialectName } from '../config';

/**
 * What differs between SQLite and PostgreSQL in the SQL the gateway writes. Every identifier goes
 * through `quote`, so reserved names such as "User" and "order" are safe on both.
 */
export interface Dialect {
  readonly name: DialectName;
  quote(identifier: string): string;
  /** The placeholder of the n-th parameter, counting from 1. */
  placeholder(n: number): string;
  /** A case-insensitive LIKE of `column` against a pattern whose `\` escapes `%` and `_`. */
  likeInsensitive(column: string, pattern: string): string;
  encodeBoolean(value: boolean): boolean | number;
  decodeBoolean(value: unknown): boolean | null;
  encodeJson(value: unknown): string;
  decodeJson(value: unknown): unknown;
}

function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

const sqlite: Dialect = {
  name: 'sqlite',
  quote: quoteIdentifier,
  placeholder: () => '?',
  // SQLite's LIKE is case-insensitive for ASCII letters only.
  likeInsensitive: (column, pattern) => `${column} LIKE ${pattern} ESCAPE '\\'`,
  encodeBoolean: (value) => (value ? 1 : 0),
  decodeBoolean: (value) => (value === null || value === undefined ? null : Boolean(Number(value))),
  encodeJson: (value) => JSON.stringify(value),
  decodeJson: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
};

const postgres: Dialect = {
  name: 'postgres',
  quote: quoteIdentifier,
  placeholder: (n) => `$${n}`,
  likeInsensitive: (column, pattern) => `${column} ILIKE ${pattern} ESCAPE '\\'`,
  encodeBoolean: (value) => value,
  decodeBoolean: (value) => (value === null || value === undefined ? null : value === true),
  encodeJson: (value) => JSON.stringify(value),
  // pg already parses json and jsonb columns.
  decodeJson: (value) => value,
};

export function dialectFor(name: DialectName): Dialect {
  return name === 'sqlite' ? sqlite : postgres;
}

/** Escapes `%`, `_` and `\` so that they match themselves inside a LIKE pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
