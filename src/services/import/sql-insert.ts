/** A literal value of a SQL file, before it is matched with a field. */
export type SqlValue = string | number | boolean | null;

export interface SqlRow {
  values: SqlValue[];
  line: number;
}

/** An `INSERT INTO … VALUES …` statement read into its parts. */
export interface SqlInsert {
  /** The schema the table name was qualified with (`public`, `main`), if any. */
  schema: string | null;
  table: string;
  /** The column list; null when the statement gives values in table order. */
  columns: string[] | null;
  rows: SqlRow[];
  line: number;
}

/** Reads the body of an E'…' string, where backslashes escape (PostgreSQL). */
export function unescapeBackslashes(body: string): string {
  return body.replace(
    /\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[0-7]{1,3}|.)/gs,
    (_, escape: string) => {
      const first = escape[0];
      if (first === 'x' || first === 'u' || first === 'U') {
        return String.fromCodePoint(parseInt(escape.slice(1), 16));
      }
      if (/[0-7]/.test(first)) {
        return String.fromCodePoint(parseInt(escape, 8));
      }
      const named: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

      return named[escape] ?? escape;
    },
  );
}
