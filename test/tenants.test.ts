import { DEMO_PASSWORD } from '../src/db/seed';
import { dataOf, DIALECTS, errorCode, startTestGateway, type TestGateway } from './harness';

const LIST = `query($type: EntityType!, $filter: JSON, $search: String) {
  entities(entityType: $type, limit: 100, filter: $filter, search: $search) { records pagination { total } }
}`;

describe.each(DIALECTS)('tenant isolation on %s', (dialect) => {
  let gw: TestGateway;
  let acme: { token: string };
  const admin = () => ({ token: gw.adminToken });
  const records = async (type: string, auth: { token: string }, variables = {}) =>
    dataOf(await gw.gql(LIST, { type, ...variables }, auth)).entities.records;
  const idOf = async (username: string) =>
    (await records('User', admin(), { filter: { username } }))[0].id as string;

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    acme = { token: await gw.login('acme-supergod', DEMO_PASSWORD) };
  });
  afterAll(() => gw?.close());

  it('confines a tenant supergod to its tenant, instance rows included', async () => {
    const { viewer } = dataOf(await gw.gql('{ viewer { level tenantId } }', {}, acme));
    expect(viewer).toEqual({ level: 5, tenantId: 'acme' });
    const users = await records('User', acme);
    expect(users).toHaveLength(6);
    expect(users.every((u: { tenantId: string }) => u.tenantId === 'acme')).toBe(true);
    expect(await records('User', admin())).toHaveLength(19);
  });

  it('keeps other tenants out of reach by id, filter, search and typed lists', async () => {
    const globexId = await idOf('globex-user');
    expect(
      dataOf(
        await gw.gql(
          'query($id: ID!) { entity(entityType: User, id: $id) }',
          { id: globexId },
          acme,
        ),
      ).entity,
    ).toBeNull();
    expect(
      dataOf(await gw.gql('query($id: ID!) { userById(id: $id) { id } }', { id: globexId }, acme))
        .userById,
    ).toBeNull();
    expect(await records('User', acme, { filter: { tenantId: 'globex' } })).toEqual([]);
    expect(await records('User', acme, { search: 'globex' })).toEqual([]);
    expect(
      await records('InstalledPackage', acme, { filter: { packageId: 'globex-forum' } }),
    ).toEqual([]);
    const typed = dataOf(
      await gw.gql('{ workflows { records { tenantId } pagination { total } } }', {}, acme),
    );
    expect(typed.workflows.records).toEqual([{ tenantId: 'acme' }]);

    const before = await gw.snapshot();
    const update = await gw.gql(
      'mutation($id: ID!) { updateEntity(entityType: User, id: $id, data: { bio: "x" }) }',
      { id: globexId },
      acme,
    );
    expect(errorCode(update)).toBe('NOT_FOUND');
    const remove = await gw.gql(
      'mutation($id: ID!) { deleteUser(id: $id) { success } }',
      { id: globexId },
      acme,
    );
    expect(errorCode(remove)).toBe('NOT_FOUND');
    const password = await gw.gql(
      'mutation($id: ID!) { setUserPassword(userId: $id, password: "takeover-123") }',
      { id: globexId },
      acme,
    );
    expect(errorCode(password)).toBe('NOT_FOUND');
    expect(await gw.snapshot()).toEqual(before);
  });

  it('scopes types without a tenantId through their parents', async () => {
    const sessions = await records('Session', acme);
    expect(sessions.length).toBeGreaterThan(0);
    const acmeUserIds = new Set((await records('User', acme)).map((u: { id: string }) => u.id));
    expect(sessions.every((s: { userId: string }) => acmeUserIds.has(s.userId))).toBe(true);

    const configs = await records('ComponentConfig', acme);
    expect(configs).toHaveLength(6);
    expect(await records('ComponentConfig', admin())).toHaveLength(12);
    expect(
      (await records('PackageData', acme)).map((p: { packageId: string }) => p.packageId),
    ).toEqual(['acme-forum']);
    const credentials = await records('Credential', acme);
    expect(credentials.every((c: { username: string }) => c.username.startsWith('acme-'))).toBe(
      true,
    );
    const audit = await records('AuditLog', acme);
    expect(audit.every((a: { userId: string }) => acmeUserIds.has(a.userId))).toBe(true);
  });

  it('writes new records into its tenant and refuses to move any out', async () => {
    const { createEntity } = dataOf(
      await gw.gql(
        'mutation { createEntity(entityType: User, data: { username: "acme-new", email: "n@acme.example" }) }',
        {},
        acme,
      ),
    );
    expect(createEntity.tenantId).toBe('acme');

    const before = await gw.snapshot();
    const foreign = await gw.gql(
      'mutation { createUser(data: { username: "acme-spy", email: "s@acme.example", tenantId: "globex" }) { id } }',
      {},
      acme,
    );
    expect(errorCode(foreign)).toBe('FORBIDDEN');
    expect(foreign.errors?.[0].message).toBe(
      "You administer tenant 'acme' and cannot write records of tenant 'globex'",
    );
    const move = await gw.gql(
      'mutation($id: ID!) { updateUser(id: $id, data: { tenantId: "globex" }) { id } }',
      { id: createEntity.id },
      acme,
    );
    expect(errorCode(move)).toBe('FORBIDDEN');
    const instanceWide = await gw.gql(
      'mutation($id: ID!) { updateUser(id: $id, data: { tenantId: null }) { id } }',
      { id: createEntity.id },
      acme,
    );
    expect(errorCode(instanceWide)).toBe('FORBIDDEN');
    const globexId = await idOf('globex-admin');
    const session = await gw.gql(
      'mutation($u: ID!) { createSession(data: { userId: $u, token: "t", expiresAt: 4102444800000 }) { id } }',
      { u: globexId },
      acme,
    );
    expect(errorCode(session)).toBe('BAD_REQUEST');
    expect(session.errors?.[0].message).toMatch(/'userId' refers to User .* which does not exist/);
    expect(await gw.snapshot()).toEqual(before);
  });

  it('lets the instance supergod write any tenant', async () => {
    const { createUser } = dataOf(
      await gw.gql(
        'mutation { createUser(data: { username: "globex-new", email: "n@globex.example", tenantId: "globex" }) { tenantId } }',
        {},
        admin(),
      ),
    );
    expect(createUser.tenantId).toBe('globex');
  });
});
