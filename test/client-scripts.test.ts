import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kind, parse } from 'graphql';
import manifest from '../operations/generated/persisted-documents.json';
import { DEMO_PASSWORD } from '../src/db/seed';
import { ADMIN_PASSWORD, DIALECTS, q, startTestGateway, type TestGateway } from './harness';

const ROOT = join(__dirname, '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** One GraphQL request as a script sent it, decoded. */
interface SentRequest {
  method: string;
  contentType: string;
  /** The GraphQL request: the JSON body, the `operations` part, or the GET parameters. */
  operation: { query?: string; variables?: any; extensions?: any };
  /** The parts of a multipart request. */
  form?: FormData;
}

/** An HTTP proxy in front of the gateway that keeps every request the scripts send. */
async function startRecordingProxy(target: string) {
  const requests: SentRequest[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    const contentType = req.headers['content-type'] ?? '';
    const url = new URL(req.url ?? '/', target);
    requests.push(await decode(req.method ?? 'GET', contentType, url, body));

    const response = await fetch(url, {
      method: req.method,
      headers: Object.fromEntries(
        [
          'authorization',
          'content-type',
          'accept',
          'apollo-require-preflight',
          'x-graphql-yoga-csrf',
        ]
          .filter((name) => req.headers[name])
          .map((name) => [name, String(req.headers[name])]),
      ),
      body: req.method === 'GET' ? undefined : new Uint8Array(body),
    });
    res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? '' });
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function decode(method: string, contentType: string, url: URL, body: Buffer) {
  if (method === 'GET') {
    const param = (name: string) => {
      const value = url.searchParams.get(name);

      return value ? JSON.parse(value) : undefined;
    };
    const query = url.searchParams.get('query') ?? undefined;

    return {
      method,
      contentType,
      operation: { query, variables: param('variables'), extensions: param('extensions') },
    };
  }
  if (contentType.startsWith('multipart/form-data')) {
    const form = await new Response(new Uint8Array(body), {
      headers: { 'content-type': contentType },
    }).formData();

    return { method, contentType, form, operation: JSON.parse(String(form.get('operations'))) };
  }

  return { method, contentType, operation: JSON.parse(body.toString('utf8')) };
}

/** Runs a script of scripts/ as its own Node process, logged in as `username`. */
function runScript(
  script: string,
  args: string[],
  url: string,
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [join(ROOT, 'scripts', script), ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          GATEWAY_URL: url,
          GATEWAY_USERNAME: username,
          GATEWAY_PASSWORD: password,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

const persistedHashes = new Set(Object.keys(manifest));
const operationName = (text: string) =>
  parse(text).definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION ? [definition.name?.value] : [],
  )[0];
const sentHash = (request: SentRequest): string | undefined =>
  request.operation.extensions?.persistedQuery?.sha256Hash;

describe.each(DIALECTS)('the client scripts against a gateway on %s', (dialect) => {
  let gw: TestGateway;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  const dir = mkdtempSync(join(tmpdir(), 'mb-scripts-'));
  const importFile = join(dir, 'users.json');
  writeFileSync(
    importFile,
    JSON.stringify({
      entities: { User: [{ username: 'script-import', email: 'si@example.com' }] },
    }),
  );

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { env: { PERSISTED_OPERATIONS_ONLY: 'true' } });
    proxy = await startRecordingProxy(gw.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await gw?.close();
  });
  beforeEach(() => {
    proxy.requests.length = 0;
  });

  const bioOf = async (username: string) =>
    (await gw.sql(`SELECT ${q('bio')} FROM ${q('User')} WHERE ${q('username')} = ?`, [username]))[0]
      .bio;

  it('backs up the database to a file through an export, sending persisted hashes alone', async () => {
    const out = join(dir, 'nightly', 'backup.json');
    const run = await runScript('nightly-backup.ts', ['--out', out], proxy.url);

    const file = JSON.parse(readFileSync(out, 'utf8'));
    const stored = await gw.sql(`SELECT ${q('id')} FROM ${q('User')} ORDER BY ${q('id')}`);
    const total = Object.values(file.entities as Record<string, unknown[]>).reduce(
      (sum, records) => sum + records.length,
      0,
    );
    expect(run).toMatchObject({ code: 0, stdout: `wrote ${total} records to ${out}\n` });
    expect(file.entities.User.map((user: { id: string }) => user.id).sort()).toEqual(
      stored.map((user) => user.id).sort(),
    );
    // Sessions and credentials come with their hashes, so that a restore keeps logins working.
    expect(file.entities.Credential[0].passwordHash).toMatch(/^scrypt\$/);
    expect(file.entities.Session.length).toBeGreaterThan(0);
    expect(file.entities).not.toHaveProperty('AuditLog');
    expect(proxy.requests.length).toBeGreaterThanOrEqual(3);
    for (const request of proxy.requests) {
      expect(request.operation.query).toBeUndefined();
      expect(persistedHashes.has(sentHash(request)!)).toBe(true);
    }
  });

  it('writes no backup file when the login fails, and says why', async () => {
    const out = join(dir, 'refused.json');
    const run = await runScript(
      'nightly-backup.ts',
      ['--out', out],
      proxy.url,
      'admin',
      'wrong-one',
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toBe('backup failed: 401: Invalid username or password\n');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to back up for a caller below level 5, writing nothing', async () => {
    const out = join(dir, 'forbidden.json');
    const run = await runScript(
      'nightly-backup.ts',
      ['--out', out],
      proxy.url,
      'global-god',
      DEMO_PASSWORD,
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'backup failed: 403: Insufficient permissions. Required level: 5, your level: 4\n',
    );
    expect(existsSync(out)).toBe(false);
  });

  describe.each([
    ['apollo-client.ts', 'Apollo Client'],
    ['urql-client.ts', 'urql'],
  ])('%s', (script, client) => {
    it(`logs in, pages through the users and updates one with ${client}`, async () => {
      const bio = `Updated by ${client} on ${dialect}`;
      const run = await runScript(
        script,
        ['--user', 'global-user', '--bio', bio, '--json'],
        proxy.url,
      );

      const total = (await gw.sql(`SELECT COUNT(*) AS n FROM ${q('User')}`))[0].n;
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('logged in as admin (supergod)\n');
      expect(run.stdout).toContain(
        `read ${total} users in ${Math.ceil(Number(total) / 5)} pages\n`,
      );
      expect(JSON.parse(run.stdout.trim().split('\n').pop()!).updated).toMatchObject({
        username: 'global-user',
        bio,
      });
      expect(await bioOf('global-user')).toBe(bio);
    });

    it(`sends the documents of operations/ by persisted hash alone with ${client}`, async () => {
      await runScript(script, ['--bio', 'by hash'], proxy.url);

      const names = proxy.requests.map((request) => {
        expect(request.operation.query).toBeUndefined();
        expect(persistedHashes.has(sentHash(request)!)).toBe(true);

        return operationName((manifest as Record<string, string>)[sentHash(request)!]);
      });
      expect(names).toEqual(['Login', 'Users', 'Users', 'Users', 'Users', 'UpdateUser', 'Logout']);
    });

    it(`uploads an import file by the GraphQL multipart request spec with ${client}`, async () => {
      const run = await runScript(script, ['--import', importFile, '--dry-run'], proxy.url);

      const uploads = proxy.requests.filter((request) => request.form);
      // The import document is in the manifest: its hash alone goes, with the file.
      expect(uploads.map((upload) => upload.operation.query !== undefined)).toEqual([false]);
      for (const upload of uploads) {
        const map = JSON.parse(String(upload.form!.get('map'))) as Record<string, string[]>;
        const [[part, paths]] = Object.entries(map);
        const file = upload.form!.get(part) as File;

        expect(upload.method).toBe('POST');
        expect(upload.operation.variables).toMatchObject({ file: null, dryRun: true });
        expect(Object.keys(map)).toHaveLength(1);
        expect(paths).toEqual(['variables.file']);
        expect(file.name).toBe('users.json');
        expect(await file.text()).toBe(readFileSync(importFile, 'utf8'));
      }
      // The gateway read the file and ran the import as a dry run: nothing was written.
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('"totalRecords":1');
      expect(run.stdout).toContain('"imported":1');
      const written = await gw.sql(`SELECT 1 FROM ${q('User')} WHERE ${q('username')} = ?`, [
        'script-import',
      ]);
      expect(written).toEqual([]);
    });
  });
});
