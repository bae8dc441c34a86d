import { DIALECTS, type GraphQLResponse, startTestGateway, type TestGateway } from './harness';

const REQUESTS = 2000;
const CLIENTS = 20;

const LIST = `query List($f: UserFilter) {
  users(limit: 20, filter: $f, orderBy: [{ field: createdAt, order: DESC }]) {
    records { id username tenantId }
    pagination { total }
  }
}`;
const BY_ID = 'query ById($id: ID!) { userById(id: $id) { id username bio } }';
const SESSIONS = '{ sessions(limit: 50) { records { id user { username } } } }';
const CREATE = 'mutation Create($d: UserCreateInput!) { createUser(data: $d) { id username } }';
const UPDATE =
  'mutation Update($id: ID!, $b: String) { updateUser(id: $id, data: { bio: $b }) { id bio } }';
const DELETE = 'mutation Delete($id: ID!) { deleteUser(id: $id) { success } }';

/**
 * A fixed number of requests from concurrent clients on loopback, bounded in count (and by the
 * test's timeout in time): reads of lists, records and relations mixed with creates, updates
 * and deletes. No response may be a 5xx, and every write the gateway acknowledged must be in
 * the database afterwards.
 */
describe.each(DIALECTS)('load on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.close());

  it(`${REQUESTS} requests, ${CLIENTS} clients: no 5xx, no acknowledged write lost`, async () => {
    const tokens = await Promise.all(Array.from({ length: CLIENTS }, () => gw.login('admin')));
    const seeded = await gw.sql<{ id: string }>('SELECT "id" FROM "User"');
    const created = new Map<string, string>(); // username -> id
    const bios = new Map<string, string>(); // user id -> last acknowledged bio
    const deleted = new Set<string>();
    const statuses = new Map<number, number>();
    const failures: GraphQLResponse[] = [];
    let sent = 0;

    const client = async (c: number) => {
      const token = tokens[c];
      const mine: string[] = [];
      while (sent < REQUESTS) {
        const i = sent++;
        const kind = i % 10;
        let response: GraphQLResponse;
        if (kind < 3) {
          response = await gw.gql(
            LIST,
            { f: i % 2 ? { tenantId: { eq: 'acme' } } : null },
            { token },
          );
        } else if (kind < 5) {
          response = await gw.gql(BY_ID, { id: seeded[i % seeded.length].id }, { token });
        } else if (kind === 5) {
          response = await gw.gql(SESSIONS, {}, { token });
        } else if (kind < 8 || mine.length === 0) {
          const username = `load-${c}-${i}`;
          response = await gw.gql(
            CREATE,
            { d: { username, email: `${username}@example.test` } },
            { token },
          );
          if (response.data?.createUser) {
            created.set(username, response.data.createUser.id);
            mine.push(response.data.createUser.id);
          }
        } else if (kind === 8) {
          // One client per user id, so the last acknowledged bio is the one stored.
          const id = mine[i % mine.length];
          const bio = `bio of request ${i}`;
          response = await gw.gql(UPDATE, { id, b: bio }, { token });
          if (response.data?.updateUser) {
            bios.set(id, bio);
          }
        } else {
          const id = mine.pop()!;
          response = await gw.gql(DELETE, { id }, { token });
          if (response.data?.deleteUser?.success) {
            deleted.add(id);
            bios.delete(id);
          }
        }
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.errors) {
          failures.push(response);
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

    expect(failures.map((f) => f.errors?.[0].message)).toEqual([]);
    expect([...statuses.keys()]).toEqual([200]);
    expect(statuses.get(200)).toBe(REQUESTS);

    // Every acknowledged create is stored unless it was deleted afterwards, and deletes stuck.
    const stored = await gw.sql<{ id: string; username: string; bio: string | null }>(
      `SELECT "id", "username", "bio" FROM "User" WHERE "username" LIKE 'load-%'`,
    );
    const storedIds = new Map(stored.map((u) => [u.id, u]));
    expect(created.size).toBeGreaterThan(REQUESTS / 10);
    expect(deleted.size).toBeGreaterThan(0);
    for (const id of created.values()) {
      expect(storedIds.has(id)).toBe(!deleted.has(id));
    }
    expect(stored).toHaveLength(created.size - deleted.size);
    for (const [id, bio] of bios) {
      expect(storedIds.get(id)?.bio).toBe(bio);
    }
  }, 180_000);
});
