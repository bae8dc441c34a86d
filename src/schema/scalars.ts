import {
  GraphQLError,
  GraphQLScalarType,
  Kind,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql';
import { GraphQLUpload } from 'graphql-upload-minimal';
import { MAX_TIMESTAMP } from '../registry/record-validator';
import type { Builder } from './builder';

function toTimestamp(value: unknown): number {
  return checkTimestamp(value, value);
}

/** Output may come from a driver that hands bigint columns over as decimal strings. */
function serializeTimestamp(value: unknown): number {
  return checkTimestamp(
    value,
    typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value,
  );
}

function checkTimestamp(value: unknown, number: unknown): number {
  if (typeof number !== 'number' || !Number.isInteger(number) || Math.abs(number) > MAX_TIMESTAMP) {
    throw new GraphQLError(
      `Timestamp must be an integer number of milliseconds within ±${MAX_TIMESTAMP}, got ${JSON.stringify(value)}`,
      { extensions: { code: 'BAD_REQUEST' } },
    );
  }

  return number;
}

/** Milliseconds since the Unix epoch as a JSON number: wider than Int, never a string. */
export const TimestampScalar = new GraphQLScalarType<number, number>({
  name: 'Timestamp',
  description: 'Milliseconds since the Unix epoch, as a JSON number (an integer within ±8.64e15).',
  serialize: serializeTimestamp,
  parseValue: toTimestamp,
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.INT) {
      throw new GraphQLError(`Timestamp must be an integer literal, got ${ast.kind}`, {
        extensions: { code: 'BAD_REQUEST' },
      });
    }

    return toTimestamp(Number(ast.value));
  },
});

/** Any JSON value, passed through unchanged both ways. */
export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Any JSON value: object, array, string, number, boolean or null.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
});

export function addScalars(builder: Builder): void {
  builder.addScalarType('Timestamp', TimestampScalar);
  builder.addScalarType('JSON', JSONScalar);
  builder.addScalarType('Upload', GraphQLUpload as GraphQLScalarType<Promise<never>, never>);
}
