import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { print } from 'graphql';
import {
  CreateUserDocument,
  LoginDocument,
  UsersDocument,
  ViewerDocument,
} from '../operations/generated/graphql';
import manifest from '../operations/generated/persisted-documents.json';
import { DEMO_PASSWORD } from '../src/db/seed';
import {
  documentHash,
  readPersistedOperations,
} from '../src/http/plugins/use-persisted-operations';
import {
  ADMIN_PASSWORD,
  DIALECTS,
  dataOf,
  errorCode,
  persistedHash,
  startTestGateway,
  type TestGateway,
} from './harness';

interface Sent {
  status: number;
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
}

/** POSTs a GraphQL request body as it is, as a persisted-queries client would. */
async function post(gw: TestGateway, body: object, token?: string): Promise<Sent> {
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

  return { status: response.status, ...((await response.json()) as object) };
}

const byHash = (hash: string, variables?: object) => ({
  variables,
  extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
});

const OWN_QUERY = '{ users(limit: 1) { pagination { total } } }';

describe('the persisted operations manifest', () => {
  it('maps the hash of every generated document to its text', () => {
    for (const document of [LoginDocument, ViewerDocument, UsersDocument, CreateUserDocument]) {
      const hash = persistedHash(document);

      expect(documentHash((manifest as Record<string, string>)[hash])).toBe(hash);
    }
    expect(
      Object.keys(
        readPersistedOperations(
          require.resolve('../operations/generated/persisted-documents.json'),
          true,
        ),
      ),
    ).toHaveLength(Object.keys(manifest).length);
  });

  it('is required only when only persisted operations are accepted', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'mb-manifest-')), 'none.json');

    expect(readPersistedOperations(missing, false)).toEqual({});
    expect(() => readPersistedOperations(missing, true)).toThrow(
      `PERSISTED_OPERATIONS_ONLY is on but the manifest '${missing}' does not exist`,
    );
  });

  it('refuses a manifest whose hash is not that of its document', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mb-manifest-')), 'tampered.json');
    writeFileSync(
      file,
      JSON.stringify({ [persistedHash(ViewerDocument)]: '{ users { records { id } } }' }),
    );

    expect(() => readPersistedOperations(file, false)).toThrow(
      `maps '${persistedHash(ViewerDocument)}' to something that is not the document of that SHA-256 hash`,
    );
  });
});

describe.each(DIALECTS)('persisted operations on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.close());

  it('runs a document of the manifest sent by hash alone', async () => {
    const login = await post(
      gw,
      byHash(persistedHash(LoginDocument), { username: 'admin', password: ADMIN_PASSWORD }),
    );
    const token = login.data.login.token as string;
    const users = dataOf(await gw.persisted(UsersDocument, { limit: 2 }, { token }));

    expect(login.status).toBe(200);
    expect(users.users?.records).toHaveLength(2);
    expect(users.users?.pagination?.total).toBe(19);
  });

  it('runs a persisted query sent by GET', async () => {
    const url = new URL(gw.url);
    url.searchParams.set(
      'extensions',
      JSON.stringify(byHash(persistedHash(ViewerDocument)).extensions),
    );
    // A GET carries a CSRF header, which no page of another site can make a browser add.
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${gw.adminToken}`, 'x-graphql-yoga-csrf': '1' },
    });
    const body = (await response.json()) as { data: any };

    expect(response.status).toBe(200);
    expect(body.data.viewer).toMatchObject({ level: 5, user: { username: 'admin' } });
  });

  it('still accepts any document by default', async () => {
    const result = await gw.gql(OWN_QUERY, {}, { token: gw.adminToken });

    expect(dataOf(result).users.pagination.total).toBe(19);
  });

  it('answers an unknown hash with PersistedQueryNotFound, as the APQ protocol asks', async () => {
    const result = await post(gw, byHash(documentHash('{ viewer { level } }')), gw.adminToken);

    expect(result.status).toBe(404);
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: 'PersistedQueryNotFound',
        extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_FOUND' }),
      }),
    ]);
  });

  it('registers a document sent with its hash (APQ) and runs it by hash afterwards', async () => {
    const query = '{ viewer { level tenantId } }';
    const hash = documentHash(query);

    const first = await post(gw, { query, ...byHash(hash) }, gw.adminToken);
    const again = await post(gw, byHash(hash), gw.adminToken);

    expect(first.data).toEqual({ viewer: { level: 5, tenantId: null } });
    expect(again.data).toEqual(first.data);
  });

  it('refuses a document whose hash does not match, and does not register it', async () => {
    const wrong = documentHash('something else');
    const result = await post(gw, { query: OWN_QUERY, ...byHash(wrong) }, gw.adminToken);
    const later = await post(gw, byHash(wrong), gw.adminToken);

    expect(result.status).toBe(400);
    expect(errorCode(result as any)).toBe('BAD_REQUEST');
    expect(result.errors![0].message).toBe(
      `extensions.persistedQuery.sha256Hash '${wrong}' is not the SHA-256 hex of the query sent`,
    );
    expect(errorCode(later as any)).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('says what is missing when a request has neither a document nor a hash', async () => {
    const result = await post(gw, { variables: {} }, gw.adminToken);

    expect(result.status).toBe(400);
    expect(errorCode(result as any)).toBe('BAD_REQUEST');
    expect(result.errors![0].message).toContain('The request has no document');
  });
});

describe.each(DIALECTS)('only persisted operations (trusted documents) on %s', (dialect) => {
  let gw: TestGateway;
  let moderatorToken: string;
  let godToken: string;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { env: { PERSISTED_OPERATIONS_ONLY: 'true' } });
    moderatorToken = await gw.login('global-admin', DEMO_PASSWORD);
    godToken = await gw.login('global-god', DEMO_PASSWORD);
  });
  afterAll(() => gw?.close());

  const userCount = async () => (await gw.sql('SELECT COUNT(*) AS n FROM "User"'))[0].n;

  it('lets anyone log in and run a manifest document by hash', async () => {
    const login = await post(
      gw,
      byHash(persistedHash(LoginDocument), { username: 'global-admin', password: DEMO_PASSWORD }),
    );
    const viewer = await post(gw, byHash(persistedHash(ViewerDocument)), login.data.login.token);

    expect(viewer.data.viewer).toMatchObject({ level: 3, user: { username: 'global-admin' } });
  });

  it.each([
    ['an anonymous caller', () => undefined],
    ['a level-3 session', () => moderatorToken],
    ['a level-4 session', () => godToken],
  ])('refuses a document outside the manifest from %s, changing nothing', async (_who, token) => {
    const before = await userCount();
    const result = await post(
      gw,
      {
        query: print(CreateUserDocument),
        variables: { data: { username: 'intruder', email: 'intruder@example.com' } },
      },
      token(),
    );

    expect(result.status).toBe(403);
    expect(errorCode(result as any)).toBe('FORBIDDEN');
    expect(result.errors![0].message).toBe(
      'Only persisted operations are accepted: send extensions.persistedQuery.sha256Hash of a ' +
        'document in the manifest. Sessions of level 5 may send any document.',
    );
    expect(await userCount()).toBe(before);
  });

  it('lets a level-5 session send any document and register it by APQ', async () => {
    const query = '{ viewer { level } }';

    const own = await gw.gql(OWN_QUERY, {}, { token: gw.adminToken });
    const registered = await post(gw, { query, ...byHash(documentHash(query)) }, gw.adminToken);
    const byAdmin = await post(gw, byHash(documentHash(query)), gw.adminToken);

    expect(dataOf(own).users.pagination.total).toBe(19);
    expect(registered.data).toEqual({ viewer: { level: 5 } });
    expect(byAdmin.data).toEqual({ viewer: { level: 5 } });
  });

  it('keeps documents a level-5 session registered from everyone else', async () => {
    const query = '{ viewer { tenantId } }';
    await post(gw, { query, ...byHash(documentHash(query)) }, gw.adminToken);

    const byHashAlone = await post(gw, byHash(documentHash(query)), moderatorToken);
    const withText = await post(gw, { query, ...byHash(documentHash(query)) }, moderatorToken);

    expect(errorCode(byHashAlone as any)).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(errorCode(withText as any)).toBe('FORBIDDEN');
  });

  it('still checks the level of each field of a persisted document', async () => {
    const result = await gw.persisted(UsersDocument, {}, { token: moderatorToken });

    expect(result.status).toBe(403);
    expect(result.errors![0].message).toBe(
      'Insufficient permissions. Required level: 5, your level: 3',
    );
  });
});
