import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';

/** One root field of the schema, with an operation that calls it with made-up arguments. */
export interface FieldProbe {
  kind: 'query' | 'mutation';
  name: string;
  /** The operation: every argument a variable, the result reduced to `__typename`. */
  query: string;
  variables: Record<string, unknown>;
  /** The names of the string (and ID) values in `variables`, as paths, for injection tests. */
  stringPaths: string[][];
  /** The variables that take a file (`Upload`): null here, sent as multipart parts. */
  uploadPaths: string[][];
}

/** A value of an input type: strings and IDs from `text`, required input fields only. */
interface Found {
  strings: string[][];
  uploads: string[][];
}

function sample(type: GraphQLInputType, text: string, path: string[], found: Found): unknown {
  if (isNonNullType(type)) {
    return sample(type.ofType, text, path, found);
  }
  if (isListType(type)) {
    return [sample(type.ofType, text, [...path, '0'], found)];
  }
  if (isEnumType(type)) {
    return type.getValues()[0].value;
  }
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type));

    return Object.fromEntries(
      fields.map((f) => [f.name, sample(f.type, text, [...path, f.name], found)]),
    );
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'String':
      case 'ID':
        found.strings.push(path);
        return text;
      case 'Upload':
        found.uploads.push(path);
        return null;
      case 'Int':
      case 'Float':
        return 1;
      case 'Boolean':
        return false;
      case 'Timestamp':
        return Date.now() + 3600_000;
      case 'JSON':
        return {};
      default:
        return null;
    }
  }

  return null;
}

function typeText(type: GraphQLInputType): string {
  return type.toString();
}

function probe(
  kind: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
  text: string,
): FieldProbe {
  const found: Found = { strings: [], uploads: [] };
  const args: readonly GraphQLArgument[] = field.args;
  const variables = Object.fromEntries(
    args
      .filter((arg) => isNonNullType(arg.type) || getNamedType(arg.type).name === 'String')
      .map((arg) => [arg.name, sample(arg.type, text, [arg.name], found)]),
  );
  const used = args.filter((arg) => arg.name in variables);
  const declarations = used.map((arg) => `$${arg.name}: ${typeText(arg.type)}`).join(', ');
  const passed = used.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
  const query =
    `${kind}${declarations ? `(${declarations})` : ''} ` +
    `{ ${field.name}${passed ? `(${passed})` : ''}${selection} }`;

  return {
    kind,
    name: field.name,
    query,
    variables,
    stringPaths: found.strings,
    uploadPaths: found.uploads,
  };
}

/**
 * An operation for every root field of the schema, built from the schema itself, so that a
 * field added later is probed without a change here. Required arguments and optional string
 * arguments get values: strings and IDs are `text`.
 */
export function probeRootFields(schema: GraphQLSchema, text = 'no-such-value'): FieldProbe[] {
  const roots = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const;

  return roots.flatMap(([kind, type]) =>
    Object.values(type?.getFields() ?? {}).map((field) => probe(kind, field, text)),
  );
}
