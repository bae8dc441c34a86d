import type { DialectName } from '../src/config';
import { decodeRecord } from '../src/registry/record-codec';
import { dataOf, DIALECTS, startTestGateway, type TestGateway } from './harness';

const EXPORT = `mutation($format: ExportFormat!) {
  exportDatabase(format: $format, includeSensitive: true, inline: true) { content }
}`;
const IMPORT = `mutation($content: String!, $format: ExportFormat!) {
  importDatabaseContent(content: $content, format: $format, mode: REPLACE) {
    summary { imported failed errors { entityType index field error } }
  }
}`;

/** Every table but the audit log, decoded, ordered by primary key: comparable across dialects. */
async function tables(gw: TestGateway): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const entity of gw.services.registry.entities.filter((e) => e.name !== 'AuditLog')) {
    const rows = await gw.sql(`SELECT * FROM "${entity.name}" ORDER BY "${entity.primaryKey}"`);
    result[entity.name] = rows.map((row) =>
      decodeRecord(gw.services.db.dialect, entity, row, true),
    );
  }

  return result;
}

/** Values that exporters and importers tend to get wrong, added to the demo data. */
async function addAwkwardRecords(gw: TestGateway): Promise<void> {
  const create = async (type: string, data: Record<string, unknown>) =>
    dataOf(
      await gw.gql(
        'mutation($t: EntityType!, $d: JSON!) { createEntity(entityType: $t, data: $d) }',
        { t: type, d: data },
        { token: gw.adminToken },
      ),
    ).createEntity;
  await create('User', {
    username: 'awkward',
    email: 'awkward@example.com',
    bio: `It's "quoted" \\ back\\slash\r\nnew line\t tab 😀 -- not a comment; DROP TABLE "User";`,
    createdAt: 4102444800123,
    profilePicture: '',
  });
  for (const [index, value] of [
    { nested: [1, 'two', null, false, { deep: true }] },
    'true',
    '2024-01-01',
    ' leading space',
    'null',
    42.5,
    [],
  ].entries()) {
    await create('PageConfig', {
      path: `/awkward/${index}`,
      title: `- looks: like yaml #${index}`,
      componentTree: value,
      meta: index % 2 === 0 ? value : null,
      level: index % 6,
      requiresAuth: index % 2 === 0,
    });
  }
}

const FORMATS = ['JSON', 'YAML', 'SQL'] as const;
const pairs: Array<[DialectName, DialectName]> = DIALECTS.flatMap((from) =>
  DIALECTS.filter((to) => to !== from).map((to): [DialectName, DialectName] => [from, to]),
);

describe.each(pairs)('export from %s, import into %s', (from, to) => {
  let source: TestGateway;
  let target: TestGateway;

  beforeAll(async () => {
    [source, target] = await Promise.all([
      startTestGateway(from),
      startTestGateway(to, { demo: false }),
    ]);
    await addAwkwardRecords(source);
  });
  afterAll(async () => {
    await Promise.all([source?.close(), target?.close()]);
  });

  it.each(FORMATS)('gives back every row of every table through %s', async (format) => {
    const { exportDatabase } = dataOf(
      await source.gql(EXPORT, { format }, { token: source.adminToken }),
    );
    // Each run replaces what the one before left, so every format starts from the same state.
    const token = await target.login('admin');
    const { importDatabaseContent } = dataOf(
      await target.gql(IMPORT, { content: exportDatabase.content, format }, { token }),
    );
    expect(importDatabaseContent.summary.errors).toEqual([]);
    expect(importDatabaseContent.summary.failed).toBe(0);

    const expected = await tables(source);
    expect(await tables(target)).toEqual(expected);
    expect(expected.User.length).toBeGreaterThan(19);
    // The restored credentials keep their logins working.
    expect(await target.login('acme-supergod', 'metabuilder-demo')).toEqual(expect.any(String));
  });
});

describe.each(DIALECTS)('SQL text built with || and char() on %s', (dialect) => {
  let gw: TestGateway;
  const IMPORT_SQL = `mutation($content: String!) {
    importDatabaseContent(content: $content, format: SQL) { summary { imported } }
  }`;
  const insert = (bio: string) =>
    `INSERT INTO "User" ("id", "username", "email", "bio") VALUES ('u-joined', 'joined', 'j@example.com', ${bio});`;

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { demo: false });
  });
  afterAll(() => gw?.close());

  it('reads joined literals and character codes as the text they stand for', async () => {
    const content = insert(`'a' || char(13) || 'b' || char(10, 9)`);
    const { importDatabaseContent } = dataOf(
      await gw.gql(IMPORT_SQL, { content }, { token: gw.adminToken }),
    );
    expect(importDatabaseContent.summary.imported).toBe(1);
    const [row] = await gw.sql('SELECT "bio" FROM "User" WHERE "id" = ?', ['u-joined']);
    expect(row.bio).toBe('a\rb\n\t');
  });

  it('refuses any other function or operator, naming the line', async () => {
    const before = await gw.snapshot();
    for (const bio of [`upper('x')`, `'a' || 1`, `char(-1)`]) {
      const response = await gw.gql(IMPORT_SQL, { content: insert(bio) }, { token: gw.adminToken });
      expect(response.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
      expect(response.errors?.[0].message).toMatch(/^Line 1: only literal values/);
    }
    expect(await gw.snapshot()).toEqual(before);
  });
});
