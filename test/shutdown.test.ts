import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { openServices } from '../src/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startGatewayProcess } from './gateway-process';
import { ADMIN_PASSWORD, DIALECTS, graphqlClient } from './harness';

/**
 * A request whose body arrives in two halves: the first now, the second when `finish` is
 * called. Until then the request is in flight on the server.
 */
function slowRequest(url: string, token: string, body: string) {
  let answer!: Promise<{ status: number; body: string }>;
  const req = request(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      authorization: `Bearer ${token}`,
    },
  });
  answer = new Promise((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
  });
  const half = Math.floor(body.length / 2);
  req.write(body.slice(0, half));

  return { answer, finish: () => req.end(body.slice(half)) };
}

const createUser = (username: string) =>
  JSON.stringify({
    query: 'mutation($d: UserCreateInput!) { createUser(data: $d) { id username } }',
    variables: { d: { username, email: `${username}@example.test` } },
  });

describe.each(DIALECTS)('graceful shutdown on %s', (dialect) => {
  it('on SIGTERM stops accepting, finishes the request in flight, closes the db', async () => {
    const gateway = await startGatewayProcess(dialect);
    try {
      const gql = graphqlClient(gateway.url);
      const login = await gql(
        'mutation { login(username: "admin", password: "' + ADMIN_PASSWORD + '") { token } }',
      );
      const token = login.data!.login.token as string;

      const inFlight = slowRequest(gateway.url, token, createUser('finished-during-shutdown'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      gateway.child.kill('SIGTERM');
      await gateway.waitFor('shutting down');

      // No new connection is taken any more...
      await expect(fetch(`${gateway.origin}/healthz`)).rejects.toThrow();
      // ...but the request in flight is answered in full.
      inFlight.finish();
      const answer = await inFlight.answer;
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body).data.createUser.username).toBe('finished-during-shutdown');

      expect(await gateway.exited).toBe(0);
      expect(gateway.output()).toContain('"msg":"stopped"');
      if (dialect === 'sqlite') {
        // SQLite removes the write-ahead log when the last connection closes cleanly.
        const file = gateway.databaseUrl.slice('sqlite:'.length);
        expect(existsSync(`${file}-wal`)).toBe(false);
      }

      // The write is there, with its audit row.
      const services = await openServices(
        loadConfig({ DATABASE_URL: gateway.databaseUrl, LOG_LEVEL: 'silent' }),
        createLogger('silent'),
        false,
      );
      try {
        const rows = await services.db.query<{ id: string }>(
          `SELECT "id" FROM "User" WHERE "username" = 'finished-during-shutdown'`,
        );
        expect(rows).toHaveLength(1);
        const audit = await services.db.query(
          `SELECT 1 FROM "AuditLog" WHERE "action" = 'create' AND "entityId" = '${rows[0].id}'`,
        );
        expect(audit).toHaveLength(1);
      } finally {
        await services.db.close();
      }
    } finally {
      gateway.child.kill('SIGKILL');
      await gateway.exited;
      await gateway.drop();
    }
  });

  it('cuts a request that does not finish within SHUTDOWN_TIMEOUT_MS and still exits', async () => {
    const gateway = await startGatewayProcess(dialect, { SHUTDOWN_TIMEOUT_MS: '300' });
    try {
      const gql = graphqlClient(gateway.url);
      const login = await gql(
        'mutation { login(username: "admin", password: "' + ADMIN_PASSWORD + '") { token } }',
      );
      const stuck = slowRequest(gateway.url, login.data!.login.token, createUser('never-finished'));
      const outcome = stuck.answer.then(
        () => 'answered',
        () => 'cut',
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      gateway.child.kill('SIGTERM');

      expect(await gateway.exited).toBe(0);
      expect(await outcome).toBe('cut');
    } finally {
      gateway.child.kill('SIGKILL');
      await gateway.exited;
      await gateway.drop();
    }
  });
});
