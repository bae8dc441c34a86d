import { Writable } from 'node:stream';
import { DEMO_PASSWORD } from '../src/db/seed';
import {
  ADMIN_PASSWORD,
  DIALECTS,
  dataOf,
  errorCode,
  startTestGateway,
  type TestGateway,
} from './harness';

/** A log destination that keeps every line, parsed. */
class LogCapture extends Writable {
  readonly text: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  }

  get lines(): Array<Record<string, any>> {
    return this.text.map((line) => JSON.parse(line));
  }

  requests(): Array<Record<string, any>> {
    return this.lines.filter((line) => line.msg === 'request');
  }
}

describe.each(DIALECTS)('logs, request ids and masked errors on %s', (dialect) => {
  let gw: TestGateway;
  const logs = new LogCapture();
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { logStream: logs, env: { LOG_LEVEL: 'debug' } });
  });
  afterAll(() => gw?.close());

  it('writes one line per request with its id, operation, duration and outcome', async () => {
    const response = await gw.gql(
      'query CountUsers { users { pagination { total } } }',
      {},
      { token: gw.adminToken },
    );
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const [line] = logs.requests().filter((l) => l.reqId === id);
    expect(line).toMatchObject({
      level: 30,
      method: 'POST',
      path: '/graphql',
      operationName: 'CountUsers',
      operationType: 'query',
      status: 200,
      outcome: 'ok',
    });
    expect(typeof line.durationMs).toBe('number');
    expect(line.userId).toBe(
      dataOf(await gw.gql('{ viewer { user { id } } }', {}, { token: gw.adminToken })).viewer.user
        .id,
    );
    expect(logs.requests().filter((l) => l.reqId === id)).toHaveLength(1);
  });

  it("keeps a caller's plain request id and logs a refused request's error codes", async () => {
    const response = await gw.gql(
      'query Refused { users { pagination { total } } }',
      {},
      {
        headers: { 'x-request-id': 'client-chosen.id-42' },
      },
    );
    expect(response.headers.get('x-request-id')).toBe('client-chosen.id-42');
    const [line] = logs.requests().filter((l) => l.reqId === 'client-chosen.id-42');
    expect(line).toMatchObject({ status: 401, outcome: 'error', errors: ['UNAUTHENTICATED'] });

    const odd = await gw.gql(
      '{ viewer { level } }',
      {},
      { headers: { 'x-request-id': `x-${'long'.repeat(40)}` } },
    );
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('masks an unexpected error, even in development, and logs its cause by id', async () => {
    await gw.sql('ALTER TABLE "Workflow" RENAME TO "WorkflowMoved"');
    try {
      const response = await gw.gql(
        '{ workflows { records { id } } }',
        {},
        { token: gw.adminToken },
      );
      const id = response.headers.get('x-request-id');
      expect(response.status).toBe(500);
      expect(response.errors).toEqual([
        {
          message: 'Unexpected error.',
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: id },
          locations: expect.any(Array),
          path: ['workflows'],
        },
      ]);
      const body = JSON.stringify(response);
      expect(body).not.toMatch(/SELECT|Workflow"|stack|no such table|does not exist/);

      const logged = logs.lines.find((l) => l.msg === 'unexpected error' && l.reqId === id);
      expect(logged?.cause.sql).toMatch(/SELECT .* FROM "Workflow"/);
      expect(logged?.cause.message).toMatch(/no such table|does not exist/);
      expect(logged?.cause.stack).toBeTruthy();
      expect(logs.requests().find((l) => l.reqId === id)).toMatchObject({
        status: 500,
        outcome: 'error',
        errors: ['INTERNAL_SERVER_ERROR'],
      });
    } finally {
      await gw.sql('ALTER TABLE "WorkflowMoved" RENAME TO "Workflow"');
    }
  });

  it('never logs a password or a token, at any level', async () => {
    const failed = await gw.gql(
      'mutation($p: String!) { login(username: "admin", password: $p) { token } }',
      { p: 'wrong-secret-password' },
    );
    expect(errorCode(failed)).toBe('UNAUTHENTICATED');
    const token = await gw.login('acme-supergod', DEMO_PASSWORD);
    const cookieToken = await gw.login('globex-supergod', DEMO_PASSWORD);
    await gw.gql('{ viewer { level } }', {}, { headers: { cookie: `mb_session=${cookieToken}` } });
    const users = dataOf(
      await gw.gql('{ users(limit: 1) { records { id } } }', {}, { token: gw.adminToken }),
    );
    const newPassword = 'brand-new-password-9';
    await gw.gql(
      'mutation($id: ID!, $p: String!) { setUserPassword(userId: $id, password: $p) }',
      { id: users.users.records[0].id, p: newPassword },
      { token },
    );
    const rawSessionToken = 'a-session-token-given-by-hand';
    await gw.gql(
      'mutation($d: SessionCreateInput!) { createSession(data: $d) { id } }',
      {
        d: {
          userId: users.users.records[0].id,
          token: rawSessionToken,
          expiresAt: Date.now() + 1e6,
        },
      },
      { token: gw.adminToken },
    );

    const hashes = await gw.sql<{ value: string }>(
      'SELECT "token" AS value FROM "Session" UNION ALL SELECT "passwordHash" FROM "Credential"',
    );
    const all = logs.text.join('\n');
    expect(logs.lines.length).toBeGreaterThan(20);
    for (const secret of [
      ADMIN_PASSWORD,
      DEMO_PASSWORD,
      'wrong-secret-password',
      newPassword,
      rawSessionToken,
      token,
      cookieToken,
      gw.adminToken,
      ...hashes.map((h) => h.value),
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});

describe.each(DIALECTS)('health probes on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { demo: false, env: { READY_TIMEOUT_MS: '300' } });
  });
  afterAll(() => gw?.close());

  it('/healthz answers while the process runs, /readyz while the database answers', async () => {
    const health = await fetch(`${gw.origin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const ready = await fetch(`${gw.origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', dialect });
  });

  it('/readyz is 503 when the database does not answer within the timeout', async () => {
    // Work that holds every connection the gateway has (SQLite's one, PostgreSQL's pool of
    // 10) for longer than the readiness timeout.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const holders = Array.from({ length: dialect === 'sqlite' ? 1 : 10 }, () =>
      gw.services.db.transaction(() => held),
    );
    try {
      const ready = await fetch(`${gw.origin}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: 'unavailable',
        reason: 'the database does not answer',
      });
      expect((await fetch(`${gw.origin}/healthz`)).status).toBe(200);
    } finally {
      release();
      await Promise.all(holders);
    }
    expect((await fetch(`${gw.origin}/readyz`)).status).toBe(200);
  });
});
