import { request } from 'node:http';
import {
  ADMIN_PASSWORD,
  DIALECTS,
  dataOf,
  errorCode,
  type GraphQLResponse,
  startSiblingGateway,
  startTestGateway,
  type TestGateway,
} from './harness';

const VIEWER = '{ viewer { level } }';
const LOGIN = 'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }';

/** A GraphQL POST sent from another loopback address, as a second client machine would. */
function postFrom(
  localAddress: string,
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse> {
  const body = JSON.stringify({ query, variables });

  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: new Headers(res.headers as Record<string, string>),
            ...JSON.parse(Buffer.concat(chunks).toString()),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Creates a supergod (in a tenant or not) and a session for it, without going through HTTP. */
async function userWithToken(gw: TestGateway, username: string, tenantId: string | null = null) {
  const { entities, sessions } = gw.services;
  const actor = { userId: null, tenantId: null };
  const user = await entities.create(actor, 'User', {
    username,
    email: `${username}@example.test`,
    role: 'supergod',
    tenantId,
  });
  await sessions.setPassword(actor, String(user.id), ADMIN_PASSWORD);
  const login = await sessions.login(username, ADMIN_PASSWORD, {
    ipAddress: null,
    userAgent: null,
  });

  return { id: String(user.id), token: login.token };
}

function expectRateLimited(response: GraphQLResponse, scope: string, limit: number) {
  expect(response.status).toBe(429);
  expect(errorCode(response)).toBe('RATE_LIMITED');
  expect(response.errors?.[0].extensions).toMatchObject({ scope, limit });
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(15 * 60);
}

const uniquePrefix = () => `mb-rl-test-${process.pid}-${Date.now()}-${Math.random()}`;

describe.each(DIALECTS)('rate limits on %s', (dialect) => {
  describe('per user, and per address when anonymous', () => {
    let gw: TestGateway;
    let other: { id: string; token: string };
    beforeAll(async () => {
      gw = await startTestGateway(dialect, {
        demo: false,
        env: { RATE_LIMIT_READS_PER_MINUTE: '5', RATE_LIMIT_WRITES_PER_MINUTE: '3' },
      });
      other = await userWithToken(gw, 'second-admin');
    });
    afterAll(() => gw?.close());

    it('refuses the sixth read of a minute (429, Retry-After); others keep theirs', async () => {
      for (let i = 0; i < 5; i++) {
        expect(dataOf(await gw.gql(VIEWER, {}, { token: gw.adminToken })).viewer.level).toBe(5);
      }
      const refused = await gw.gql(VIEWER, {}, { token: gw.adminToken });
      expectRateLimited(refused, 'user', 5);
      expect(refused.errors?.[0].message).toMatch(/5 reads a minute per user/);
      expect(refused.data?.viewer).toBeUndefined();

      expect(dataOf(await gw.gql(VIEWER, {}, { token: other.token })).viewer.level).toBe(5);
    });

    it('counts writes apart from reads, and a refused write changes nothing', async () => {
      const update =
        'mutation($id: ID!, $bio: String) { updateUser(id: $id, data: { bio: $bio }) { bio } }';
      for (let i = 1; i <= 3; i++) {
        const done = await gw.gql(
          update,
          { id: other.id, bio: `bio ${i}` },
          { token: other.token },
        );
        expect(dataOf(done).updateUser.bio).toBe(`bio ${i}`);
      }
      const refused = await gw.gql(update, { id: other.id, bio: 'bio 4' }, { token: other.token });
      expectRateLimited(refused, 'user', 3);
      const [row] = await gw.sql('SELECT "bio" FROM "User" WHERE "id" = ?', [other.id]);
      expect(row.bio).toBe('bio 3');
    });

    it('counts anonymous callers per address', async () => {
      for (let i = 0; i < 5; i++) {
        expect(dataOf(await gw.gql(VIEWER)).viewer).toBeNull();
      }
      expectRateLimited(await gw.gql(VIEWER), 'ip', 5);

      const elsewhere = await postFrom('127.0.0.2', gw.url, VIEWER);
      expect(elsewhere.status).toBe(200);
      expect(elsewhere.data?.viewer).toBeNull();
    });

    it('counts each operation of a batch', async () => {
      const third = await userWithToken(gw, 'third-admin');
      const response = await fetch(gw.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${third.token}` },
        body: JSON.stringify(Array.from({ length: 6 }, () => ({ query: VIEWER }))),
      });
      const results = (await response.json()) as GraphQLResponse[];
      expect(results.filter((r) => r.data?.viewer?.level === 5)).toHaveLength(5);
      expect(results.filter((r) => errorCode(r) === 'RATE_LIMITED')).toHaveLength(1);
    });
  });

  describe('per tenant and for the whole gateway', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway(dialect, {
        demo: false,
        env: { RATE_LIMIT_TENANT_PER_MINUTE: '4', RATE_LIMIT_GLOBAL_PER_MINUTE: '9' },
      });
    });
    afterAll(() => gw?.close());

    it('shares one budget among the users of a tenant, and one among all callers', async () => {
      const acme1 = await userWithToken(gw, 'acme-one', 'acme');
      const acme2 = await userWithToken(gw, 'acme-two', 'acme');
      const globex = await userWithToken(gw, 'globex-one', 'globex');

      for (const token of [acme1.token, acme2.token, acme1.token, acme2.token]) {
        expect(dataOf(await gw.gql(VIEWER, {}, { token })).viewer.level).toBe(5);
      }
      const refused = await gw.gql(VIEWER, {}, { token: acme2.token });
      expectRateLimited(refused, 'tenant', 4);
      expect(refused.errors?.[0].message).toMatch(/4 operations a minute per tenant/);

      // The gateway has counted the admin's login and 4 operations (not the one its tenant
      // refused): 4 more from anyone reach its 9.
      for (const token of [globex.token, gw.adminToken, globex.token]) {
        expect(dataOf(await gw.gql(VIEWER, {}, { token })).viewer.level).toBe(5);
      }
      expect(dataOf(await gw.gql(VIEWER)).viewer).toBeNull();
      expectRateLimited(await gw.gql(VIEWER, {}, { token: gw.adminToken }), 'global', 9);
    });
  });

  describe('logins', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway(dialect, {
        demo: false,
        env: { LOGIN_ATTEMPTS_PER_USERNAME: '3', LOGIN_ATTEMPTS_PER_IP: '8' },
      });
      await userWithToken(gw, 'editor');
      await userWithToken(gw, 'auditor');
    });
    afterAll(() => gw?.close());

    const auditRows = () =>
      gw.sql<{ action: string; details: unknown }>(
        `SELECT "action", "details" FROM "AuditLog" WHERE "action" = 'login-failed' ORDER BY "at"`,
      );

    it('blocks a username after its failed logins, even with the right password', async () => {
      for (let i = 0; i < 3; i++) {
        const wrong = await gw.gql(LOGIN, { u: 'editor', p: `guess-${i}-password` });
        expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
      }
      const blocked = await gw.gql(LOGIN, { u: 'editor', p: ADMIN_PASSWORD });
      expectRateLimited(blocked, 'login-username', 3);
      expect(blocked.data?.login ?? null).toBeNull();
      expect(blocked.headers.get('set-cookie')).toBeNull();

      const rows = await auditRows();
      const reasons = rows.map((r) => (parse(r.details) as { reason: string }).reason);
      expect(reasons).toEqual([
        'wrong password',
        'wrong password',
        'wrong password',
        'too many failed logins',
      ]);
      expect(JSON.stringify(rows)).not.toMatch(/guess-|admin-password/);
    });

    it('a success clears the failures of its username', async () => {
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 2; i++) {
          expect(errorCode(await gw.gql(LOGIN, { u: 'auditor', p: 'not-the-password' }))).toBe(
            'UNAUTHENTICATED',
          );
        }
        expect(
          dataOf(await gw.gql(LOGIN, { u: 'auditor', p: ADMIN_PASSWORD })).login.token,
        ).toBeTruthy();
      }
    });

    it('blocks an address after its failed logins, whatever the username', async () => {
      // 3 failures for editor and 4 for auditor so far; one more reaches the 8 of one address.
      expect(errorCode(await gw.gql(LOGIN, { u: 'nobody', p: 'not-the-password' }))).toBe(
        'UNAUTHENTICATED',
      );
      expectRateLimited(await gw.gql(LOGIN, { u: 'admin', p: ADMIN_PASSWORD }), 'login-ip', 8);

      const elsewhere = await postFrom('127.0.0.3', gw.url, LOGIN, {
        u: 'admin',
        p: ADMIN_PASSWORD,
      });
      expect(elsewhere.data?.login.token).toBeTruthy();
    });
  });

  describe('a shared store', () => {
    let gw: TestGateway;
    afterEach(() => gw?.close());

    const shareOneBudget = async (store: string) => {
      const env = {
        RATE_LIMIT_STORE: store,
        RATE_LIMIT_KEY_PREFIX: uniquePrefix(),
        RATE_LIMIT_READS_PER_MINUTE: '4',
        LOGIN_ATTEMPTS_PER_USERNAME: '2',
      };
      gw = await startTestGateway(dialect, { demo: false, env });
      const sibling = await startSiblingGateway(gw, env);
      try {
        for (const gql of [gw.gql, sibling.gql, gw.gql, sibling.gql]) {
          expect(dataOf(await gql(VIEWER, {}, { token: gw.adminToken })).viewer.level).toBe(5);
        }
        expectRateLimited(await gw.gql(VIEWER, {}, { token: gw.adminToken }), 'user', 4);
        expectRateLimited(await sibling.gql(VIEWER, {}, { token: gw.adminToken }), 'user', 4);

        await gw.gql(LOGIN, { u: 'admin', p: 'wrong-password-1' });
        await sibling.gql(LOGIN, { u: 'admin', p: 'wrong-password-2' });
        expectRateLimited(
          await gw.gql(LOGIN, { u: 'admin', p: ADMIN_PASSWORD }),
          'login-username',
          2,
        );
      } finally {
        await sibling.close();
      }
    };

    it('two gateway instances on one Redis share one budget', async () => {
      await shareOneBudget('redis://127.0.0.1:6379');
    });

    if (dialect === 'postgres') {
      it("two gateway instances share one budget in the gateway's database", async () => {
        await shareOneBudget('postgres');
      });
    }

    it('with the memory store each instance counts for itself', async () => {
      const env = { RATE_LIMIT_READS_PER_MINUTE: '2' };
      gw = await startTestGateway(dialect, { demo: false, env });
      const sibling = await startSiblingGateway(gw, env);
      try {
        for (const gql of [gw.gql, gw.gql, sibling.gql, sibling.gql]) {
          expect(dataOf(await gql(VIEWER, {}, { token: gw.adminToken })).viewer.level).toBe(5);
        }
        expectRateLimited(await gw.gql(VIEWER, {}, { token: gw.adminToken }), 'user', 2);
      } finally {
        await sibling.close();
      }
    });

    it('keeps limiting in memory while Redis cannot be reached', async () => {
      gw = await startTestGateway(dialect, {
        demo: false,
        env: { RATE_LIMIT_STORE: 'redis://127.0.0.1:1', RATE_LIMIT_READS_PER_MINUTE: '2' },
      });
      for (let i = 0; i < 2; i++) {
        expect(dataOf(await gw.gql(VIEWER, {}, { token: gw.adminToken })).viewer.level).toBe(5);
      }
      expectRateLimited(await gw.gql(VIEWER, {}, { token: gw.adminToken }), 'user', 2);
    });
  });
});

function parse(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}
