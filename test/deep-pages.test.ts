import { DEMO_PASSWORD } from '../src/db/seed';
import { dataOf, DIALECTS, startTestGateway, type TestGateway } from './harness';

const BULK = 1200;

describe.each(DIALECTS)('deep pages on %s', (dialect) => {
  let gw: TestGateway;
  const as = (token = gw.adminToken) => ({ token });

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    // Enough users that a page skips more than a thousand rows; every other one in tenant acme.
    for (let start = 0; start < BULK; start += 200) {
      const rows = Array.from({ length: 200 }, (_, i) => start + i);
      await gw.sql(
        `INSERT INTO "User" ("id", "username", "email", "createdAt", "tenantId") VALUES ` +
          rows.map(() => '(?, ?, ?, ?, ?)').join(', '),
        rows.flatMap((n) => [
          `bulk-${String(n).padStart(5, '0')}`,
          `bulk_${n}`,
          `bulk_${n}@bulk.example`,
          1_700_000_000_000 + ((n * 7919) % BULK) * 1000,
          n % 2 === 0 ? 'acme' : null,
        ]),
      );
    }
  });
  afterAll(() => gw?.close());

  const ids = (rows: Array<{ id: string }>) => rows.map((row) => row.id);

  it('gives the rows the database gives for the same offset, with the total', async () => {
    const spy = jest.spyOn(gw.services.db, 'query');
    const { users } = dataOf(
      await gw.gql(
        `{ users(page: 55, limit: 20, orderBy: [{ field: createdAt, order: DESC }]) {
            records { id } pagination { total page hasMore } } }`,
        {},
        as(),
      ),
    );
    // The page skips the rows by their keys, then reads its own rows by key.
    const sent = spy.mock.calls.map(([sql]) => sql);
    spy.mockRestore();
    expect(sent.filter((sql) => / IN \(SELECT .* OFFSET 1100\)/.test(sql))).toHaveLength(1);
    const expected = await gw.sql<{ id: string }>(
      'SELECT "id" FROM "User" ORDER BY "createdAt" DESC, "id" DESC LIMIT 20 OFFSET 1100',
    );
    const [{ total }] = await gw.sql<{ total: number }>('SELECT COUNT(*) AS total FROM "User"');

    expect(ids(users.records)).toEqual(ids(expected));
    expect(users.records).toHaveLength(20);
    expect(users.pagination).toEqual({ total: Number(total), page: 55, hasMore: true });
  });

  it('keeps a tenant administrator and a filter inside their rows on a deep page', async () => {
    const acme = await gw.login('acme-supergod', DEMO_PASSWORD);
    const { users } = dataOf(
      await gw.gql(
        `{ users(page: 26, limit: 20, filter: { email: { endsWith: "@bulk.example" } }) {
            records { id tenantId } pagination { total } } }`,
        {},
        as(acme),
      ),
    );
    const expected = await gw.sql<{ id: string }>(
      `SELECT "id" FROM "User" WHERE "tenantId" = 'acme' AND "email" LIKE '%@bulk.example' ` +
        'ORDER BY "id" LIMIT 20 OFFSET 520',
    );

    expect(ids(users.records)).toEqual(ids(expected));
    expect(users.records).toHaveLength(20);
    expect(users.records.every((u: { tenantId: string }) => u.tenantId === 'acme')).toBe(true);
    expect(users.pagination.total).toBe(BULK / 2);
  });

  it('pages the generic browser the same way, to the last row', async () => {
    const [{ total }] = await gw.sql<{ total: number }>('SELECT COUNT(*) AS total FROM "User"');
    const { entities } = dataOf(
      await gw.gql(
        `{ entities(entityType: User, page: 60, limit: 20, sortBy: "username", order: DESC) {
            records pagination { total hasMore } } }`,
        {},
        as(),
      ),
    );
    const expected = await gw.sql<{ id: string }>(
      'SELECT "id" FROM "User" ORDER BY "username" DESC, "id" DESC LIMIT 20 OFFSET 1200',
    );

    expect(ids(entities.records)).toEqual(ids(expected));
    expect(entities.records.length).toBeGreaterThan(0);
    expect(entities.pagination.total).toBe(Number(total));
    expect(entities.pagination.hasMore).toBe(false);
  });
});
