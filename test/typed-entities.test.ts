import { dataOf, DIALECTS, errorCode, startTestGateway, type TestGateway } from './harness';

describe.each(DIALECTS)('the typed API on %s', (dialect) => {
  let gw: TestGateway;
  const as = () => ({ token: gw.adminToken });

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    // Enough sessions for a page of 50: 2 per user for 30 users.
    for (let i = 0; i < 30; i++) {
      const { createUser } = dataOf(
        await gw.gql(
          'mutation($d: UserCreateInput!) { createUser(data: $d) { id } }',
          { d: { username: `load-${i}`, email: `load-${i}@example.com`, role: 'user' } },
          as(),
        ),
      );
      for (let s = 0; s < 2; s++) {
        await gw.gql(
          'mutation($d: SessionCreateInput!) { createSession(data: $d) { id } }',
          {
            d: { userId: createUser.id, token: `tok-${i}-${s}`, expiresAt: Date.now() + 3600_000 },
          },
          as(),
        );
      }
    }
  });
  afterAll(() => gw?.close());

  it('lists with typed filters, several sort keys and search', async () => {
    const { users } = dataOf(
      await gw.gql(
        `{ users(limit: 5, filter: { tenantId: { eq: "acme" }, role: { in: [admin, god, supergod] } },
            orderBy: [{ field: role, order: DESC }, { field: username }]) {
            records { username role tenantId isInstanceOwner createdAt }
            pagination { total totalPages hasMore }
        } }`,
        {},
        as(),
      ),
    );
    expect(users.records.map((u: { username: string }) => u.username)).toEqual([
      'acme-supergod',
      'acme-god',
      'acme-admin',
    ]);
    expect(users.pagination).toEqual({ total: 3, totalPages: 1, hasMore: false });

    const searched = dataOf(
      await gw.gql('{ users(search: "GLOBEX-SUPER") { records { username } } }', {}, as()),
    );
    expect(searched.users.records).toEqual([{ username: 'globex-supergod' }]);

    const combined = dataOf(
      await gw.gql(
        `{ pageConfigs(filter: { or: [{ path: { eq: "/" } }, { level: { gte: 3 } }], not: [{ tenantId: { eq: "globex" } }] },
            orderBy: [{ field: path }]) { records { path tenantId requiresAuth componentTree } } }`,
        {},
        as(),
      ),
    );
    expect(combined.pageConfigs.records.map((p: { path: string }) => p.path)).toEqual([
      '/',
      '/admin/users',
    ]);
    expect(combined.pageConfigs.records[0].componentTree).toMatchObject({ type: 'PageLayout' });
  });

  it('reads by id, resolves relations both ways and returns null for a missing id', async () => {
    const { users } = dataOf(
      await gw.gql(
        '{ users(filter: { username: { eq: "acme-admin" } }) { records { id } } }',
        {},
        as(),
      ),
    );
    const id = users.records[0].id;
    const { userById } = dataOf(
      await gw.gql(
        `query($id: ID!) { userById(id: $id) { username credential { username firstLogin }
           sessions { id user { username } } workflows { name creator { username } } } }`,
        { id },
        as(),
      ),
    );
    expect(userById.credential).toEqual({ username: 'acme-admin', firstLogin: true });
    expect(userById.sessions.length).toBeGreaterThanOrEqual(2);
    expect(userById.sessions[0].user.username).toBe('acme-admin');
    expect(userById.workflows).toEqual([
      { name: 'New user onboarding', creator: { username: 'acme-admin' } },
    ]);

    const { installedPackageById } = dataOf(
      await gw.gql(
        '{ installedPackageById(id: "acme-forum") { version data { data package { packageId } } } }',
        {},
        as(),
      ),
    );
    expect(installedPackageById.data.package.packageId).toBe('acme-forum');
    expect(installedPackageById.data.data).toMatchObject({ categories: ['General', 'Support'] });

    const missing = dataOf(
      await gw.gql(
        '{ userById(id: "usr_999") { id } packageDataById(id: "none") { packageId } }',
        {},
        as(),
      ),
    );
    expect(missing).toEqual({ userById: null, packageDataById: null });
  });

  it('creates, updates and deletes through the typed mutations', async () => {
    const { createInstalledPackage } = dataOf(
      await gw.gql(
        'mutation { createInstalledPackage(data: { packageId: "typed-pkg", version: "2.0.0", config: { a: [1, "b"] } }) { packageId enabled config installedAt } }',
        {},
        as(),
      ),
    );
    expect(createInstalledPackage).toMatchObject({
      packageId: 'typed-pkg',
      enabled: true,
      config: { a: [1, 'b'] },
    });
    const { updateInstalledPackage } = dataOf(
      await gw.gql(
        'mutation { updateInstalledPackage(id: "typed-pkg", data: { enabled: false }) { enabled version } }',
        {},
        as(),
      ),
    );
    expect(updateInstalledPackage).toEqual({ enabled: false, version: '2.0.0' });
    const { deleteInstalledPackage } = dataOf(
      await gw.gql(
        'mutation { deleteInstalledPackage(id: "typed-pkg") { success id cascaded { entityType count } } }',
        {},
        as(),
      ),
    );
    expect(deleteInstalledPackage).toEqual({ success: true, id: 'typed-pkg', cascaded: [] });
  });

  it('refuses typed writes with the same errors as the browser', async () => {
    const before = await gw.snapshot();
    const duplicate = await gw.gql(
      'mutation { createUser(data: { username: "acme-user", email: "dup@example.com" }) { id } }',
      {},
      as(),
    );
    expect(errorCode(duplicate)).toBe('CONFLICT');
    const missing = await gw.gql(
      'mutation { updateWorkflow(id: "nope", data: { name: "x" }) { id } }',
      {},
      as(),
    );
    expect(errorCode(missing)).toBe('NOT_FOUND');
    expect(missing.errors?.[0].message).toBe("Workflow with id 'nope' not found");
    const empty = await gw.gql('mutation { updateUser(id: "nope", data: {}) { id } }', {}, as());
    expect(errorCode(empty)).toBe('BAD_REQUEST');
    const badRole = await gw.gql(
      'mutation { createUser(data: { username: "r-r", email: "r@r.io", role: boss }) { id } }',
      {},
      as(),
    );
    expect(badRole.status).toBe(400);
    expect(await gw.snapshot()).toEqual(before);
  });

  it('costs the same number of SQL statements for 5 and 50 sessions with their users', async () => {
    const query = `query($limit: Int!) { sessions(limit: $limit, orderBy: [{ field: createdAt }]) {
      records { id expiresAt user { username credential { username } sessions { id } } }
      pagination { total } } }`;
    const count = async (limit: number) => {
      gw.services.db.resetQueryCount();
      const { sessions } = dataOf(await gw.gql(query, { limit }, as()));
      expect(sessions.records).toHaveLength(limit);
      expect(sessions.records.every((s: { user: unknown }) => s.user !== null)).toBe(true);

      return gw.services.db.queryCount;
    };
    const small = await count(5);
    const large = await count(50);
    expect(large).toBe(small);
    // The session lookup, the page, its count, then one query per relation level.
    expect(large).toBeLessThanOrEqual(6);
  });
});
