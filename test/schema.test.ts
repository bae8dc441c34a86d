import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildClientSchema,
  buildSchema as parseSchema,
  getIntrospectionQuery,
  type GraphQLSchema,
  type IntrospectionQuery,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
} from 'graphql';
import { printSchemaText } from '../src/schema';
import { DIALECTS, dataOf, startTestGateway, type TestGateway } from './harness';

const SCHEMA_FILE = join(__dirname, '..', 'schema.graphql');

/** Every type, field, argument and enum value of the schema that has no description. */
function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) {
      continue;
    }
    if (!type.description) {
      missing.push(type.name);
    }
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description) {
          missing.push(`${type.name}.${field.name}`);
        }
        for (const arg of 'args' in field ? field.args : []) {
          if (!arg.description) {
            missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) {
        if (!value.description) {
          missing.push(`${type.name}.${value.name}`);
        }
      }
    }
  }

  return missing;
}

describe.each(DIALECTS)('the printed schema on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { demo: false });
  });
  afterAll(() => gw?.close());

  it('equals schema.graphql (run `npm run schema` after changing the schema)', () => {
    expect(printSchemaText(gw.schema)).toBe(readFileSync(SCHEMA_FILE, 'utf8'));
  });

  it('is what introspection over HTTP shows a client', async () => {
    const introspection = dataOf(
      await gw.gql<IntrospectionQuery>(getIntrospectionQuery({ descriptions: true })),
    );

    expect(printSchemaText(buildClientSchema(introspection))).toBe(
      readFileSync(SCHEMA_FILE, 'utf8'),
    );
  });

  it('describes every type, field, argument and enum value', () => {
    expect(undescribed(gw.schema)).toEqual([]);
  });
});

describe('the description check', () => {
  it('names what has no description', () => {
    const schema = parseSchema(`
      """Reads."""
      type Query { "Described." a(x: Int): B }
      enum B { ONE }
    `);

    expect(undescribed(schema).sort()).toEqual(['B', 'B.ONE', 'Query.a(x)']);
  });
});
