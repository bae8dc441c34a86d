import { escapeLike } from '../db/dialect';
import { badRequest, quote, unknownChoice } from '../errors';
import type { EntityInfo, FieldInfo } from '../registry/entity-info';
import { encodeValue } from '../registry/record-codec';
import type { SqlParams } from './sql-params';

/** The operators a filter may apply to a field. */
export const FILTER_OPERATORS = [
  'eq',
  'ne',
  'in',
  'notIn',
  'isNull',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
  'startsWith',
  'endsWith',
] as const;

export type FilterOperator = (typeof FILTER_OPERATORS)[number];

const COMBINATORS = ['and', 'or', 'not'] as const;
const TEXT_KINDS = new Set(['id', 'string', 'text', 'enum']);
const ORDERED_KINDS = new Set(['id', 'string', 'text', 'enum', 'int', 'timestamp']);

/** The operators that make sense for a field of this kind. */
export function operatorsFor(field: FieldInfo): FilterOperator[] {
  if (field.kind === 'json') {
    return ['isNull'];
  }
  if (field.kind === 'bool') {
    return ['eq', 'ne', 'isNull'];
  }
  const ordered: FilterOperator[] = ['eq', 'ne', 'in', 'notIn', 'isNull', 'gt', 'gte', 'lt', 'lte'];

  return TEXT_KINDS.has(field.kind) ? [...ordered, 'contains', 'startsWith', 'endsWith'] : ordered;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks that a value given to an operator fits the field's kind. */
function operand(field: FieldInfo, operator: string, value: unknown): unknown {
  const fits =
    field.kind === 'bool'
      ? typeof value === 'boolean'
      : field.kind === 'int' || field.kind === 'timestamp'
        ? typeof value === 'number' && Number.isFinite(value)
        : typeof value === 'string';
  if (!fits) {
    const wanted =
      field.kind === 'bool'
        ? 'a boolean'
        : ORDERED_KINDS.has(field.kind) && !TEXT_KINDS.has(field.kind)
          ? 'a number'
          : 'a string';
    throw badRequest(`Filter '${field.name}.${operator}' needs ${wanted}, got ${quote(value)}`, {
      field: field.name,
    });
  }

  return value;
}

/**
 * Compiles the filter language of the API into a SQL condition on `alias`:
 * `{ field: value }` (equality, `null` for IS NULL), `{ field: { operator: value } }`, and the
 * combinators `and`, `or` (arrays of filters) and `not` (none of its filters holds).
 */
export class FilterCompiler {
  constructor(
    private readonly entity: EntityInfo,
    private readonly params: SqlParams,
    private readonly alias: string,
  ) {}

  compile(filter: unknown): string {
    if (filter === null || filter === undefined) {
      return 'TRUE';
    }
    if (!isPlainObject(filter)) {
      throw badRequest(
        `A filter must be an object of field names and operators, got ${quote(filter)}`,
      );
    }
    const parts: string[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (value === undefined) {
        continue;
      }
      if ((COMBINATORS as readonly string[]).includes(key)) {
        parts.push(this.combinator(key as (typeof COMBINATORS)[number], value));
        continue;
      }
      parts.push(this.fieldCondition(this.fieldNamed(key), value));
    }

    return parts.length === 0 ? 'TRUE' : parts.map((p) => `(${p})`).join(' AND ');
  }

  private fieldNamed(name: string): FieldInfo {
    const field = this.entity.fieldsByName.get(name);
    if (!field || field.secret) {
      const valid = [
        ...this.entity.fields.filter((f) => !f.secret).map((f) => f.name),
        ...COMBINATORS,
      ];
      throw badRequest(unknownChoice(`filter field of ${this.entity.name}`, name, valid), {
        field: name,
      });
    }

    return field;
  }

  private combinator(key: 'and' | 'or' | 'not', value: unknown): string {
    const list = Array.isArray(value) ? value : isPlainObject(value) ? [value] : undefined;
    if (!list) {
      throw badRequest(`Filter '${key}' takes an array of filters, got ${quote(value)}`);
    }
    const compiled = list.map((item) => `(${this.compile(item)})`);
    if (compiled.length === 0) {
      // An empty AND holds, an empty OR does not, and NOT of nothing holds.
      return key === 'or' ? 'FALSE' : 'TRUE';
    }
    if (key === 'and') {
      return compiled.join(' AND ');
    }

    return key === 'or' ? compiled.join(' OR ') : `NOT (${compiled.join(' OR ')})`;
  }

  private fieldCondition(field: FieldInfo, value: unknown): string {
    if (!isPlainObject(value)) {
      return this.operator(field, 'eq', value);
    }
    const parts = Object.entries(value)
      .filter(([, operandValue]) => operandValue !== undefined)
      .map(([operator, operandValue]) => this.operator(field, operator, operandValue));

    return parts.length === 0 ? 'TRUE' : parts.join(' AND ');
  }

  private operator(field: FieldInfo, operator: string, value: unknown): string {
    const allowed = operatorsFor(field);
    if (!(allowed as string[]).includes(operator)) {
      const what = (FILTER_OPERATORS as readonly string[]).includes(operator)
        ? `Operator '${operator}' does not apply to '${field.name}' (${field.kind}).`
        : `Unknown filter operator ${quote(operator)} on '${field.name}'.`;
      throw badRequest(`${what} Valid operators: ${allowed.join(', ')}`, { field: field.name });
    }
    const column = this.params.column(field.name, this.alias);
    const encode = (v: unknown) => this.params.add(encodeValue(this.params.dialect, field, v));

    switch (operator as FilterOperator) {
      case 'isNull':
        if (typeof value !== 'boolean') {
          throw badRequest(
            `Filter '${field.name}.isNull' needs true or false, got ${quote(value)}`,
          );
        }

        return value ? `${column} IS NULL` : `${column} IS NOT NULL`;
      case 'eq':
        return value === null
          ? `${column} IS NULL`
          : `${column} = ${encode(operand(field, 'eq', value))}`;
      case 'ne':
        return value === null
          ? `${column} IS NOT NULL`
          : `(${column} <> ${encode(operand(field, 'ne', value))} OR ${column} IS NULL)`;
      case 'in':
      case 'notIn': {
        if (!Array.isArray(value)) {
          throw badRequest(
            `Filter '${field.name}.${operator}' takes an array, got ${quote(value)}`,
          );
        }
        if (value.length === 0) {
          return operator === 'in' ? 'FALSE' : 'TRUE';
        }
        const list = value.map((v) => encode(operand(field, operator, v))).join(', ');

        return operator === 'in'
          ? `${column} IN (${list})`
          : `(${column} NOT IN (${list}) OR ${column} IS NULL)`;
      }
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const sign = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[operator as 'gt'];

        return `${column} ${sign} ${encode(operand(field, operator, value))}`;
      }
      case 'contains':
      case 'startsWith':
      case 'endsWith': {
        const text = escapeLike(operand(field, operator, value) as string);
        const pattern =
          operator === 'contains'
            ? `%${text}%`
            : operator === 'startsWith'
              ? `${text}%`
              : `%${text}`;

        return this.params.dialect.likeInsensitive(column, this.params.add(pattern));
      }
    }
  }
}

/** A condition matching records whose text fields contain `search`, case-insensitively. */
export function searchCondition(
  entity: EntityInfo,
  search: string,
  params: SqlParams,
  alias: string,
): string {
  if (entity.searchFields.length === 0) {
    return 'FALSE';
  }
  const pattern = `%${escapeLike(search)}%`;

  return entity.searchFields
    .map((name) => params.dialect.likeInsensitive(params.column(name, alias), params.add(pattern)))
    .join(' OR ');
}
