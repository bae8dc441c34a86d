import { escapeLike } from '../db/dialect';
import { badRequest, quote, unknownChoice } from '../errors';
import type { EntityInfo, FieldInfo } from '../registry/entity-info';
import { encodeValue } from '../registry/record-codec';
import { checkValue, hasUnstorableCharacter } from '../registry/record-validator';
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

/** Bounds on a filter, so that no filter can exhaust the parser of either database. */
export const FILTER_LIMITS = { depth: 8, conditions: 100, listValues: 1000, searchLength: 200 };
const TEXT_KINDS = new Set(['id', 'string', 'text', 'enum']);

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

/** Checks that a value given to an operator fits the field's kind, range and set of values. */
function operand(field: FieldInfo, operator: string, value: unknown): unknown {
  const numeric = field.kind === 'int' || field.kind === 'timestamp';
  const fits =
    field.kind === 'bool'
      ? typeof value === 'boolean'
      : numeric
        ? typeof value === 'number' && Number.isInteger(value)
        : typeof value === 'string';
  if (!fits) {
    const wanted = field.kind === 'bool' ? 'a boolean' : numeric ? 'an integer' : 'a string';
    throw badRequest(`Filter '${field.name}.${operator}' needs ${wanted}, got ${quote(value)}`, {
      field: field.name,
    });
  }
  if (typeof value === 'string' && hasUnstorableCharacter(value)) {
    throw badRequest(`Filter '${field.name}.${operator}' holds U+0000 or a lone surrogate`, {
      field: field.name,
    });
  }
  // Ranges and sets of values as a write would check them; lengths and patterns do not apply.
  const problem =
    numeric || field.enumValues
      ? checkValue({ ...field, maxLength: undefined, minLength: undefined }, value)
      : undefined;
  if (problem) {
    throw badRequest(`Filter '${field.name}.${operator}': ${problem}`, { field: field.name });
  }

  return value;
}

/**
 * Compiles the filter language of the API into a SQL condition on `alias`:
 * `{ field: value }` (equality, `null` for IS NULL), `{ field: { operator: value } }`, and the
 * combinators `and`, `or` (arrays of filters) and `not` (none of its filters holds).
 */
export class FilterCompiler {
  private conditions = 0;

  constructor(
    private readonly entity: EntityInfo,
    private readonly params: SqlParams,
    private readonly alias: string,
  ) {}

  compile(filter: unknown, depth = 0): string {
    if (filter === null || filter === undefined) {
      return 'TRUE';
    }
    if (!isPlainObject(filter)) {
      throw badRequest(
        `A filter must be an object of field names and operators, got ${quote(filter)}`,
      );
    }
    if (depth > FILTER_LIMITS.depth) {
      throw badRequest(`A filter may nest and, or and not at most ${FILTER_LIMITS.depth} deep`);
    }
    const parts: string[] = [];
    for (const [key, value] of Object.entries(filter)) {
      if (value === undefined) {
        continue;
      }
      if ((COMBINATORS as readonly string[]).includes(key)) {
        parts.push(this.combinator(key as (typeof COMBINATORS)[number], value, depth));
        continue;
      }
      this.conditions++;
      if (this.conditions > FILTER_LIMITS.conditions) {
        throw badRequest(`A filter may hold at most ${FILTER_LIMITS.conditions} field conditions`);
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

  private combinator(key: 'and' | 'or' | 'not', value: unknown, depth: number): string {
    const list = Array.isArray(value) ? value : isPlainObject(value) ? [value] : undefined;
    if (!list || !list.every(isPlainObject)) {
      throw badRequest(`Filter '${key}' takes an array of filter objects, got ${quote(value)}`);
    }
    const compiled = list.map((item) => `(${this.compile(item, depth + 1)})`);
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
        if (value.length > FILTER_LIMITS.listValues) {
          throw badRequest(
            `Filter '${field.name}.${operator}' takes at most ${FILTER_LIMITS.listValues} values, got ${value.length}`,
            { field: field.name },
          );
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
  if (search.length > FILTER_LIMITS.searchLength || hasUnstorableCharacter(search)) {
    throw badRequest(
      `search must be text of at most ${FILTER_LIMITS.searchLength} characters without U+0000 or lone surrogates, got ${search.length} characters`,
      { field: 'search' },
    );
  }
  if (entity.searchFields.length === 0) {
    return 'FALSE';
  }
  const pattern = `%${escapeLike(search)}%`;

  return entity.searchFields
    .map((name) => params.dialect.likeInsensitive(params.column(name, alias), params.add(pattern)))
    .join(' OR ');
}
