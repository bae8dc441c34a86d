import { DIALECTS, dataOf, errorCode, startTestGateway, type TestGateway } from './harness';

interface AuditRow {
  userId: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  ipAddress: string | null;
  details: unknown;
}

describe.each(DIALECTS)('audit log on %s', (dialect) => {
  let gw: TestGateway;
  let adminId: string;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { demo: false });
    adminId = dataOf(await gw.gql('{ viewer { user { id } } }', {}, { token: gw.adminToken }))
      .viewer.user.id;
  });
  afterAll(() => gw?.close());

  /** The audit rows written while `work` ran. */
  const auditOf = async (work: () => Promise<unknown>): Promise<AuditRow[]> => {
    const [{ n }] = await gw.sql<{ n: number }>('SELECT COUNT(*) AS n FROM "AuditLog"');
    await work();
    const rows = await gw.sql<AuditRow & { at: number }>(
      'SELECT * FROM "AuditLog" ORDER BY "at", "id"',
    );

    return rows
      .slice(Number(n))
      .map(({ userId, action, entityType, entityId, ipAddress, details }) => ({
        userId,
        action,
        entityType,
        entityId,
        ipAddress,
        details: typeof details === 'string' ? JSON.parse(details) : details,
      }));
  };

  it('records each write with who, from where and what, in the same transaction', async () => {
    let id = '';
    const created = await auditOf(async () => {
      const response = await gw.gql(
        'mutation($d: UserCreateInput!) { createUser(data: $d) { id } }',
        { d: { username: 'audited', email: 'audited@example.test' } },
        { token: gw.adminToken },
      );
      id = dataOf(response).createUser.id;
    });
    expect(created).toEqual([
      {
        userId: adminId,
        action: 'create',
        entityType: 'User',
        entityId: id,
        ipAddress: expect.stringMatching(/127\.0\.0\.1$/),
        details: null,
      },
    ]);

    const updated = await auditOf(() =>
      gw.gql(
        'mutation($id: ID!) { updateUser(id: $id, data: { bio: "b" }) { id } }',
        { id },
        {
          token: gw.adminToken,
        },
      ),
    );
    expect(updated).toEqual([
      expect.objectContaining({ action: 'update', entityId: id, details: { fields: ['bio'] } }),
    ]);

    const password = 'audited-password-1';
    const setPassword = await auditOf(() =>
      gw.gql(
        'mutation($id: ID!, $p: String!) { setUserPassword(userId: $id, password: $p) }',
        { id, p: password },
        {
          token: gw.adminToken,
        },
      ),
    );
    expect(setPassword).toEqual([
      expect.objectContaining({ action: 'set-password', entityId: id }),
    ]);

    let token = '';
    const login = await auditOf(async () => {
      token = await gw.login('audited', password);
    });
    expect(login).toEqual([expect.objectContaining({ action: 'login', userId: id, entityId: id })]);
    const logout = await auditOf(() => gw.gql('mutation { logout }', {}, { token }));
    expect(logout).toEqual([
      expect.objectContaining({ action: 'logout', userId: id, entityType: 'Session' }),
    ]);

    const deleted = await auditOf(() =>
      gw.gql(
        'mutation($id: ID!) { deleteUser(id: $id) { success } }',
        { id },
        { token: gw.adminToken },
      ),
    );
    expect(deleted).toEqual([
      expect.objectContaining({
        action: 'delete',
        entityId: id,
        details: { cascaded: [{ entityType: 'Credential', count: 1 }] },
      }),
    ]);
  });

  it('records a failed login with its reason and never the password', async () => {
    const rows = await auditOf(async () => {
      await gw.gql(
        'mutation { login(username: "admin", password: "wrong-one-here") { token } }',
        {},
      );
      await gw.gql(
        'mutation { login(username: "nobody-here", password: "wrong-two-here") { token } }',
        {},
      );
    });
    expect(rows.map((r) => [r.action, (r.details as { reason: string }).reason])).toEqual([
      ['login-failed', 'wrong password'],
      ['login-failed', 'unknown username'],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/wrong-one|wrong-two/);
  });

  it('writes no audit row for a write that failed', async () => {
    const rows = await auditOf(async () => {
      const taken = await gw.gql(
        'mutation { createUser(data: { username: "admin", email: "other@example.test" }) { id } }',
        {},
        { token: gw.adminToken },
      );
      expect(errorCode(taken)).toBe('CONFLICT');
      const missing = await gw.gql(
        'mutation { deleteUser(id: "no-such-user") { success } }',
        {},
        {
          token: gw.adminToken,
        },
      );
      expect(errorCode(missing)).toBe('NOT_FOUND');
    });
    expect(rows).toEqual([]);
  });

  it('is readable through the browser and has no write path', async () => {
    const page = dataOf(
      await gw.gql(
        '{ auditLogs(limit: 5) { records { action at } pagination { total } } }',
        {},
        {
          token: gw.adminToken,
        },
      ),
    );
    expect(page.auditLogs.pagination.total).toBeGreaterThan(0);
    const mutations = Object.keys(gw.schema.getMutationType()!.getFields());
    expect(mutations.filter((name) => /AuditLog/.test(name))).toEqual([]);

    const [row] = await gw.sql<{ id: string }>('SELECT "id" FROM "AuditLog"');
    const [{ n }] = await gw.sql<{ n: number }>('SELECT COUNT(*) AS n FROM "AuditLog"');
    for (const [query, variables] of [
      ['mutation { createEntity(entityType: AuditLog, data: { action: "forged" }) }', {}],
      [
        'mutation($id: ID!) { updateEntity(entityType: AuditLog, id: $id, data: { action: "x" }) }',
        { id: row.id },
      ],
      [
        'mutation($id: ID!) { deleteEntity(entityType: AuditLog, id: $id) { success } }',
        { id: row.id },
      ],
    ] as const) {
      expect(errorCode(await gw.gql(query, variables, { token: gw.adminToken }))).toBe(
        'BAD_REQUEST',
      );
    }
    expect((await gw.sql<{ n: number }>('SELECT COUNT(*) AS n FROM "AuditLog"'))[0].n).toBe(n);
  });
});
