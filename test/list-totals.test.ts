import { dataOf, DIALECTS, startTestGateway, type TestGateway } from './harness';

describe.each(DIALECTS)('lists and their totals on %s', (dialect) => {
  let gw: TestGateway;
  const as = () => ({ token: gw.adminToken });

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.close());

  const statements = async (query: string) => {
    gw.services.db.resetQueryCount();
    const data = dataOf(await gw.gql(query, {}, as()));

    return { data, count: gw.services.db.queryCount };
  };

  it('counts the records only when the request asks for pagination', async () => {
    const bare = await statements('{ users(limit: 2) { records { username } } }');
    const counted = await statements(
      '{ users(limit: 2) { records { username } pagination { total hasMore } } }',
    );
    const throughFragment = await statements(
      `{ users(limit: 2) { records { username } ...totals } }
       fragment totals on UserPage { ... on UserPage { pagination { total hasMore } } }`,
    );
    const { users } = dataOf(await gw.gql('{ users(limit: 100) { records { id } } }', {}, as()));

    expect(counted.count).toBe(bare.count + 1);
    expect(throughFragment.count).toBe(counted.count);
    expect(bare.data.users.records).toEqual(counted.data.users.records);
    expect(counted.data.users.pagination).toEqual({ total: users.records.length, hasMore: true });
    expect(throughFragment.data.users.pagination).toEqual(counted.data.users.pagination);
  });

  it('does the same for the generic browser', async () => {
    const bare = await statements('{ entities(entityType: Session, limit: 1) { records } }');
    const counted = await statements(
      '{ entities(entityType: Session, limit: 1) { records pagination { total page } } }',
    );

    expect(counted.count).toBe(bare.count + 1);
    expect(counted.data.entities.records).toEqual(bare.data.entities.records);
    expect(counted.data.entities.pagination.page).toBe(0);
    expect(counted.data.entities.pagination.total).toBeGreaterThan(1);
  });

  it('still puts nulls first going up and last going down, and pages by primary key', async () => {
    const tenants = async (order: string) =>
      dataOf(
        await gw.gql(
          `{ users(limit: 100, orderBy: [{ field: tenantId, order: ${order} }]) {
              records { tenantId } } }`,
          {},
          as(),
        ),
      ).users.records.map((u: { tenantId: string | null }) => u.tenantId);
    const up = await tenants('ASC');
    const down = await tenants('DESC');
    expect(up[0]).toBeNull();
    expect(up[up.length - 1]).toBe('globex');
    expect(down[0]).toBe('globex');
    expect(down[down.length - 1]).toBeNull();

    const ids = async (page: number, order: string) =>
      dataOf(
        await gw.gql(
          `{ users(page: ${page}, limit: 3, orderBy: [{ field: id, order: ${order} }]) {
              records { id } } }`,
          {},
          as(),
        ),
      ).users.records.map((u: { id: string }) => u.id);
    const all = [...(await ids(0, 'ASC')), ...(await ids(1, 'ASC'))];
    expect(all).toEqual([...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(all).size).toBe(6);
    expect(await ids(0, 'DESC')).not.toContain(all[0]);
  });
});
