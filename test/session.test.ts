import { hashSessionToken } from '../src/auth/secrets';
import { DEMO_PASSWORD } from '../src/db/seed';
import {
  ADMIN_PASSWORD,
  dataOf,
  DIALECTS,
  errorCode,
  q,
  startTestGateway,
  type TestGateway,
} from './harness';

const LOGIN = `mutation($u: String!, $p: String!) {
  login(username: $u, password: $p) { token expiresAt user { username role } }
}`;
const VIEWER = '{ viewer { level tenantId sessionExpiresAt user { username } } }';

describe.each(DIALECTS)('sessions on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.close());

  it('logs in, sets an HttpOnly SameSite=Lax cookie and stores only the hash of the token', async () => {
    const response = await gw.gql(LOGIN, { u: 'admin', p: ADMIN_PASSWORD });
    const { login } = dataOf(response);
    expect(login.user).toEqual({ username: 'admin', role: 'supergod' });
    expect(login.expiresAt).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`mb_session=${login.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);

    const stored = await gw.sql(`SELECT ${q('token')} FROM ${q('Session')}`);
    const tokens = stored.map((row) => row.token);
    expect(tokens).toContain(hashSessionToken(login.token));
    expect(tokens).not.toContain(login.token);
  });

  it('accepts the token as a bearer header and as the mb_session cookie', async () => {
    const token = await gw.login('admin');
    const byHeader = dataOf(await gw.gql(VIEWER, {}, { token }));
    expect(byHeader.viewer).toMatchObject({
      level: 5,
      tenantId: null,
      user: { username: 'admin' },
    });
    const byCookie = dataOf(
      await gw.gql(VIEWER, {}, { headers: { cookie: `mb_session=${token}` } }),
    );
    expect(byCookie.viewer.user.username).toBe('admin');
  });

  it('gives the same error for a wrong password and an unknown user', async () => {
    const wrongPassword = await gw.gql(LOGIN, { u: 'admin', p: 'not-the-password' });
    const unknownUser = await gw.gql(LOGIN, { u: 'nobody-here', p: 'whatever-123' });
    for (const response of [wrongPassword, unknownUser]) {
      expect(response.status).toBe(401);
      expect(errorCode(response)).toBe('UNAUTHENTICATED');
      expect(response.errors?.[0].message).toBe('Invalid username or password');
    }
  });

  it('answers viewer with null when anonymous or with an unknown token', async () => {
    expect(dataOf(await gw.gql(VIEWER)).viewer).toBeNull();
    expect(dataOf(await gw.gql(VIEWER, {}, { token: 'made-up-token' })).viewer).toBeNull();
  });

  it('refuses an expired session', async () => {
    const token = await gw.login('global-supergod', DEMO_PASSWORD);
    await gw.sql(`UPDATE ${q('Session')} SET ${q('expiresAt')} = ? WHERE ${q('token')} = ?`, [
      Date.now() - 1000,
      hashSessionToken(token),
    ]);
    expect(dataOf(await gw.gql(VIEWER, {}, { token })).viewer).toBeNull();
    const refused = await gw.gql('{ users { pagination { total } } }', {}, { token });
    expect(refused.status).toBe(401);
    expect(errorCode(refused)).toBe('UNAUTHENTICATED');
  });

  it('ends the session on logout and clears the cookie', async () => {
    const token = await gw.login('admin');
    const response = await gw.gql('mutation { logout }', {}, { token });
    expect(dataOf(response).logout).toBe(true);
    expect(response.headers.get('set-cookie')).toMatch(/mb_session=;.*Max-Age=0/);
    expect(dataOf(await gw.gql(VIEWER, {}, { token })).viewer).toBeNull();
    expect(dataOf(await gw.gql('mutation { logout }')).logout).toBe(false);
  });

  it('refuses admin fields to anonymous callers and to lower levels, with the design messages', async () => {
    const anonymous = await gw.gql('{ entityTypes { name } }');
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]).toMatchObject({
      message: 'Authentication required',
      extensions: { code: 'UNAUTHENTICATED' },
    });

    for (const [username, level] of [
      ['acme-admin', 3],
      ['global-god', 4],
    ] as const) {
      const token = await gw.login(username, DEMO_PASSWORD);
      const refused = await gw.gql('{ entityTypes { name } }', {}, { token });
      expect(refused.status).toBe(403);
      expect(refused.errors?.[0]).toMatchObject({
        message: `Insufficient permissions. Required level: 5, your level: ${level}`,
        extensions: { code: 'FORBIDDEN' },
      });
      // The same caller still sees who it is.
      expect(dataOf(await gw.gql(VIEWER, {}, { token })).viewer.level).toBe(level);
    }

    const allowed = await gw.gql('{ entityTypes { name } }', {}, { token: gw.adminToken });
    expect(allowed.status).toBe(200);
    expect(dataOf(allowed).entityTypes).toHaveLength(10);
  });

  it('refuses relation fields below level 5 even through viewer', async () => {
    const token = await gw.login('acme-user', DEMO_PASSWORD);
    const response = await gw.gql(
      '{ viewer { user { username sessions { id } } } }',
      {},
      { token },
    );
    expect(errorCode(response)).toBe('FORBIDDEN');
  });

  it('sets a password that then logs in, and refuses a short one without a change', async () => {
    const admin = { token: gw.adminToken };
    const created = dataOf(
      await gw.gql(
        'mutation { createUser(data: { username: "pw-user", email: "pw@example.com" }) { id } }',
        {},
        admin,
      ),
    );
    const id = created.createUser.id;
    const set = `mutation($id: ID!, $p: String!) { setUserPassword(userId: $id, password: $p) }`;

    const before = await gw.snapshot();
    const short = await gw.gql(set, { id, p: 'short' }, admin);
    expect(errorCode(short)).toBe('BAD_REQUEST');
    expect(short.errors?.[0].message).toMatch(/at least 8 characters/);
    expect(await gw.snapshot()).toEqual(before);

    const missing = await gw.gql(set, { id: 'no-such-user', p: 'long-enough-1' }, admin);
    expect(errorCode(missing)).toBe('NOT_FOUND');

    expect(dataOf(await gw.gql(set, { id, p: 'long-enough-1' }, admin)).setUserPassword).toBe(true);
    const [credential] = await gw.sql(
      `SELECT ${q('firstLogin')} AS "firstLogin", ${q('passwordHash')} AS "hash" FROM ${q('Credential')} WHERE ${q('username')} = ?`,
      ['pw-user'],
    );
    expect([1, true]).toContain(credential.firstLogin);
    expect(credential.hash).toMatch(/^scrypt\$/);
    expect(await gw.login('pw-user', 'long-enough-1')).toEqual(expect.any(String));
  });

  it('records logins and failed logins in the audit log without the password', async () => {
    await gw.gql(LOGIN, { u: 'acme-user', p: 'wrong-password-77' });
    const rows = await gw.sql(
      `SELECT ${q('action')} AS action, ${q('details')} AS details FROM ${q('AuditLog')} WHERE ${q('action')} LIKE 'login%'`,
    );
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['login', 'login-failed']));
    expect(JSON.stringify(rows)).not.toContain('wrong-password-77');
  });
});
