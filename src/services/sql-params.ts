import type { Dialect } from '../db/dialect';

/** Collects the parameters of one statement and hands out their placeholders in order. */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(readonly dialect: Dialect) {}

  /** Adds a value and returns the placeholder that stands for it. */
  add(value: unknown): string {
    this.values.push(value);

    return this.dialect.placeholder(this.values.length);
  }

  /** A quoted identifier, optionally qualified by a table alias. */
  column(name: string, alias?: string): string {
    const quoted = this.dialect.quote(name);

    return alias ? `${alias}.${quoted}` : quoted;
  }
}
