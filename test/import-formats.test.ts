import { stringify } from 'yaml';
import { DIALECTS, dataOf, errorCode, startTestGateway, type TestGateway } from './harness';
import {
  type Entities,
  importContent,
  jsonFile,
  site,
  sqlFile,
  uploadFile,
  users,
  yamlFile,
} from './import-fixtures';

type Format = 'JSON' | 'YAML' | 'SQL';

describe.each(DIALECTS)('import formats on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { demo: false });
  });
  afterAll(() => gw?.close());

  const run = async (content: string, format: Format, args = {}) =>
    dataOf(await importContent(gw, content, format, args)).importDatabaseContent;

  /** The records of a type as the API returns them, for comparison with a file. */
  const stored = async (type: string, ids: unknown[]) => {
    const entity = gw.services.registry.get(type);
    const records = [];
    for (const id of ids) {
      const [row] = await gw.sql(`SELECT * FROM "${type}" WHERE "${entity.primaryKey}" = ?`, [id]);
      const { decodeRecord } = await import('../src/registry/record-codec');
      records.push(decodeRecord(gw.services.db.dialect, entity, row, true));
    }

    return records;
  };

  /** Every record of the file comes back from the database exactly as it was written. */
  const expectStored = async (entities: Entities) => {
    for (const [type, records] of Object.entries(entities)) {
      const key = gw.services.registry.get(type).primaryKey;
      expect(
        await stored(
          type,
          records.map((r) => r[key]),
        ),
      ).toEqual(records);
    }
  };

  const files: Array<[string, Format, (e: Entities) => string]> = [
    ['the export shape in JSON', 'JSON', (e) => jsonFile(e)],
    ['a bare mapping of types in JSON', 'JSON', (e) => JSON.stringify(e)],
    ['the export shape in YAML', 'YAML', (e) => yamlFile(e)],
    [
      'YAML with a document marker, comments and lists at the indentation of their key',
      'YAML',
      (e) => `---\n# exported\n${stringify({ entities: e }, { indentSeq: false })}`,
    ],
    [
      'YAML in flow style (JSON is YAML too)',
      'YAML',
      (e) => JSON.stringify({ entities: e }, null, 2),
    ],
    ['SQL as PostgreSQL writes it (TRUE/FALSE, ::jsonb)', 'SQL', (e) => sqlFile(e, 'postgres')],
    ['SQL as SQLite writes it (1/0 booleans)', 'SQL', (e) => sqlFile(e, 'sqlite')],
  ];

  it.each(files)(
    'imports a whole site from %s, every value intact',
    async (_name, format, write) => {
      const { entities } = await site(`${format}_${Math.random().toString(36).slice(2, 8)}`);
      const result = await run(write(entities), format);

      expect(result.summary).toMatchObject({ totalRecords: 10, imported: 10, failed: 0 });
      await expectStored(entities);
    },
  );

  it('reads SQL without column lists, with a schema and with unquoted names', async () => {
    const [first, second, third] = users('sqlshape', 3);
    const values = (u: Record<string, unknown>) =>
      Object.values(u)
        .map((v) => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v)))
        .join(', ');
    const sql = [
      `INSERT INTO public."User" VALUES (${values(first)});`,
      `insert into main.user values (${values(second)})`,
      ';',
      `INSERT INTO User (id, username, email, role, profilePicture, bio, createdAt, tenantId, ` +
        `isInstanceOwner, passwordChangeTimestamp, firstLogin) VALUES (${values(third)});`,
    ].join('\n');
    const result = await run(sql, 'SQL');

    expect(result.summary).toMatchObject({ imported: 3, failed: 0 });
    await expectStored({ User: [first, second, third] });
  });

  it('reads values the general SQL parser has to read, the same as plain literals', async () => {
    const [plain, cast] = users('castsql', 2);
    const sql =
      `INSERT INTO "User" ("id", "username", "email", "bio", "createdAt", "isInstanceOwner") ` +
      `VALUES ('${plain.id}', '${plain.username}', '${plain.email}', E'it\\'s\\n', 5, true);\n` +
      `/* a comment the plain reader leaves to the parser */\n` +
      `INSERT INTO "User" ("id", "username", "email", "bio", "createdAt", "isInstanceOwner") ` +
      `VALUES (CAST('${cast.id}' AS text), '${cast.username}', '${cast.email}', E'it\\'s\\n', 5, TRUE);`;
    const result = await run(sql, 'SQL');

    expect(result.summary).toMatchObject({ imported: 2, failed: 0 });
    const [a, b] = await stored('User', [plain.id, cast.id]);
    expect({ ...a, id: null, username: null, email: null }).toEqual({
      ...b,
      id: null,
      username: null,
      email: null,
    });
    expect(a).toMatchObject({ bio: "it's\n", createdAt: 5, isInstanceOwner: true });
  });

  it('imports an uploaded file of five thousand users in batches', async () => {
    const many = users('bulk', 5000);
    const response = await uploadFile(gw, 'bulk.json', jsonFile({ User: many }, false));

    expect(response.status).toBe(200);
    expect(response.body.data.importDatabase.summary).toMatchObject({ imported: 5000, failed: 0 });
    const [{ n }] = await gw.sql(`SELECT COUNT(*) AS n FROM "User" WHERE "id" LIKE 'usr_bulk%'`);
    expect(Number(n)).toBe(5000);
  });

  it('reports text in a JSON column that is no JSON', async () => {
    const sql =
      `INSERT INTO "InstalledPackage" ("packageId", "version", "config") ` +
      `VALUES ('pkg-badjson', '1.0.0', '{not json');`;
    const result = await run(sql, 'SQL');

    expect(result.summary.errors).toEqual([
      expect.objectContaining({
        entityType: 'InstalledPackage',
        field: 'config',
        line: 1,
        error: expect.stringContaining("'config' must hold JSON text"),
      }),
    ]);
  });

  const refused: Array<[string, Format, string, RegExp]> = [
    [
      'DROP TABLE',
      'SQL',
      `INSERT INTO "User" ("id") VALUES ('x');\n-- then\nDROP TABLE "User";`,
      /^Line 3: DROP TABLE statements are not allowed/,
    ],
    [
      'UPDATE',
      'SQL',
      `BEGIN;\nUPDATE "User" SET "role" = 'supergod';\nCOMMIT;`,
      /^Line 2: UPDATE statements are not allowed/,
    ],
    ['PRAGMA', 'SQL', `PRAGMA foreign_keys=OFF;`, /^Line 1: PRAGMA statements are not allowed/],
    [
      'INSERT … SELECT',
      'SQL',
      `INSERT INTO "User" SELECT * FROM "User";`,
      /^Line 1: INSERT … SELECT statements/,
    ],
    [
      'a function call as a value',
      'SQL',
      `INSERT INTO "User" ("id") VALUES (lower('X'));`,
      /^Line 1: only literal values .* found a function call/,
    ],
    [
      'an unterminated SQL string',
      'SQL',
      `INSERT INTO "User" ("id") VALUES ('x);\n`,
      /^The SQL file ends inside a string opened at line 1/,
    ],
    [
      'broken INSERT syntax',
      'SQL',
      `\n\nINSERT INTO "User" ("id") VALUES ('a',);`,
      /^Line 3, column \d+: cannot read the INSERT statement: unexpected/,
    ],
    [
      'a row with too few values',
      'SQL',
      `INSERT INTO "User" ("id", "username") VALUES ('a');`,
      /^Line 1: a row of 1 values for 2 columns/,
    ],
    [
      'an unknown table',
      'SQL',
      `INSERT INTO "Users" ("id") VALUES ('a');`,
      /^Line 1: Unknown entity type 'Users'. Did you mean 'User'\?/,
    ],
    [
      'malformed JSON',
      'JSON',
      `{\n  "User": [\n    { "id": "a", }\n  ]\n}`,
      /^The JSON file is malformed at line 3, column \d+/,
    ],
    [
      'JSON missing a comma between records',
      'JSON',
      `{"User": [{"id": "a"} {"id": "b"}]}`,
      /^The JSON file is malformed at line 1, column 23: expected ',' or '\]' after a record/,
    ],
    ['a JSON list', 'JSON', `[{"id": "a"}]`, /^The JSON file is malformed at line 1, column 1/],
    [
      'an unknown type in JSON',
      'JSON',
      `{"entities": {"Usr": []}}`,
      /^Line 1: Unknown entity type 'Usr'. Did you mean 'User'\?/,
    ],
    [
      'malformed YAML',
      'YAML',
      `entities:\n  User:\n    - id: a\n      bio: [unclosed\n    - id: b\n`,
      /^The YAML file is malformed at line 4/,
    ],
    [
      'YAML that is no mapping',
      'YAML',
      `- just\n- a list\n`,
      /^The YAML file is malformed at line 1: expected a mapping/,
    ],
  ];

  it.each(refused)(
    'refuses %s with a clear error and changes nothing',
    async (_n, format, content, message) => {
      const before = await gw.snapshot();
      const response = await importContent(gw, content, format);

      expect(errorCode(response)).toBe('BAD_REQUEST');
      expect(response.errors?.[0].message).toMatch(message);
      expect(await gw.snapshot()).toEqual(before);
    },
  );

  it('refuses an unknown format', async () => {
    const response = await gw.gql(
      'mutation { importDatabaseContent(content: "{}", format: XML) { dryRun } }',
      {},
      { token: gw.adminToken },
    );

    expect(response.status).toBe(400);
    expect(response.errors?.[0].message).toContain('XML');
  });
});
