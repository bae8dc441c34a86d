import { quote } from '../errors';
import type { EntityInfo, FieldInfo } from './entity-info';
import type { EntityRecord } from './record-codec';

/** One reason a record cannot be written. */
export interface FieldError {
  field: string;
  message: string;
}

/** The largest timestamp JavaScript dates allow, in milliseconds either side of the epoch. */
export const MAX_TIMESTAMP = 8.64e15;

/** How deep a JSON value may nest: deeper values are refused before they reach a recursive step. */
export const MAX_JSON_DEPTH = 64;

/**
 * PostgreSQL cannot store U+0000, nor a lone UTF-16 surrogate (which is no character at all);
 * SQLite would keep or mangle them, so both refuse them and stay alike.
 */
export function hasUnstorableCharacter(text: string): boolean {
  return text.includes('\u0000') || !(text as string & { isWellFormed(): boolean }).isWellFormed();
}

/** A reason a JSON value cannot be stored: too deep, or a string holding U+0000. */
export function jsonProblem(value: unknown): string | undefined {
  // Walks the value without recursion, so that a deep value cannot exhaust the stack.
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (typeof item === 'string') {
      if (hasUnstorableCharacter(item)) {
        return 'holds a string with U+0000 or a lone surrogate, which cannot be stored';
      }
      continue;
    }
    if (typeof item !== 'object' || item === null) {
      continue;
    }
    if (depth > MAX_JSON_DEPTH) {
      return `nests deeper than ${MAX_JSON_DEPTH} levels`;
    }
    for (const [key, child] of Object.entries(item)) {
      if (hasUnstorableCharacter(key)) {
        return 'holds a key with U+0000 or a lone surrogate, which cannot be stored';
      }
      pending.push([child, depth + 1]);
    }
  }

  return undefined;
}

function describeKind(field: FieldInfo): string {
  switch (field.kind) {
    case 'int':
      return 'an integer';
    case 'bool':
      return 'true or false';
    case 'timestamp':
      return 'a timestamp in milliseconds (an integer)';
    default:
      return 'a string';
  }
}

/** The end of a message about a value; built only when needed, as quoting large values is slow. */
function got(value: unknown): string {
  return `, got ${quote(value)}`;
}

/** Checks one value against its field's kind, length, pattern, range and set of values. */
export function checkValue(field: FieldInfo, value: unknown): string | undefined {
  if (value === null) {
    return field.nullable ? undefined : `'${field.name}' is required and cannot be null`;
  }
  switch (field.kind) {
    case 'json': {
      const problem = jsonProblem(value);

      return problem ? `'${field.name}' ${problem}` : undefined;
    }
    case 'bool':
      return typeof value === 'boolean'
        ? undefined
        : `'${field.name}' must be true or false${got(value)}`;
    case 'int':
    case 'timestamp': {
      const limit = field.kind === 'timestamp' ? MAX_TIMESTAMP : undefined;
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return `'${field.name}' must be ${describeKind(field)}${got(value)}`;
      }
      const min = field.min ?? (limit === undefined ? undefined : -limit);
      const max = field.max ?? limit;
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        return `'${field.name}' must be between ${min} and ${max}${got(value)}`;
      }

      return undefined;
    }
  }

  if (typeof value !== 'string') {
    return `'${field.name}' must be a string${got(value)}`;
  }
  if (hasUnstorableCharacter(value)) {
    return `'${field.name}' holds U+0000 or a lone surrogate, which cannot be stored`;
  }
  if ((field.kind === 'id' || field.primary) && !/^\S(?:.*\S)?$/s.test(value)) {
    return `'${field.name}' must be a key that is not empty and neither starts nor ends with a space${got}`;
  }
  if (field.enumValues && !field.enumValues.includes(value)) {
    return `'${field.name}' must be one of ${field.enumValues.join(', ')}${got(value)}`;
  }
  // A string has no more characters than UTF-16 units, and at least half as many.
  if (
    field.maxLength !== undefined &&
    value.length > field.maxLength &&
    [...value].length > field.maxLength
  ) {
    return `'${field.name}' must have at most ${field.maxLength} characters, got ${[...value].length}`;
  }
  if (
    field.minLength !== undefined &&
    value.length < 2 * field.minLength &&
    [...value].length < field.minLength
  ) {
    return `'${field.name}' must have at least ${field.minLength} characters${got(value)}`;
  }
  if (field.pattern && !field.pattern.regex.test(value)) {
    return `'${field.name}' must be ${field.pattern.hint}${got(value)}`;
  }

  return undefined;
}

/**
 * Checks a whole record in its stored form: every field it holds, every required field present,
 * no unknown field, and the checks that look at several fields (a workflow's edges and nodes).
 * `complete` is false for the changes of an update, which need not repeat required fields and
 * whose checks across fields wait for the record as it will be.
 */
export function validateRecord(
  entity: EntityInfo,
  record: EntityRecord,
  options: {
    complete: boolean;
    storedSecrets?: boolean;
    /** Name secrets as callers of the API give them (`password`, not `passwordHash`). */
    inputNames?: boolean;
  },
): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of Object.keys(record)) {
    if (!entity.fieldsByName.has(name)) {
      const valid = entity.fields.map((f) => f.name).join(', ');
      errors.push({
        field: name,
        message: `Unknown field '${name}' of ${entity.name}. Valid fields: ${valid}`,
      });
    }
  }

  for (const field of entity.fields) {
    const value = record[field.name];
    if (value === undefined) {
      if (options.complete && field.required) {
        const name = field.secret && options.inputNames ? field.secret.input : field.name;
        errors.push({ field: name, message: `'${name}' is required` });
      }
      continue;
    }
    if (field.secret && options.storedSecrets) {
      // A secret that arrives in its stored form (an import) must look like one; it is not echoed.
      if (typeof value !== 'string' || !field.secret.storedForm.test(value)) {
        errors.push({
          field: field.name,
          message: `'${field.name}' must be ${field.secret.storedFormHint}`,
        });
      }
      continue;
    }
    const problem = checkValue(field, value);
    if (problem) {
      errors.push({ field: field.name, message: problem });
      continue;
    }
    for (const check of options.complete ? field.checks : []) {
      const message = value === null ? undefined : check(value, record);
      if (message) {
        errors.push({ field: field.name, message: `'${field.name}' ${message}` });
        break;
      }
    }
  }

  return errors;
}
