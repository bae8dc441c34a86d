import { DEMO_PASSWORD } from '../src/db/seed';
import { dataOf, DIALECTS, errorCode, startTestGateway, type TestGateway } from './harness';

const LIST = `query($type: EntityType!, $filter: JSON, $search: String, $sortBy: String) {
  entities(entityType: $type, filter: $filter, search: $search, sortBy: $sortBy) { records pagination { total } }
}`;
const CREATE =
  'mutation($type: EntityType!, $data: JSON!) { createEntity(entityType: $type, data: $data) }';
const UPDATE =
  'mutation($type: EntityType!, $id: ID!, $data: JSON!) { updateEntity(entityType: $type, id: $id, data: $data) }';

const nested = (depth: number, leaf: unknown, key = 'not'): unknown =>
  depth === 0 ? leaf : { [key]: [nested(depth - 1, leaf, key)] };

describe.each(DIALECTS)('hostile input on %s', (dialect) => {
  let gw: TestGateway;
  const as = () => ({ token: gw.adminToken });
  const create = async (type: string, data: Record<string, unknown>) =>
    dataOf(await gw.gql(CREATE, { type, data }, as())).createEntity;

  /** Sends a request that must fail with `code` and a message matching `message`, changing nothing. */
  const refused = async (
    query: string,
    variables: Record<string, unknown>,
    code: string,
    message: RegExp,
    auth = as(),
  ) => {
    const before = await gw.snapshot();
    const response = await gw.gql(query, variables, auth);
    expect(errorCode(response)).toBe(code);
    expect(response.errors?.[0].message).toMatch(message);
    expect(response.status).toBeLessThan(500);
    expect(await gw.snapshot()).toEqual(before);

    return response;
  };

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.close());

  it('never shows a stored token hash in a conflict', async () => {
    const [admin] = (await gw.sql('SELECT "id" FROM "User" WHERE "username" = ?', [
      'admin',
    ])) as Array<{ id: string }>;
    const response = await refused(
      CREATE,
      {
        type: 'Session',
        data: { userId: admin.id, token: gw.adminToken, expiresAt: 4102444800000 },
      },
      'CONFLICT',
      /^Session with that token already exists$/,
    );
    expect(JSON.stringify(response)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('refuses U+0000 in stored text, JSON, filters and search, and matches no key with it', async () => {
    await refused(
      CREATE,
      { type: 'User', data: { username: 'nul-user', email: 'n@x.io', bio: 'a\u0000b' } },
      'BAD_REQUEST',
      /'bio' holds U\+0000 or a lone surrogate/,
    );
    await refused(
      CREATE,
      { type: 'PackageData', data: { packageId: 'acme-forum', data: { k: 'a\u0000' } } },
      'BAD_REQUEST',
      /'data' holds a string with U\+0000 or a lone surrogate/,
    );
    await refused(
      LIST,
      { type: 'User', filter: { username: 'a\u0000' } },
      'BAD_REQUEST',
      /U\+0000/,
    );
    await refused(LIST, { type: 'User', search: 'a\u0000' }, 'BAD_REQUEST', /without U\+0000/);
    expect(
      dataOf(
        await gw.gql(
          'query($id: ID!) { entity(entityType: User, id: $id) }',
          { id: 'x\u0000' },
          as(),
        ),
      ).entity,
    ).toBeNull();
    await refused(
      UPDATE,
      { type: 'User', id: 'x\u0000', data: { bio: 'b' } },
      'NOT_FOUND',
      /not found/,
    );
    const login = await gw.gql(
      'mutation { login(username: "adm\\u0000in", password: "whatever12") { token } }',
    );
    expect(errorCode(login)).toBe('UNAUTHENTICATED');
  });

  it('refuses lone surrogates in text and in JSON, which no database stores faithfully', async () => {
    await refused(
      CREATE,
      { type: 'User', data: { username: 'lone-user', email: 'l@x.io', bio: 'a\ud800' } },
      'BAD_REQUEST',
      /'bio' holds U\+0000 or a lone surrogate/,
    );
    await refused(
      CREATE,
      {
        type: 'PageConfig',
        data: {
          path: '/lone',
          title: 't',
          componentTree: { x: '\ud800' },
          level: 0,
          requiresAuth: false,
        },
      },
      'BAD_REQUEST',
      /'componentTree' holds a string with U\+0000 or a lone surrogate/,
    );
    await refused(LIST, { type: 'User', search: '\udc00' }, 'BAD_REQUEST', /lone surrogates/);
  });

  it('refuses filter numbers that are fractional or out of range, and unknown enum values', async () => {
    await refused(
      LIST,
      { type: 'PageConfig', filter: { createdAt: { gt: 1.5 } } },
      'BAD_REQUEST',
      /needs an integer, got 1.5/,
    );
    await refused(
      LIST,
      { type: 'PageConfig', filter: { level: 2.5 } },
      'BAD_REQUEST',
      /needs an integer/,
    );
    await refused(
      LIST,
      { type: 'PageConfig', filter: { level: { in: [1, 99999999999] } } },
      'BAD_REQUEST',
      /'level' must be between 0 and 5/,
    );
    await refused(
      LIST,
      { type: 'User', filter: { createdAt: -1e20 } },
      'BAD_REQUEST',
      /'createdAt' must be between/,
    );
    await refused(
      LIST,
      { type: 'User', filter: { role: 'superduper' } },
      'BAD_REQUEST',
      /'role' must be one of public, user, moderator, admin, god, supergod, got 'superduper'/,
    );
  });

  it('bounds filters and searches instead of letting a database choke on them', async () => {
    await refused(
      LIST,
      { type: 'User', filter: nested(1000, { role: 'user' }) },
      'BAD_REQUEST',
      /at most 8 deep/,
    );
    const deepAnd = `${'{"and":['.repeat(3000)}{"role":"user"}${']}'.repeat(3000)}`;
    const deep = await gw.postRaw(
      `{"query":${JSON.stringify(LIST)},"variables":{"type":"User","filter":${deepAnd}}}`,
      as(),
    );
    expect(errorCode(deep)).toBe('BAD_REQUEST');
    const terms = Array.from({ length: 5000 }, (_, i) => ({ username: `u${i}` }));
    await refused(
      LIST,
      { type: 'User', filter: { or: terms } },
      'BAD_REQUEST',
      /at most 100 field conditions/,
    );
    const values = Array.from({ length: 40000 }, (_, i) => `v${i}`);
    await refused(
      LIST,
      { type: 'User', filter: { username: { in: values } } },
      'BAD_REQUEST',
      /at most 1000 values, got 40000/,
    );
    await refused(
      LIST,
      { type: 'User', search: 'x'.repeat(1_000_000) },
      'BAD_REQUEST',
      /at most 200 characters/,
    );
    await refused(
      LIST,
      { type: 'User', filter: { and: [null] } },
      'BAD_REQUEST',
      /array of filter objects/,
    );
    await refused(
      LIST,
      { type: 'User', sortBy: '' },
      'BAD_REQUEST',
      /Unknown sort field of User ''/,
    );
  });

  it('refuses values nested deeper than any parser should follow', async () => {
    const before = await gw.snapshot();
    const deepArray = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    const data = `{"packageId":"acme-forum","data":${deepArray}}`;
    const stored = await gw.postRaw(
      `{"query":${JSON.stringify(CREATE)},"variables":{"type":"PackageData","data":${data}}}`,
      as(),
    );
    expect(errorCode(stored)).toBe('BAD_REQUEST');
    expect(stored.errors?.[0].message).toMatch(/nests deeper than 64 levels|too deeply/);

    const typedFilter = `${'{ and: ['.repeat(2000)}{ role: { eq: user } }${'] }'.repeat(2000)}`;
    const query = `{ users(filter: ${typedFilter}) { pagination { total } } }`;
    const typed = await gw.postRaw(JSON.stringify({ query }), as());
    expect(typed.status).toBeLessThan(500);
    expect(errorCode(typed)).toBe('BAD_REQUEST');
    expect(await gw.snapshot()).toEqual(before);
  });

  it('treats a malformed session cookie as no session and accepts a quoted one', async () => {
    const viewer = await gw.gql(
      '{ viewer { level } }',
      {},
      { headers: { cookie: 'mb_session=%zz' } },
    );
    expect(viewer.status).toBe(200);
    expect(dataOf(viewer).viewer).toBeNull();
    const login = await gw.gql(
      'mutation { login(username: "admin", password: "admin-password-1") { token } }',
      {},
      { headers: { cookie: 'mb_session=%zz' } },
    );
    expect(dataOf(login).login.token).toEqual(expect.any(String));
    const quoted = await gw.gql(
      '{ viewer { level } }',
      {},
      { headers: { cookie: `mb_session="${gw.adminToken}"` } },
    );
    expect(dataOf(quoted).viewer.level).toBe(5);
  });

  it('updates the edges of a workflow alone, checked against its stored nodes', async () => {
    const workflow = await create('Workflow', {
      name: 'edges',
      nodes: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
      edges: [
        { source: 'a', target: 'b' },
        { source: 'b', target: 'c' },
      ],
    });
    const updated = dataOf(
      await gw.gql(
        UPDATE,
        { type: 'Workflow', id: workflow.id, data: { edges: [{ source: 'a', target: 'c' }] } },
        as(),
      ),
    ).updateEntity;
    expect(updated.edges).toEqual([{ source: 'a', target: 'c' }]);
    await refused(
      UPDATE,
      {
        type: 'Workflow',
        id: workflow.id,
        data: {
          edges: [
            { source: 'c', target: 'a' },
            { source: 'a', target: 'c' },
          ],
        },
      },
      'BAD_REQUEST',
      /cycle/,
    );
    await refused(
      UPDATE,
      { type: 'Workflow', id: workflow.id, data: { nodes: [{ id: 'a' }] } },
      'BAD_REQUEST',
      /names node 'c', which is not among the nodes/,
    );
  });

  it('refuses component trees that point at themselves, loop, or cross pages and tenants', async () => {
    const page = await create('PageConfig', {
      tenantId: 'acme',
      path: '/loop',
      title: 'l',
      componentTree: {},
      level: 0,
      requiresAuth: false,
    });
    const other = await create('PageConfig', {
      tenantId: 'globex',
      path: '/loop',
      title: 'l',
      componentTree: {},
      level: 0,
      requiresAuth: false,
    });
    const a = await create('ComponentNode', { pageId: page.id, type: 'A', childIds: [] });
    const b = await create('ComponentNode', {
      pageId: page.id,
      parentId: a.id,
      type: 'B',
      childIds: [],
    });
    await refused(
      UPDATE,
      { type: 'ComponentNode', id: a.id, data: { parentId: a.id } },
      'BAD_REQUEST',
      /cannot point at the record itself/,
    );
    await refused(
      UPDATE,
      { type: 'ComponentNode', id: a.id, data: { parentId: b.id } },
      'BAD_REQUEST',
      /its own ancestor/,
    );
    await refused(
      CREATE,
      {
        type: 'ComponentNode',
        data: { pageId: other.id, parentId: a.id, type: 'X', childIds: [] },
      },
      'BAD_REQUEST',
      /whose pageId is/,
    );

    const [globexUser] = (await gw.sql('SELECT "id" FROM "User" WHERE "username" = ?', [
      'globex-user',
    ])) as Array<{ id: string }>;
    await refused(
      CREATE,
      {
        type: 'Workflow',
        data: { tenantId: 'acme', name: 'w', nodes: [], edges: [], createdBy: globexUser.id },
      },
      'BAD_REQUEST',
      /of tenant 'globex', but this Workflow belongs to tenant 'acme'/,
    );
    const [admin] = (await gw.sql('SELECT "id" FROM "User" WHERE "username" = ?', [
      'admin',
    ])) as Array<{ id: string }>;
    expect(
      (
        await create('Workflow', {
          tenantId: 'acme',
          name: 'by the instance admin',
          nodes: [],
          edges: [],
          createdBy: admin.id,
        })
      ).createdBy,
    ).toBe(admin.id);
  });

  it('treats usernames and e-mail addresses that differ only in case as the same', async () => {
    await refused(
      CREATE,
      { type: 'User', data: { username: 'ADMIN', email: 'case1@example.com' } },
      'CONFLICT',
      /User with username 'ADMIN' already exists/,
    );
    await refused(
      CREATE,
      { type: 'User', data: { username: 'case-two', email: 'ADMIN@metabuilder.local' } },
      'CONFLICT',
      /email 'ADMIN@metabuilder.local' already exists/,
    );
  });

  it('refuses empty and blank keys, bad versions and addresses, and names secret inputs', async () => {
    await refused(
      CREATE,
      { type: 'User', data: { id: '', username: 'blank-id', email: 'b@example.com' } },
      'BAD_REQUEST',
      /'id' must be a key that is not empty/,
    );
    await refused(
      CREATE,
      { type: 'User', data: { id: '   ', username: 'blank-id', email: 'b@example.com' } },
      'BAD_REQUEST',
      /'id' must be a key/,
    );
    await refused(
      CREATE,
      { type: 'InstalledPackage', data: { packageId: '', version: '1.0.0' } },
      'BAD_REQUEST',
      /'packageId' must be a key/,
    );
    await refused(
      CREATE,
      { type: 'InstalledPackage', data: { packageId: 'semver', version: '01.2.3' } },
      'BAD_REQUEST',
      /semantic version/,
    );
    await refused(
      CREATE,
      { type: 'User', data: { username: 'dotty', email: 'a@b.co.' } },
      'BAD_REQUEST',
      /e-mail address/,
    );
    await refused(
      CREATE,
      { type: 'Credential', data: { username: 'acme-user' } },
      'BAD_REQUEST',
      /'password' is required/,
    );
    const page = {
      path: '/instance-wide',
      title: 'x',
      componentTree: {},
      level: 0,
      requiresAuth: false,
    };
    await create('PageConfig', page);
    await refused(
      CREATE,
      { type: 'PageConfig', data: page },
      'CONFLICT',
      /tenantId null and path '\/instance-wide' already exists/,
    );
  });

  it('refuses a timestamp given as a string', async () => {
    await refused(
      'query($t: Timestamp) { users(filter: { createdAt: { gt: $t } }) { pagination { total } } }',
      { t: '1' },
      'BAD_REQUEST',
      /Timestamp must be an integer/,
    );
  });

  it('keeps a tenant supergod from making instance owners', async () => {
    const acme = { token: await gw.login('acme-supergod', DEMO_PASSWORD) };
    await refused(
      CREATE,
      {
        type: 'User',
        data: { username: 'acme-owner', email: 'o@acme.example', isInstanceOwner: true },
      },
      'FORBIDDEN',
      /Only an instance-wide supergod can set 'isInstanceOwner'/,
      acme,
    );
    expect(
      dataOf(
        await gw.gql(
          CREATE,
          {
            type: 'User',
            data: { username: 'acme-plain', email: 'p@acme.example', isInstanceOwner: false },
          },
          acme,
        ),
      ).createEntity.isInstanceOwner,
    ).toBe(false);
  });
});
