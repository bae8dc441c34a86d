import { DEMO_PASSWORD } from '../src/db/seed';
import { DIALECTS, dataOf, errorCode, startTestGateway, type TestGateway } from './harness';

const VIEWER = '{ viewer { level user { username } } }';
const MINUTE = 60_000;

describe.each(DIALECTS)('session lifecycle on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, {
      env: { CORS_ORIGINS: 'https://admin.example.test, https://ops.example.test' },
    });
  });
  afterAll(() => gw?.close());

  const sessionOf = async (token: string) => {
    const [row] = await gw.sql<{ id: string; createdAt: number; lastActivity: number | null }>(
      'SELECT s."id", s."createdAt", s."lastActivity" FROM "Session" s ' +
        'JOIN "User" u ON u."id" = s."userId" WHERE u."username" = ? ORDER BY s."createdAt" DESC',
      [dataOf(await gw.gql(VIEWER, {}, { token })).viewer.user.username],
    );

    return { ...row, createdAt: Number(row.createdAt), lastActivity: Number(row.lastActivity) };
  };

  it('slides lastActivity forward, writing it at most once a minute', async () => {
    const token = await gw.login('acme-admin', DEMO_PASSWORD);
    const fresh = await sessionOf(token);
    expect(fresh.lastActivity).toBe(fresh.createdAt);

    // Within the minute: requests leave the row alone.
    for (let i = 0; i < 3; i++) {
      await gw.gql(VIEWER, {}, { token });
    }
    expect((await sessionOf(token)).lastActivity).toBe(fresh.createdAt);

    // Older than a minute: the next request writes it, the ones after it do not.
    const old = Date.now() - 5 * MINUTE;
    await gw.sql('UPDATE "Session" SET "lastActivity" = ? WHERE "id" = ?', [old, fresh.id]);
    const before = Date.now();
    await gw.gql(VIEWER, {}, { token });
    const touched = (await sessionOf(token)).lastActivity;
    expect(touched).toBeGreaterThanOrEqual(before);
    await gw.gql(VIEWER, {}, { token });
    expect((await sessionOf(token)).lastActivity).toBe(touched);
  });

  it('logout ends the session: its token no longer works and its row is gone', async () => {
    const token = await gw.login('acme-admin', DEMO_PASSWORD);
    const { id } = await sessionOf(token);
    const logout = await gw.gql('mutation { logout }', {}, { token });
    expect(dataOf(logout).logout).toBe(true);
    expect(logout.headers.get('set-cookie')).toMatch(/^mb_session=; .*Max-Age=0/);

    expect(dataOf(await gw.gql(VIEWER, {}, { token })).viewer).toBeNull();
    expect(await gw.sql('SELECT 1 FROM "Session" WHERE "id" = ?', [id])).toHaveLength(0);
    const [audit] = await gw.sql<{ action: string }>(
      'SELECT "action" FROM "AuditLog" WHERE "entityId" = ?',
      [id],
    );
    expect(audit.action).toBe('logout');

    // Logging out without a session ends nothing.
    expect(dataOf(await gw.gql('mutation { logout }')).logout).toBe(false);
  });

  it('deleting a user ends its sessions', async () => {
    const token = await gw.login('globex-moderator', DEMO_PASSWORD);
    const user = dataOf(await gw.gql(VIEWER, {}, { token })).viewer.user.username;
    const [{ id }] = await gw.sql<{ id: string }>('SELECT "id" FROM "User" WHERE "username" = ?', [
      user,
    ]);
    const deleted = await gw.gql(
      'mutation($id: ID!) { deleteUser(id: $id) { success cascaded { entityType count } } }',
      { id },
      { token: gw.adminToken },
    );
    expect(dataOf(deleted).deleteUser.cascaded).toEqual(
      expect.arrayContaining([{ entityType: 'Session', count: 3 }]),
    );
    expect(dataOf(await gw.gql(VIEWER, {}, { token })).viewer).toBeNull();
    expect(await gw.sql('SELECT 1 FROM "Session" WHERE "userId" = ?', [id])).toHaveLength(0);
  });

  it('an expired session is refused like none', async () => {
    const token = await gw.login('acme-supergod', DEMO_PASSWORD);
    const { id } = await sessionOf(token);
    await gw.sql('UPDATE "Session" SET "expiresAt" = ? WHERE "id" = ?', [Date.now() - 1, id]);
    expect(dataOf(await gw.gql(VIEWER, {}, { token })).viewer).toBeNull();
    expect(errorCode(await gw.gql('{ users { pagination { total } } }', {}, { token }))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('allows the configured CORS origins and no other', async () => {
    const preflight = (origin: string) =>
      fetch(gw.url, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization',
        },
      });
    const allowed = await preflight('https://ops.example.test');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://ops.example.test');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');

    // A browser refuses a response whose allowed origin is not its own.
    const refused = await preflight('https://evil.example.test');
    expect(['https://evil.example.test', '*']).not.toContain(
      refused.headers.get('access-control-allow-origin'),
    );
    const simple = await gw.gql(VIEWER, {}, { headers: { origin: 'https://evil.example.test' } });
    expect(simple.headers.get('access-control-allow-origin')).not.toBe('https://evil.example.test');
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const plain = await startTestGateway(dialect, { demo: false });
    try {
      const response = await fetch(plain.url, {
        method: 'OPTIONS',
        headers: { origin: 'https://admin.example.test', 'access-control-request-method': 'POST' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.close();
    }
  });

  it('marks the session cookie Secure when COOKIE_SECURE is set, and only then', async () => {
    const login = 'mutation($p: String!) { login(username: "admin", password: $p) { token } }';
    const plainCookie = (await gw.gql(login, { p: 'admin-password-1' })).headers.get('set-cookie');
    expect(plainCookie).toMatch(/^mb_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);

    const secure = await startTestGateway(dialect, { demo: false, env: { COOKIE_SECURE: 'true' } });
    try {
      const cookie = (await secure.gql(login, { p: 'admin-password-1' })).headers.get('set-cookie');
      expect(cookie).toMatch(/; Secure$/);
    } finally {
      await secure.close();
    }
  });
});
