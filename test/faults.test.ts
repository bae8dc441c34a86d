import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { openServices } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import {
  DIALECTS,
  errorCode,
  type GraphQLResponse,
  startTestGateway,
  type TestGateway,
} from './harness';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';

const CREATE_USER = 'mutation($d: UserCreateInput!) { createUser(data: $d) { id } }';
const COUNT = '{ users { pagination { total } } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The URL of the same database through the proxy. */
const viaProxy = (proxy: TcpProxy) => (url: string) => {
  const parsed = new URL(url);
  parsed.host = `127.0.0.1:${proxy.port}`;

  return parsed.toString();
};

describe('PostgreSQL unreachable while requests run', () => {
  if (!DIALECTS.includes('postgres')) {
    it('needs the postgres dialect', () => expect(DIALECTS).not.toContain('postgres'));
    return;
  }
  let proxy: TcpProxy;
  let gw: TestGateway;
  beforeAll(async () => {
    const target = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432');
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    gw = await startTestGateway('postgres', { demo: false, databaseUrl: viaProxy(proxy) });
  });
  afterAll(async () => {
    proxy?.restore();
    await gw?.close();
    await proxy?.close();
  });

  it('is SERVICE_UNAVAILABLE in an outage, recovers, half-writes nothing', async () => {
    const attempts: Array<{ username: string; response: GraphQLResponse }> = [];
    const reads: GraphQLResponse[] = [];
    let running = true;
    let n = 0;
    const client = async (id: number) => {
      while (running) {
        const username = `outage-${id}-${n++}`;
        const d = { username, email: `${username}@example.test` };
        attempts.push({
          username,
          response: await gw.gql(CREATE_USER, { d }, { token: gw.adminToken }),
        });
        reads.push(await gw.gql(COUNT, {}, { token: gw.adminToken }));
      }
    };
    const clients = Array.from({ length: 4 }, (_, i) => client(i));

    await sleep(300);
    proxy.cut();
    await sleep(300);
    const during = attempts.length;
    const ready = await fetch(`${gw.origin}/readyz`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${gw.origin}/healthz`)).status).toBe(200);
    await sleep(300);
    const duringOutage = attempts.slice(during).map((a) => a.response);
    proxy.restore();

    // Recovery without a restart: the pool replaces the connections that broke.
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      recovered = (await fetch(`${gw.origin}/readyz`)).status === 200;
      await sleep(100);
    }
    expect(recovered).toBe(true);
    await sleep(300);
    running = false;
    await Promise.all(clients);

    // During the outage every request was refused as unavailable, never as an internal error.
    expect(duringOutage.length).toBeGreaterThan(0);
    for (const response of duringOutage) {
      expect(response.status).toBe(503);
      expect(errorCode(response)).toBe('SERVICE_UNAVAILABLE');
      expect(response.headers.get('retry-after')).toBe('5');
    }
    const all = [...attempts.map((a) => a.response), ...reads];
    expect(all.filter((r) => r.status >= 500 && r.status !== 503)).toEqual([]);
    expect(JSON.stringify(all)).not.toMatch(/Connection terminated|ECONN|SELECT|INSERT/);

    // After it, requests succeed again.
    const after = await gw.gql(
      CREATE_USER,
      { d: { username: 'after-outage', email: 'after@example.test' } },
      {
        token: gw.adminToken,
      },
    );
    expect(after.errors).toBeUndefined();

    // Nothing half-written: every acknowledged write is stored, and every stored user has its
    // audit row (and no audit row lacks its user).
    const acknowledged = attempts.filter((a) => a.response.data?.createUser);
    expect(acknowledged.length).toBeGreaterThan(0);
    const stored = await gw.sql<{ id: string; username: string }>(
      `SELECT "id", "username" FROM "User" WHERE "username" LIKE 'outage-%'`,
    );
    const storedNames = new Set(stored.map((u) => u.username));
    for (const { username } of acknowledged) {
      expect(storedNames.has(username)).toBe(true);
    }
    const audited = await gw.sql<{ entityId: string }>(
      `SELECT "entityId" FROM "AuditLog" WHERE "action" = 'create' AND "entityType" = 'User'`,
    );
    const auditedIds = new Set(audited.map((a) => a.entityId));
    for (const user of stored) {
      expect(auditedIds.has(user.id)).toBe(true);
    }
    const allUserIds = new Set(
      (await gw.sql<{ id: string }>('SELECT "id" FROM "User"')).map((u) => u.id),
    );
    for (const id of auditedIds) {
      expect(allUserIds.has(id)).toBe(true);
    }
  });
});

describe.each(DIALECTS)('a gateway process killed during a long write on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { demo: false });
  });
  afterAll(() => gw?.close());

  const counts = async () => {
    const [row] = await gw.sql<{ users: number; audits: number }>(
      'SELECT (SELECT COUNT(*) FROM "User") AS users, (SELECT COUNT(*) FROM "AuditLog") AS audits',
    );

    return { users: Number(row.users), audits: Number(row.audits) };
  };

  it('leaves the database as it was before the transaction', async () => {
    const before = await counts();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'fixtures/long-write.ts'), '500'],
      {
        cwd: join(__dirname, '..'),
        env: { PATH: process.env.PATH, DATABASE_URL: gw.services.config.databaseUrl },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<string | null>((resolve) =>
      child.on('exit', (_c, signal) => resolve(signal)),
    );
    for (let i = 0; i < 300 && !output.includes('written'); i++) {
      await sleep(50);
    }
    expect(output).toBe('written\n');

    // The rows are written but not committed: no one else sees them.
    expect(await counts()).toEqual(before);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // A new process finds the database as before and can write to it at once.
    const config = loadConfig({
      DATABASE_URL: gw.services.config.databaseUrl,
      LOG_LEVEL: 'silent',
    });
    const services = await openServices(config, createLogger('silent'), false);
    try {
      const [row] = await services.db.query<{ n: number }>(
        `SELECT COUNT(*) AS n FROM "User" WHERE "username" LIKE 'half-written-%'`,
      );
      expect(Number(row.n)).toBe(0);
      if (dialect === 'sqlite') {
        expect(await services.db.query('PRAGMA integrity_check')).toEqual([
          { integrity_check: 'ok' },
        ]);
      }
    } finally {
      await services.db.close();
    }
    expect(await counts()).toEqual(before);
    const created = await gw.gql(
      CREATE_USER,
      { d: { username: 'after-kill', email: 'after-kill@example.test' } },
      { token: gw.adminToken },
    );
    expect(created.errors).toBeUndefined();
    expect(await counts()).toEqual({ users: before.users + 1, audits: before.audits + 1 });
  });
});
