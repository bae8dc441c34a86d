import { DEMO_PASSWORD } from '../src/db/seed';
import { DIALECTS, dataOf, errorCode, startTestGateway, type TestGateway } from './harness';
import {
  countsOf,
  type Entities,
  type ImportArgs,
  importContent,
  jsonFile,
  site,
  user,
  users,
} from './import-fixtures';

describe.each(DIALECTS)('import on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.close());

  const run = async (entities: Entities, args: ImportArgs = {}, token?: string) =>
    dataOf(await importContent(gw, jsonFile(entities), 'JSON', args, token)).importDatabaseContent;
  const count = async (table: string, where = 'TRUE', params: unknown[] = []) =>
    Number((await gw.sql(`SELECT COUNT(*) AS n FROM "${table}" WHERE ${where}`, params))[0].n);

  it('appends a whole site, every type in foreign-key order, with an audit row', async () => {
    const { entities, password } = await site('append');
    const result = await run(entities);

    expect(result.summary).toMatchObject({ totalRecords: 10, imported: 10, failed: 0, errors: [] });
    expect(result.dryRun).toBe(false);
    expect(result.detailedResults.map((r: { entityType: string }) => r.entityType)).toEqual([
      'User',
      'Session',
      'Credential',
      'PageConfig',
      'ComponentNode',
      'ComponentConfig',
      'Workflow',
      'InstalledPackage',
      'PackageData',
    ]);
    const [page] = await gw.sql('SELECT * FROM "PageConfig" WHERE "id" = ?', ['page_append']);
    expect(page.title).toBe('Imported append');
    // The imported password hash works for a login.
    await expect(gw.login('user_append_owner', password)).resolves.toEqual(expect.any(String));

    const [audit] = await gw.sql(
      `SELECT * FROM "AuditLog" WHERE "action" = 'import' ORDER BY "at" DESC LIMIT 1`,
    );
    const details = typeof audit.details === 'string' ? JSON.parse(audit.details) : audit.details;
    expect(details).toMatchObject({ transactionId: result.transactionId, mode: 'APPEND' });
  });

  it('writes parents first when the file lists children before them', async () => {
    const { entities } = await site('order');
    const reversed = Object.fromEntries(Object.entries(entities).reverse());
    const result = await run(reversed);

    expect(result.summary).toMatchObject({ imported: 10, failed: 0 });
    expect(await count('ComponentNode', `"id" LIKE 'node_order_%'`)).toBe(2);
  });

  it('APPEND refuses a key that is stored already and writes nothing', async () => {
    const before = await gw.snapshot();
    const [admin] = await gw.sql(`SELECT * FROM "User" WHERE "username" = 'admin'`);
    const result = await run({ User: [user('fresh'), user('clash', { id: admin.id })] });

    expect(result.summary).toMatchObject({ imported: 0, failed: 1, totalRecords: 2 });
    expect(result.summary.errors).toEqual([
      expect.objectContaining({
        entityType: 'User',
        index: 1,
        field: 'id',
        error: expect.stringContaining(`already exists; UPSERT updates existing records`),
      }),
    ]);
    expect(result.transactionId).toBeNull();
    expect(await gw.snapshot()).toEqual(before);
  });

  it('APPEND refuses a unique value another stored record holds', async () => {
    const result = await run({ User: [user('taken', { username: 'admin' })] });

    expect(result.summary.errors[0]).toMatchObject({
      field: 'username',
      error: expect.stringContaining("User with username 'admin' already exists"),
    });
  });

  it('UPSERT updates changed records, inserts new ones and skips identical ones', async () => {
    await run({ User: [user('up1'), user('up2')] });
    const result = await run(
      { User: [user('up1'), user('up2', { bio: 'changed', role: 'moderator' }), user('up3')] },
      { mode: 'UPSERT' },
    );

    expect(result.summary).toMatchObject({ imported: 2, skipped: 1, failed: 0 });
    const [changed] = await gw.sql('SELECT * FROM "User" WHERE "id" = ?', ['usr_up2']);
    expect(changed).toMatchObject({ bio: 'changed', role: 'moderator' });
    expect(await count('User', `"id" = 'usr_up3'`)).toBe(1);
  });

  it('UPSERT keeps the stored values of fields the file leaves out', async () => {
    await run({ User: [user('partial', { bio: 'kept' })] });
    const result = await run({ User: [{ id: 'usr_partial', role: 'god' }] }, { mode: 'UPSERT' });

    expect(result.summary).toMatchObject({ imported: 1, failed: 0 });
    const [stored] = await gw.sql('SELECT * FROM "User" WHERE "id" = ?', ['usr_partial']);
    expect(stored).toMatchObject({ role: 'god', bio: 'kept', username: 'user_partial' });
  });

  it('UPSERT of records identical to the stored ones skips them all, JSON key order aside', async () => {
    const { entities } = await site('same');
    await run(entities);
    const page = entities.PageConfig[0];
    const reordered = Object.fromEntries(Object.entries(page.meta).reverse());
    const result = await run(
      { ...entities, PageConfig: [{ ...page, meta: reordered }] },
      { mode: 'UPSERT' },
    );

    expect(result.summary).toMatchObject({ imported: 0, skipped: 10, failed: 0 });
  });

  it('keeps a tenant supergod inside its tenant', async () => {
    const token = await gw.login('acme-supergod', DEMO_PASSWORD);
    const [globexUser] = await gw.sql(`SELECT "id" FROM "User" WHERE "username" = 'globex-user'`);
    const { entities } = await site('tenant');
    // A record that leaves out its tenant takes the importer's.
    const { tenantId: _left, ...acmeUser } = user('acme_new');
    const result = await run(
      {
        User: [acmeUser, user('globex_new', { tenantId: 'globex' })],
        Session: [{ ...entities.Session[0], userId: globexUser.id }],
      },
      { ignoreErrors: true },
      token,
    );

    expect(result.summary).toMatchObject({ imported: 1, failed: 2 });
    expect(result.summary.errors.map((e: { field: string }) => e.field)).toEqual([
      'tenantId',
      'userId',
    ]);
    const [stored] = await gw.sql(`SELECT "tenantId" FROM "User" WHERE "id" = 'usr_acme_new'`);
    expect(stored.tenantId).toBe('acme');
  });

  it("REPLACE by a tenant supergod empties only its tenant's records", async () => {
    const token = await gw.login('acme-supergod', DEMO_PASSWORD);
    const globex = await count('Workflow', `"tenantId" = 'globex'`);
    const acme = await count('Workflow', `"tenantId" = 'acme'`);
    const { entities } = await site('acme_wf', 'acme');
    const result = await run(
      { Workflow: [{ ...entities.Workflow[0], createdBy: null }] },
      { mode: 'REPLACE' },
      token,
    );

    expect(countsOf(result, 'Workflow')).toMatchObject({ imported: 1, deleted: acme });
    expect(await count('Workflow', `"tenantId" = 'globex'`)).toBe(globex);
    expect(await count('Workflow', `"tenantId" = 'acme'`)).toBe(1);
  });

  it('refuses a REPLACE that would take with it records of types the file leaves out', async () => {
    const { entities } = await site('replace_refused');
    const file = { PageConfig: entities.PageConfig, ComponentNode: entities.ComponentNode };
    const before = await gw.snapshot();
    const refused = await importContent(gw, jsonFile(file), 'JSON', { mode: 'REPLACE' });

    expect(refused.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
    expect(refused.errors?.[0].message).toMatch(
      /REPLACE empties PageConfig, ComponentNode first, which would delete ComponentConfig\.componentId of \d+ records that the file does not hold/,
    );
    expect(await gw.snapshot()).toEqual(before);
  });

  it('REPLACE empties each imported type, children first, and refills it from the file', async () => {
    const { entities } = await site('replace');
    // Component configs are named with no records: they are emptied, not lost by accident.
    const file = {
      PageConfig: entities.PageConfig,
      ComponentNode: entities.ComponentNode,
      ComponentConfig: [],
      Workflow: entities.Workflow.map((w) => ({ ...w, createdBy: null })),
    };
    const nodesBefore = await count('ComponentNode');
    const configsBefore = await count('ComponentConfig');
    const pagesBefore = await count('PageConfig');
    const workflowsBefore = await count('Workflow');
    const result = await run(file, { mode: 'REPLACE' });

    expect(result.summary).toMatchObject({ imported: 4, failed: 0 });
    expect(countsOf(result, 'PageConfig')).toMatchObject({ imported: 1, deleted: pagesBefore });
    expect(countsOf(result, 'ComponentNode')).toMatchObject({ imported: 2, deleted: nodesBefore });
    expect(countsOf(result, 'ComponentConfig')).toMatchObject({
      imported: 0,
      deleted: configsBefore,
    });
    expect(countsOf(result, 'Workflow')).toMatchObject({ deleted: workflowsBefore });
    expect(result.summary.deleted).toBe(
      pagesBefore + nodesBefore + configsBefore + workflowsBefore,
    );
    const pages = await gw.sql('SELECT "id" FROM "PageConfig"');
    expect(pages).toEqual([{ id: 'page_replace' }]);
    expect(await count('ComponentConfig')).toBe(0);
  });

  it.each(['APPEND', 'UPSERT', 'REPLACE'] as const)(
    'a dry run of %s leaves every table as it was and reports what a real run does',
    async (mode) => {
      const { entities } = await site(`dry_${mode}`);
      const file = {
        User: [...entities.User, user(`dry_${mode}_x`)],
        Workflow: entities.Workflow,
        InstalledPackage: entities.InstalledPackage,
        // What a REPLACE of users and packages would otherwise take with it.
        ...(mode === 'REPLACE'
          ? { Session: entities.Session, Credential: entities.Credential, PackageData: [] }
          : {}),
      };
      const before = await gw.snapshot();
      const dry = await run(file, { mode, dryRun: true });

      expect(dry.dryRun).toBe(true);
      expect(dry.transactionId).toBeNull();
      expect(await gw.snapshot()).toEqual(before);
      if (mode === 'REPLACE') {
        // A real REPLACE of User would log the admin out; the counts are compared without it.
        expect(countsOf(dry, 'User')).toMatchObject({ imported: 2, deleted: expect.any(Number) });
        return;
      }
      const real = await run(file, { mode });
      expect(dry.summary).toEqual(real.summary);
      expect(dry.detailedResults).toEqual(real.detailedResults);
    },
  );

  it('one bad record among many writes nothing, and everything else with ignoreErrors', async () => {
    const batch = users('many', 60);
    batch[41] = { ...batch[41], email: 'not an address' };
    const before = await gw.snapshot();
    const refused = await run({ User: batch });

    expect(refused.summary).toMatchObject({ totalRecords: 60, imported: 0, failed: 1 });
    expect(refused.summary.errors).toEqual([
      expect.objectContaining({
        entityType: 'User',
        index: 41,
        field: 'email',
        error: expect.stringContaining('must be an e-mail address'),
        record: expect.objectContaining({ email: 'not an address' }),
      }),
    ]);
    expect(await gw.snapshot()).toEqual(before);

    const skipped = await run({ User: batch }, { ignoreErrors: true });
    expect(skipped.summary).toMatchObject({ imported: 59, failed: 1 });
    expect(skipped.transactionId).toEqual(expect.any(String));
    expect(await count('User', `"id" LIKE 'usr_many%'`)).toBe(59);
  });

  it('lists every error of every record before writing anything', async () => {
    const result = await run({
      User: [
        user('e1', { username: 'x', role: 'emperor' }),
        user('e2', { createdAt: 'yesterday', nickname: 'e' }),
      ],
      Workflow: [
        {
          name: 'cyclic',
          nodes: [{ id: 'a' }, { id: 'b' }],
          edges: [
            { source: 'a', target: 'b' },
            { source: 'b', target: 'a' },
          ],
        },
      ],
    });

    expect(result.summary).toMatchObject({ failed: 3, imported: 0 });
    expect(result.summary.errors[2].error).toMatch(/^Unknown field 'nickname' of User/);
    expect(
      result.summary.errors.map((e: { entityType: string; index: number; field: string }) => [
        e.entityType,
        e.index,
        e.field,
      ]),
    ).toEqual([
      ['User', 0, 'username'],
      ['User', 0, 'role'],
      ['User', 1, 'nickname'],
      ['User', 1, 'createdAt'],
      ['Workflow', 0, 'edges'],
    ]);
  });

  it('refuses a child whose parent is neither stored nor in the file', async () => {
    const { entities } = await site('orphan');
    const result = await run({ Session: [{ ...entities.Session[0], userId: 'usr_nobody' }] });

    expect(result.summary.errors).toEqual([
      expect.objectContaining({
        entityType: 'Session',
        field: 'userId',
        error: expect.stringContaining("refers to User 'usr_nobody', which does not exist"),
        record: expect.objectContaining({ token: '[redacted]' }),
      }),
    ]);
  });

  it('a child fails with its parent when ignoreErrors leaves the parent out', async () => {
    const { entities } = await site('parentless');
    const result = await run(
      {
        User: [{ ...entities.User[0], email: 'broken' }],
        Session: entities.Session,
        Credential: entities.Credential,
      },
      { ignoreErrors: true },
    );

    expect(result.summary).toMatchObject({ imported: 0, failed: 3 });
    expect(result.summary.errors.map((e: { error: string }) => e.error)).toEqual([
      expect.stringContaining('e-mail'),
      expect.stringContaining('its record in the file was not imported'),
      expect.stringContaining('its record in the file was not imported'),
    ]);
    // Errors never echo a secret.
    expect(JSON.stringify(result)).not.toContain('scrypt$');
  });

  it('refuses records that repeat a key of an earlier record of the file', async () => {
    const result = await run({
      User: [
        user('dup1'),
        user('dup2', { username: 'user_dup1' }),
        user('dup3', { id: 'usr_dup1' }),
      ],
      PageConfig: [
        { ...(await site('dup')).entities.PageConfig[0], id: 'p1' },
        { ...(await site('dup')).entities.PageConfig[0], id: 'p2' },
      ],
    });

    expect(result.summary).toMatchObject({ failed: 3, imported: 0 });
    expect(result.summary.errors).toEqual([
      expect.objectContaining({
        index: 1,
        field: 'username',
        error: "User with username 'user_dup1' appears twice in the file: record 0 has it too",
      }),
      expect.objectContaining({ index: 2, field: 'id' }),
      expect.objectContaining({ entityType: 'PageConfig', index: 1, field: 'path' }),
    ]);
  });

  it('refuses audit log records and counts the types left out by entityTypes as skipped', async () => {
    const audit = { User: [user('aud')], AuditLog: [{ id: 'a1', action: 'forged', at: 1 }] };
    const refused = await run(audit);
    expect(refused.summary.errors).toEqual([
      expect.objectContaining({
        entityType: 'AuditLog',
        error: expect.stringContaining('read-only'),
      }),
    ]);

    const filtered = await run(audit, { entityTypes: ['User'] });
    expect(filtered.summary).toMatchObject({ imported: 1, skipped: 1, failed: 0 });
    expect(countsOf(filtered, 'AuditLog')).toMatchObject({ skipped: 1 });

    const named = await importContent(gw, jsonFile(audit), 'JSON', { entityTypes: ['AuditLog'] });
    expect(errorCode(named)).toBe('BAD_REQUEST');
  });

  it('is for level 5 only', async () => {
    const file = jsonFile({ User: [user('nobody')] });
    const anonymous = await importContent(gw, file, 'JSON', {}, null as unknown as string);
    expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');

    const admin = await gw.login('acme-admin', DEMO_PASSWORD);
    const refused = await importContent(gw, file, 'JSON', {}, admin);
    expect(errorCode(refused)).toBe('FORBIDDEN');
    expect(await count('User', `"id" = 'usr_nobody'`)).toBe(0);
  });
});
