import { dataOf, DIALECTS, startTestGateway, type TestGateway } from './harness';

describe.each(DIALECTS)('lists and their totals on %s', (dialect) => {
  let gw: TestGateway;
  const as = () => ({ token: gw.adminToken });

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.close());

  /** The data of a request and the SQL statements it sent, observed on the real database. */
  const statements = async (query: string) => {
    const spy = jest.spyOn(gw.services.db, 'query');
    try {
      const data = dataOf(await gw.gql(query, {}, as()));

      return { data, sql: spy.mock.calls.map(([sql]) => sql) };
    } finally {
      spy.mockRestore();
    }
  };
  const counting = (sql: string[]) => sql.filter((text) => /COUNT\(\*\)/i.test(text));

  it('counts the records only when asked for pagination, in the same statement', async () => {
    const bare = await statements('{ users(limit: 2) { records { username } } }');
    const counted = await statements(
      '{ users(limit: 2) { records { username } pagination { total hasMore } } }',
    );
    const throughFragment = await statements(
      `{ users(limit: 2) { records { username } ...totals } }
       fragment totals on UserPage { ... on UserPage { pagination { total hasMore } } }`,
    );
    const { users } = dataOf(await gw.gql('{ users(limit: 100) { records { id } } }', {}, as()));

    expect(counting(bare.sql)).toEqual([]);
    expect(counting(counted.sql)).toHaveLength(1);
    expect(counted.sql).toHaveLength(bare.sql.length);
    expect(throughFragment.sql).toHaveLength(bare.sql.length);
    expect(bare.data.users.records).toEqual(counted.data.users.records);
    expect(counted.data.users.pagination).toEqual({ total: users.records.length, hasMore: true });
    expect(throughFragment.data.users.pagination).toEqual(counted.data.users.pagination);
  });

  it('still gives the total of a page past the end, which has no row to carry it', async () => {
    const { data } = await statements(
      `{ users(page: 1000, limit: 5, filter: { role: { eq: admin } }) {
          records { id } pagination { total page hasMore } } }`,
    );
    const admins = dataOf(
      await gw.gql(
        '{ users(limit: 100, filter: { role: { eq: admin } }) { records { id } } }',
        {},
        as(),
      ),
    );

    expect(data.users.records).toEqual([]);
    expect(data.users.pagination).toEqual({
      total: admins.users.records.length,
      page: 1000,
      hasMore: false,
    });
    expect(admins.users.records.length).toBeGreaterThan(0);
  });

  it('does the same for the generic browser', async () => {
    const bare = await statements('{ entities(entityType: Session, limit: 1) { records } }');
    const counted = await statements(
      '{ entities(entityType: Session, limit: 1) { records pagination { total page } } }',
    );

    expect(counting(bare.sql)).toEqual([]);
    expect(counting(counted.sql)).toHaveLength(1);
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
