import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DIALECTS, type GraphQLResponse, startTestGateway, type TestGateway } from './harness';

const CREATE_USER = 'mutation($d: UserCreateInput!) { createUser(data: $d) { id username } }';
const UPDATE_BIO =
  'mutation($id: ID!, $b: String) { updateUser(id: $id, data: { bio: $b }) { id } }';

/** Sends `count` writes, `concurrency` at a time; returns every response. */
async function writeConcurrently(
  gw: TestGateway,
  prefix: string,
  count: number,
  concurrency: number,
) {
  const [admin] = await gw.sql<{ id: string }>(
    `SELECT "id" FROM "User" WHERE "username" = 'admin'`,
  );
  const responses: GraphQLResponse[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      // Creating a user reads first (keys, unique values) and then writes.
      const response =
        i % 3 === 2
          ? await gw.gql(
              UPDATE_BIO,
              { id: admin.id, b: `${prefix} ${i}` },
              { token: gw.adminToken },
            )
          : await gw.gql(
              CREATE_USER,
              { d: { username: `${prefix}-${i}`, email: `${prefix}-${i}@example.test` } },
              { token: gw.adminToken },
            );
      responses.push(response);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));

  return responses;
}

function expectAllWritten(responses: GraphQLResponse[]) {
  const failures = responses.filter((r) => r.status !== 200 || r.errors);
  expect(failures.map((r) => r.errors?.[0]?.message)).toEqual([]);
  expect(JSON.stringify(responses)).not.toMatch(/SQLITE_BUSY|database is locked/i);
}

describe.each(DIALECTS)('concurrent writers on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { demo: false });
  });
  afterAll(() => gw?.close());

  it('many concurrent writes through the API all succeed and are all stored', async () => {
    const responses = await writeConcurrently(gw, 'concurrent', 90, 15);
    expectAllWritten(responses);
    const [{ n }] = await gw.sql<{ n: number }>(
      `SELECT COUNT(*) AS n FROM "User" WHERE "username" LIKE 'concurrent-%'`,
    );
    expect(Number(n)).toBe(60);
  });

  if (dialect === 'sqlite') {
    it('writes succeed while another process holds the write lock of the same file', async () => {
      const file = gw.services.config.sqlitePath!;
      const child = spawn(process.execPath, [
        join(__dirname, 'fixtures/sqlite-writer.js'),
        file,
        '40',
        '15',
      ]);
      let output = '';
      let errors = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await new Promise<void>((resolve) => {
        const check = () => (output.includes('ready') ? resolve() : setTimeout(check, 10));
        check();
      });

      const responses = await writeConcurrently(gw, 'shared-file', 60, 10);
      expect(await exited).toBe(0);
      expect(errors).toBe('');
      expect(output).toContain('done 40');
      expectAllWritten(responses);

      const [{ n }] = await gw.sql<{ n: number }>(
        `SELECT COUNT(*) AS n FROM "User" WHERE "username" LIKE 'shared-file-%'`,
      );
      expect(Number(n)).toBe(40);
      const [{ m }] = await gw.sql<{ m: number }>(
        `SELECT COUNT(*) AS m FROM "AuditLog" WHERE "action" = 'other-process'`,
      );
      expect(Number(m)).toBe(40);
    });
  }
});
