import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { DialectName } from '../src/config';
import type { EntityRecord } from '../src/registry/record-codec';
import {
  addNastyData,
  BIG_TIMESTAMP,
  migratedDatabase,
  NASTY_STRINGS,
  sortByKey,
  storedRecords,
  TREE_IDS,
} from './export-fixtures';
import { DEMO_PASSWORD } from '../src/db/seed';
import { DIALECTS, dataOf, errorCode, startTestGateway, type TestGateway } from './harness';

const EXPORT = `mutation Export($format: ExportFormat, $entityTypes: [EntityType!], $filter: JSON,
    $includeSensitive: Boolean, $dialect: SqlDialect, $inline: Boolean) {
  exportDatabase(format: $format, entityTypes: $entityTypes, filter: $filter,
      includeSensitive: $includeSensitive, dialect: $dialect, inline: $inline) {
    format filename contentType exportedAt counts { entityType count } downloadUrl
    downloadExpiresAt content
  }
}`;

interface ExportFile {
  exportedAt: string;
  version: string;
  entities: Record<string, EntityRecord[]>;
}

const ALL_TYPES = [
  'User',
  'Session',
  'Credential',
  'PageConfig',
  'ComponentNode',
  'ComponentConfig',
  'Workflow',
  'InstalledPackage',
  'PackageData',
];
const DEFAULT_TYPES = ALL_TYPES.filter((t) => t !== 'Session' && t !== 'Credential');

describe.each(DIALECTS)('export on %s', (dialect) => {
  let gw: TestGateway;
  let dir: string;

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    await addNastyData(gw);
    // Small batches, so that every type is read in several keyset steps.
    gw.services.exports.batchSize = 4;
    dir = mkdtempSync(join(tmpdir(), 'mb-export-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await gw?.close();
  });

  const exportAs = async (variables: Record<string, unknown>, token = gw.adminToken) =>
    gw.gql(EXPORT, { inline: true, ...variables }, { token });

  const inlineExport = async (variables: Record<string, unknown>, token = gw.adminToken) =>
    dataOf(await exportAs(variables, token)).exportDatabase;

  const auditExports = async () =>
    (await gw.sql(`SELECT COUNT(*) AS n FROM "AuditLog" WHERE "action" = 'export'`))[0].n;

  const lastExport = async () => {
    const [row] = await gw.sql(
      `SELECT "userId", "details" FROM "AuditLog" WHERE "action" = 'export' ` +
        `ORDER BY "at" DESC LIMIT 1`,
    );

    return typeof row.details === 'string' ? JSON.parse(row.details) : row.details;
  };

  const get = (path: string, token?: string | null) =>
    fetch(`${gw.origin}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  /** The records of a file, per type, sorted by primary key, against the database's. */
  const expectSameRecords = async (file: ExportFile, types: string[]) => {
    expect(Object.keys(file.entities)).toEqual(types);
    for (const type of types) {
      const key = gw.services.registry.get(type).primaryKey;
      expect(sortByKey(file.entities[type], key)).toEqual(await storedRecords(gw.services, type));
    }
  };

  describe('JSON', () => {
    let file: ExportFile;
    let result: Record<string, any>;
    beforeAll(async () => {
      result = await inlineExport({ format: 'JSON', includeSensitive: true });
      file = JSON.parse(result.content);
    });

    it('holds every record of every type, secrets included, in foreign-key order', async () => {
      expect(file.version).toBe('1.0.0');
      expect(new Date(file.exportedAt).getTime()).toBe(result.exportedAt);
      expect(result.filename).toBe(
        `database-export-${new Date(result.exportedAt).toISOString().slice(0, 10)}.json`,
      );
      expect(result.contentType).toMatch(/^application\/json/);
      expect(result.downloadUrl).toBeNull();
      await expectSameRecords(file, ALL_TYPES);
      expect(result.counts).toEqual(
        ALL_TYPES.map((t) => ({ entityType: t, count: file.entities[t].length })),
      );
    });

    it('keeps types: numbers above 2^31, booleans, JSON values, empty string beside null', () => {
      const users = file.entities.User.filter((u) => String(u.username).startsWith('nasty_'));
      expect(users.map((u) => u.bio).sort()).toEqual([...NASTY_STRINGS].sort());
      const first = users.find((u) => u.username === 'nasty_0')!;
      expect(first).toMatchObject({
        createdAt: BIG_TIMESTAMP,
        passwordChangeTimestamp: BIG_TIMESTAMP,
        isInstanceOwner: true,
        firstLogin: true,
        profilePicture: '',
      });
      const second = users.find((u) => u.username === 'nasty_1')!;
      expect(second).toMatchObject({ profilePicture: null, isInstanceOwner: false });
      const page = file.entities.PageConfig.find((p) => p.path === '/nasty/0')!;
      expect(page.componentTree).toEqual({
        nested: { list: [1, -2.5, 0, 1e21, 'x', true, false, null, {}, []] },
        empty: {},
      });
      expect(file.entities.PageConfig.find((p) => p.path === '/nasty/3')!.params).toBe(
        'a JSON string',
      );
    });

    it('writes the secrets as stored, so that a restore keeps logins working', async () => {
      const [credential] = await gw.sql(
        `SELECT "passwordHash" FROM "Credential" WHERE "username" = 'admin'`,
      );
      const exported = file.entities.Credential.find((c) => c.username === 'admin')!;
      expect(exported.passwordHash).toBe(credential.passwordHash);
      expect(exported.passwordHash).toMatch(/^scrypt\$/);
      expect(file.entities.Session.every((s) => /^[0-9a-f]{64}$/.test(String(s.token)))).toBe(true);
    });

    it('writes parents before children within a tree, whatever their keys', () => {
      const ids = file.entities.ComponentNode.map((n) => n.id);
      const seen = new Set<unknown>();
      for (const node of file.entities.ComponentNode) {
        expect(node.parentId === null || seen.has(node.parentId)).toBe(true);
        seen.add(node.id);
      }
      expect(ids.indexOf(TREE_IDS.root)).toBeLessThan(ids.indexOf(TREE_IDS.child));
      expect(ids.indexOf(TREE_IDS.child)).toBeLessThan(ids.indexOf(TREE_IDS.grandchild));
    });
  });

  it('writes YAML that YAML 1.2 and 1.1 readers read back as the same values', async () => {
    const result = await inlineExport({ format: 'YAML', includeSensitive: true });
    expect(result.filename).toMatch(/^database-export-\d{4}-\d{2}-\d{2}\.yml$/);
    expect(result.contentType).toMatch(/^application\/yaml/);
    for (const version of ['1.2', '1.1'] as const) {
      const file = parseYaml(result.content, { version }) as ExportFile;
      expect(typeof file.exportedAt).toBe('string');
      await expectSameRecords(file, ALL_TYPES);
    }
    // Look-alikes are quoted; plain text is not.
    expect(result.content).toContain('bio: "true"');
    expect(result.content).toContain('bio: "2024-01-01"');
    expect(result.content).toContain('username: nasty_0');
  });

  describe.each(['sqlite', 'postgres'] as DialectName[])('SQL for %s', (target) => {
    it('loads with the command-line tool into a migrated database, equal row by row', async () => {
      const result = await inlineExport({
        format: 'SQL',
        includeSensitive: true,
        dialect: target.toUpperCase(),
      });
      const header = result.content.split('\n').slice(0, 6).join('\n');
      expect(header).toContain(`-- Dialect: ${target}`);
      expect(header).toContain(`-- Exported at: ${new Date(result.exportedAt).toISOString()}`);
      const users = result.counts.find((c: any) => c.entityType === 'User').count;
      expect(header).toContain(`User ${users}`);
      expect(result.content).toContain('INSERT INTO "User" ("id", "username"');
      expect(result.content).toContain('"order"');

      const path = join(dir, `${dialect}-to-${target}.sql`);
      writeFileSync(path, result.content);
      const database = await migratedDatabase(target);
      try {
        await database.load(path);
        const loaded = await database.open();
        try {
          for (const type of ALL_TYPES) {
            expect(await storedRecords(loaded, type)).toEqual(
              await storedRecords(gw.services, type),
            );
          }
          // Empty string and NULL stay apart.
          const rows = await loaded.db.query(
            `SELECT "profilePicture" FROM "User" WHERE "username" IN ('nasty_0', 'nasty_1') ` +
              `ORDER BY "username"`,
          );
          expect(rows.map((r) => r.profilePicture)).toEqual(['', null]);
        } finally {
          await loaded.db.close();
        }
      } finally {
        await database.drop();
      }
    });
  });

  describe('what is exported', () => {
    it('leaves out sessions, credentials and the audit log by default', async () => {
      const result = await inlineExport({});
      const file: ExportFile = JSON.parse(result.content);
      expect(result.format).toBe('JSON');
      expect(Object.keys(file.entities)).toEqual(DEFAULT_TYPES);
      expect(result.content).not.toContain('passwordHash');
      expect(result.content).not.toContain('"token"');
    });

    it('refuses a sensitive type named without includeSensitive, and writes nothing', async () => {
      const before = await auditExports();
      const response = await exportAs({ entityTypes: ['User', 'Credential'] });
      expect(errorCode(response)).toBe('BAD_REQUEST');
      expect(response.status).toBe(400);
      expect(response.errors![0].message).toMatch(/Credential is sensitive: set includeSensitive/);
      expect(await auditExports()).toBe(before);
    });

    it('exports the audit log only when named, in the order of the registry', async () => {
      const result = await inlineExport({ entityTypes: ['AuditLog', 'User'] });
      const file: ExportFile = JSON.parse(result.content);
      expect(Object.keys(file.entities)).toEqual(['User', 'AuditLog']);
      expect(file.entities.AuditLog.length).toBeGreaterThan(0);
    });

    it('writes an empty list for a type without records', async () => {
      const result = await inlineExport({
        format: 'YAML',
        entityTypes: ['User'],
        filter: { username: 'nobody-has-this-name' },
      });
      expect(parseYaml(result.content).entities).toEqual({ User: [] });
      expect(
        JSON.parse(
          (await inlineExport({ entityTypes: ['User'], filter: { username: 'x' } })).content,
        ).entities,
      ).toEqual({ User: [] });
    });

    it('applies a filter to each type that has its fields, and the others whole', async () => {
      const result = await inlineExport({ filter: { tenantId: 'globex' } });
      const file: ExportFile = JSON.parse(result.content);
      expect(file.entities.User.length).toBeGreaterThan(0);
      expect(file.entities.User.every((u) => u.tenantId === 'globex')).toBe(true);
      expect(file.entities.PageConfig.every((p) => p.tenantId === 'globex')).toBe(true);
      expect(file.entities.ComponentNode).toHaveLength(
        (await storedRecords(gw.services, 'ComponentNode')).length,
      );

      const admins = JSON.parse(
        (await inlineExport({ entityTypes: ['User'], filter: { role: { in: ['admin', 'god'] } } }))
          .content,
      ) as ExportFile;
      expect(new Set(admins.entities.User.map((u) => u.role))).toEqual(new Set(['admin', 'god']));
    });

    it('refuses a filter that fits no exported type, or uses an unknown operator', async () => {
      const before = await auditExports();
      const unknown = await exportAs({ filter: { nope: 1 } });
      expect(errorCode(unknown)).toBe('BAD_REQUEST');
      expect(unknown.errors![0].message).toMatch(/No exported entity type has every field .*nope/);
      const operator = await exportAs({ entityTypes: ['User'], filter: { role: { like: 'a' } } });
      expect(errorCode(operator)).toBe('BAD_REQUEST');
      expect(operator.errors![0].message).toMatch(/Unknown filter operator 'like'/);
      expect(await auditExports()).toBe(before);
    });

    it('confines a supergod of a tenant to the records of that tenant', async () => {
      const token = await gw.login('acme-supergod', DEMO_PASSWORD);
      const result = await inlineExport({ entityTypes: [...DEFAULT_TYPES, 'AuditLog'] }, token);
      const file: ExportFile = JSON.parse(result.content);
      const users = file.entities.User;
      expect(users.length).toBeGreaterThan(0);
      expect(users.every((u) => u.tenantId === 'acme')).toBe(true);
      expect(file.entities.PageConfig.every((p) => p.tenantId === 'acme')).toBe(true);
      const pages = new Set(file.entities.PageConfig.map((p) => p.id));
      expect(file.entities.ComponentNode.length).toBeGreaterThan(0);
      expect(file.entities.ComponentNode.every((n) => pages.has(n.pageId))).toBe(true);
      const userIds = new Set(users.map((u) => u.id));
      expect(file.entities.AuditLog.every((a) => userIds.has(a.userId))).toBe(true);
      const [acme] = await gw.sql(`SELECT COUNT(*) AS n FROM "User" WHERE "tenantId" = 'acme'`);
      expect(users).toHaveLength(Number(acme.n));
    });

    it('writes an audit row for every export, with its counts', async () => {
      const before = await auditExports();
      const result = await inlineExport({ format: 'SQL', entityTypes: ['Workflow'] });
      expect(await auditExports()).toBe(before + 1);
      expect(await lastExport()).toMatchObject({
        format: 'SQL',
        entityTypes: ['Workflow'],
        delivery: 'inline',
        complete: true,
        counts: { Workflow: result.counts[0].count },
      });
    });
  });

  describe('download links', () => {
    it('streams the file once, as an attachment, then refuses the link', async () => {
      const result = dataOf(
        await gw.gql(EXPORT, { format: 'YAML', entityTypes: ['User'] }, { token: gw.adminToken }),
      ).exportDatabase;
      expect(result.content).toBeNull();
      expect(result.downloadUrl).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/export\/download\/[\w-]{43}$/,
      );
      expect(result.downloadExpiresAt - Date.now()).toBeLessThanOrEqual(5 * 60_000);

      const before = await auditExports();
      const response = await fetch(result.downloadUrl);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe(
        `attachment; filename="${result.filename}"`,
      );
      expect(response.headers.get('content-type')).toMatch(/^application\/yaml/);
      const file = parseYaml(await response.text()) as ExportFile;
      await expectSameRecords(file, ['User']);
      expect(await auditExports()).toBe(before + 1);

      const again = await fetch(result.downloadUrl);
      expect(again.status).toBe(404);
      expect((await again.json()).errors[0].extensions.code).toBe('NOT_FOUND');
      expect(await auditExports()).toBe(before + 1);
    });

    it('refuses a link after 5 minutes', async () => {
      const result = dataOf(await gw.gql(EXPORT, {}, { token: gw.adminToken })).exportDatabase;
      const now = Date.now();
      const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 5 * 60_000 + 1);
      try {
        const response = await fetch(result.downloadUrl);
        expect(response.status).toBe(404);
        expect((await response.json()).errors[0].message).toMatch(/expired/);
      } finally {
        clock.mockRestore();
      }
      // Refused once expired, it does not come back.
      expect((await fetch(result.downloadUrl)).status).toBe(404);
    });

    it('refuses a token it never gave out', async () => {
      expect((await get('/export/download/not-a-token')).status).toBe(404);
    });

    it('works only while the session that made it is a level-5 session', async () => {
      const link = async (token: string) =>
        dataOf(await gw.gql(EXPORT, { includeSensitive: true }, { token })).exportDatabase
          .downloadUrl as string;

      // After a logout the link reads nothing.
      const ended = await gw.login('admin');
      const afterLogout = await link(ended);
      await gw.gql('mutation { logout }', {}, { token: ended });
      const refused = await fetch(afterLogout);
      expect(refused.status).toBe(401);
      expect((await refused.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');

      // Nor after its maker lost level 5.
      await gw.gql(
        'mutation { createUser(data: { username: "link-maker", email: "lm@example.com", role: supergod }) { id } }',
        {},
        { token: gw.adminToken },
      );
      const [maker] = await gw.sql('SELECT "id" FROM "User" WHERE "username" = ?', ['link-maker']);
      await gw.gql(
        'mutation($id: ID!) { setUserPassword(userId: $id, password: "link-maker-1") }',
        { id: maker.id },
        { token: gw.adminToken },
      );
      const demoted = await link(await gw.login('link-maker', 'link-maker-1'));
      await gw.gql(
        'mutation($id: ID!) { updateUser(id: $id, data: { role: user }) { role } }',
        { id: maker.id },
        { token: gw.adminToken },
      );
      const forbidden = await fetch(demoted);
      expect(forbidden.status).toBe(403);
      expect((await forbidden.json()).errors[0].message).toBe(
        'Insufficient permissions. Required level: 5, your level: 1',
      );
    });
  });

  describe('GET /export', () => {
    it('streams an export to a level-5 session', async () => {
      const response = await get(
        '/export?format=sql&entityTypes=User,PageConfig&dialect=postgres',
        gw.adminToken,
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toMatch(
        /^attachment; filename="database-export-\d{4}-\d{2}-\d{2}\.sql"$/,
      );
      const text = await response.text();
      expect(text).toContain('-- Dialect: postgres');
      expect(text).toMatch(/INSERT INTO "User" .*INSERT INTO "PageConfig"/s);
      expect(text.trimEnd().endsWith('COMMIT;')).toBe(true);
    });

    it('takes the filter as JSON and the session from the cookie', async () => {
      const filter = encodeURIComponent(JSON.stringify({ tenantId: 'acme' }));
      const response = await fetch(`${gw.origin}/export?entityTypes=User&filter=${filter}`, {
        headers: { cookie: `mb_session=${gw.adminToken}` },
      });
      expect(response.status).toBe(200);
      const file = (await response.json()) as ExportFile;
      expect(file.entities.User.every((u) => u.tenantId === 'acme')).toBe(true);
    });

    it('asks for a session, then for level 5', async () => {
      const anonymous = await get('/export');
      expect(anonymous.status).toBe(401);
      expect((await anonymous.json()).errors[0]).toMatchObject({
        message: 'Authentication required',
        extensions: { code: 'UNAUTHENTICATED' },
      });
      const token = await gw.login('acme-admin', DEMO_PASSWORD);
      const admin = await get('/export', token);
      expect(admin.status).toBe(403);
      expect((await admin.json()).errors[0]).toMatchObject({
        message: 'Insufficient permissions. Required level: 5, your level: 3',
        extensions: { code: 'FORBIDDEN' },
      });
    });

    it.each([
      ['format=xml', /Unknown export format 'xml'.* Valid values: JSON, YAML, SQL/],
      ['entityTypes=Users', /Unknown entity type 'Users'. Did you mean 'User'\?/],
      ['format=sql&dialect=mysql', /Unknown SQL dialect 'mysql'.* Valid values: SQLITE, POSTGRES/],
      ['entityType=User', /Unknown query parameter 'entityType'. Did you mean 'entityTypes'\?/],
      ['filter={oops', /filter must be JSON/],
      ['includeSensitive=maybe', /includeSensitive must be true or false, got 'maybe'/],
      ['entityTypes=', /entityTypes is empty/],
    ])('refuses %s with a clear error, and writes nothing', async (query, message) => {
      const before = await auditExports();
      const response = await get(`/export?${query}`, gw.adminToken);
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(body.errors[0].message).toMatch(message);
      expect(await auditExports()).toBe(before);
    });

    it('stops reading when the client goes away, and audits the export as incomplete', async () => {
      const big = 'y'.repeat(1024 * 1024);
      for (let i = 0; i < 12; i++) {
        await gw.sql(
          `INSERT INTO "User" ("id", "username", "email", "role", "bio", "createdAt", ` +
            `"isInstanceOwner", "firstLogin") VALUES (?, ?, ?, 'user', ?, 0, ?, ?)`,
          [`gone-${i}`, `gone_${i}`, `gone${i}@example.com`, big, false, false],
        );
      }
      try {
        const before = await auditExports();
        await new Promise<void>((resolve, reject) => {
          const request = http.get(
            `${gw.origin}/export?entityTypes=User`,
            { headers: { authorization: `Bearer ${gw.adminToken}` } },
            (response) => {
              expect(response.statusCode).toBe(200);
              response.once('data', () => {
                request.destroy();
                resolve();
              });
            },
          );
          request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
        });
        let details: Record<string, unknown> | undefined;
        for (let tries = 0; tries < 100 && !details; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          if ((await auditExports()) > before) {
            details = await lastExport();
          }
        }
        expect(details).toMatchObject({ delivery: 'stream', complete: false });
        expect((await get('/export?entityTypes=Workflow', gw.adminToken)).status).toBe(200);
      } finally {
        await gw.sql(`DELETE FROM "User" WHERE "id" LIKE 'gone-%'`);
      }
    });

    it('refuses an export beyond the ones it runs at once, until one has finished', async () => {
      const big = 'z'.repeat(1024 * 1024);
      for (let i = 0; i < 12; i++) {
        await gw.sql(
          `INSERT INTO "User" ("id", "username", "email", "role", "bio", "createdAt", ` +
            `"isInstanceOwner", "firstLogin") VALUES (?, ?, ?, 'user', ?, 0, ?, ?)`,
          [`busy-${i}`, `busy_${i}`, `busy${i}@example.com`, big, false, false],
        );
      }
      gw.services.exports.maxRunning = 1;
      let slow: http.ClientRequest | undefined;
      try {
        // A reader that takes one piece and then nothing holds its export open.
        await new Promise<void>((resolve) => {
          slow = http.get(
            `${gw.origin}/export?entityTypes=User`,
            { headers: { authorization: `Bearer ${gw.adminToken}` } },
            (response) => response.once('data', () => (response.pause(), resolve())),
          );
        });
        const before = await auditExports();
        const refused = await get('/export?entityTypes=Workflow', gw.adminToken);
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('10');
        expect((await refused.json()).errors[0]).toMatchObject({
          extensions: { code: 'SERVICE_UNAVAILABLE' },
          message:
            'Too many exports at once: this gateway runs at most 1. Try again when one has finished',
        });
        expect(await auditExports()).toBe(before);

        slow!.destroy();
        let status = 503;
        for (let tries = 0; tries < 100 && status === 503; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          status = (await get('/export?entityTypes=Workflow', gw.adminToken)).status;
        }
        expect(status).toBe(200);
      } finally {
        slow?.destroy();
        gw.services.exports.maxRunning = 4;
        await gw.sql(`DELETE FROM "User" WHERE "id" LIKE 'busy-%'`);
      }
    });

    it('answers GET only', async () => {
      const response = await fetch(`${gw.origin}/export`, { method: 'POST' });
      expect(response.status).toBe(400);
      expect(response.headers.get('allow')).toBe('GET');
    });
  });

  describe('exportDatabase', () => {
    it('asks for a session, then for level 5', async () => {
      const anonymous = await gw.gql(EXPORT, {});
      expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
      const token = await gw.login('globex-god', DEMO_PASSWORD);
      const god = await gw.gql(EXPORT, {}, { token });
      expect(errorCode(god)).toBe('FORBIDDEN');
      expect(god.errors![0].message).toBe(
        'Insufficient permissions. Required level: 5, your level: 4',
      );
    });

    it('refuses an unknown format or entity type', async () => {
      const before = await auditExports();
      const format = await exportAs({ format: 'XML' });
      expect(format.data).toBeUndefined();
      expect(format.errors![0].message).toMatch(/"XML".*ExportFormat/);
      const type = await exportAs({ entityTypes: ['Users'] });
      expect(type.data).toBeUndefined();
      expect(type.errors![0].message).toMatch(
        /"Users".*EntityType.*Did you mean the enum value "User"/,
      );
      expect(await auditExports()).toBe(before);
    });

    it('refuses inline content above 5 MB, pointing at the download link', async () => {
      const big = 'x'.repeat(1024 * 1024);
      for (let i = 0; i < 6; i++) {
        await gw.sql(
          `INSERT INTO "User" ("id", "username", "email", "role", "bio", "createdAt", ` +
            `"isInstanceOwner", "firstLogin") VALUES (?, ?, ?, 'user', ?, 0, ?, ?)`,
          [`big-${i}`, `big_${i}`, `big${i}@example.com`, big, false, false],
        );
      }
      try {
        const response = await exportAs({ entityTypes: ['User'] });
        expect(errorCode(response)).toBe('BAD_REQUEST');
        expect(response.errors![0].message).toMatch(/larger than 5 MB.*downloadUrl/);
        const link = dataOf(
          await gw.gql(EXPORT, { entityTypes: ['User'] }, { token: gw.adminToken }),
        ).exportDatabase;
        const file = (await (await fetch(link.downloadUrl)).json()) as ExportFile;
        expect(file.entities.User.filter((u) => u.bio === big)).toHaveLength(6);
      } finally {
        await gw.sql(`DELETE FROM "User" WHERE "id" LIKE 'big-%'`);
      }
    });
  });
});
