import { dataOf, DIALECTS, errorCode, startTestGateway, type TestGateway } from './harness';

const LIST = `query($type: EntityType!, $page: Int, $limit: Int, $sortBy: String, $order: SortOrder,
  $filter: JSON, $search: String) {
  entities(entityType: $type, page: $page, limit: $limit, sortBy: $sortBy, order: $order,
    filter: $filter, search: $search) {
    entityType records pagination { page limit total totalPages hasMore }
    schema { name primaryKey fields { name } }
  }
}`;
const CREATE =
  'mutation($type: EntityType!, $data: JSON!) { createEntity(entityType: $type, data: $data) }';
const UPDATE =
  'mutation($type: EntityType!, $id: ID!, $data: JSON!) { updateEntity(entityType: $type, id: $id, data: $data) }';
const DELETE = `mutation($type: EntityType!, $id: ID!) {
  deleteEntity(entityType: $type, id: $id) { success message entityType id cascaded { entityType count } }
}`;
const READ = 'query($type: EntityType!, $id: ID!) { entity(entityType: $type, id: $id) }';

describe.each(DIALECTS)('the generic entity browser on %s', (dialect) => {
  let gw: TestGateway;
  const as = () => ({ token: gw.adminToken });
  const list = async (variables: Record<string, unknown>) =>
    dataOf(await gw.gql(LIST, variables, as())).entities;

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.close());

  it('describes every entity type in foreign-key order, without secrets', async () => {
    const { entityTypes } = dataOf(
      await gw.gql(
        '{ entityTypes { name primaryKey sensitive readOnly fields { name type nullable unique required maxLength enumValues references { entityType field onDelete } } } }',
        {},
        as(),
      ),
    );
    const names = entityTypes.map((t: { name: string }) => t.name);
    expect(names).toHaveLength(10);
    for (const [parent, child] of [
      ['User', 'Session'],
      ['User', 'Credential'],
      ['User', 'Workflow'],
      ['PageConfig', 'ComponentNode'],
      ['ComponentNode', 'ComponentConfig'],
      ['InstalledPackage', 'PackageData'],
    ]) {
      expect(names.indexOf(parent)).toBeLessThan(names.indexOf(child));
    }
    const byName = Object.fromEntries(entityTypes.map((t: { name: string }) => [t.name, t]));
    expect(byName.InstalledPackage.primaryKey).toBe('packageId');
    expect(byName.Session.sensitive).toBe(true);
    expect(byName.AuditLog.readOnly).toBe(true);
    const fieldNames = (type: string) => byName[type].fields.map((f: { name: string }) => f.name);
    expect(fieldNames('Session')).not.toContain('token');
    expect(fieldNames('Credential')).not.toContain('passwordHash');
    const username = byName.User.fields.find((f: { name: string }) => f.name === 'username');
    expect(username).toMatchObject({ type: 'string', unique: true, required: true, maxLength: 50 });
    const role = byName.User.fields.find((f: { name: string }) => f.name === 'role');
    expect(role.enumValues).toEqual(['public', 'user', 'moderator', 'admin', 'god', 'supergod']);
    const userId = byName.Session.fields.find((f: { name: string }) => f.name === 'userId');
    expect(userId.references).toEqual({ entityType: 'User', field: 'id', onDelete: 'CASCADE' });
  });

  it('pages through a sorted, filtered list without overlap and past the end', async () => {
    const filter = { role: { in: ['user', 'admin', 'god'] } };
    const seen: string[] = [];
    for (let page = 0; page < 3; page++) {
      const result = await list({
        type: 'User',
        page,
        limit: 4,
        sortBy: 'role',
        order: 'DESC',
        filter,
      });
      expect(result.pagination).toMatchObject({ page, limit: 4, total: 9, totalPages: 3 });
      expect(result.pagination.hasMore).toBe(page < 2);
      seen.push(...result.records.map((r: { id: string }) => r.id));
    }
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);

    const past = await list({ type: 'User', page: 7, limit: 4, filter });
    expect(past.records).toEqual([]);
    expect(past.pagination).toMatchObject({ total: 9, hasMore: false });
  });

  it('sorts by a field with the primary key breaking ties', async () => {
    const result = await list({ type: 'User', limit: 100, sortBy: 'role' });
    const keys = result.records.map((r: { role: string; id: string }) => [r.role, r.id]);
    const sorted = [...keys].sort((a, b) =>
      a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1,
    );
    expect(keys).toEqual(sorted);
  });

  it('filters with operators and and/or/not', async () => {
    const usernames = async (filter: unknown) =>
      (await list({ type: 'User', limit: 100, filter, sortBy: 'username' })).records.map(
        (r: { username: string }) => r.username,
      );

    expect(await usernames({ username: { startsWith: 'ACME-S' } })).toEqual(['acme-supergod']);
    expect(await usernames({ username: { endsWith: '-GOD' }, tenantId: null })).toEqual([
      'global-god',
    ]);
    expect(await usernames({ tenantId: { isNull: true }, role: { ne: 'user' } })).toHaveLength(6);
    expect(
      await usernames({ or: [{ username: 'acme-god' }, { username: { contains: 'globex-sup' } }] }),
    ).toEqual(['acme-god', 'globex-supergod']);
    expect(
      await usernames({
        tenantId: 'acme',
        not: [{ role: { in: ['public', 'user', 'moderator'] } }],
      }),
    ).toEqual(['acme-admin', 'acme-god', 'acme-supergod']);
    expect(
      await usernames({ and: [{ tenantId: 'globex' }, { role: { notIn: ['god'] } }] }),
    ).toHaveLength(5);
    expect(await usernames({ role: { in: [] } })).toEqual([]);
    const recent = await usernames({ createdAt: { gte: Date.now() - 3600_000 }, tenantId: 'acme' });
    expect(recent).toEqual(['acme-public']);
  });

  it('searches text fields case-insensitively with % and _ matching themselves', async () => {
    await gw.gql(
      CREATE,
      { type: 'User', data: { username: 'per_cent', email: 'x100%@off.example' } },
      as(),
    );
    await gw.gql(
      CREATE,
      { type: 'User', data: { username: 'percent', email: 'plain@off.example' } },
      as(),
    );
    const search = async (text: string) =>
      (await list({ type: 'User', search: text, limit: 100 })).records.map(
        (r: { username: string }) => r.username,
      );
    expect(await search('PER_C')).toEqual(['per_cent']);
    expect(await search('100%@')).toEqual(['per_cent']);
    expect((await search('OFF.EXAMPLE')).sort()).toEqual(['per_cent', 'percent']);
    expect(await search('no such text anywhere')).toEqual([]);
  });

  it('creates, reads, updates and deletes a record of every writable type', async () => {
    const user = dataOf(
      await gw.gql(
        CREATE,
        { type: 'User', data: { username: 'crud-user', email: 'crud@example.com' } },
        as(),
      ),
    ).createEntity;
    expect(user).toMatchObject({
      role: 'user',
      isInstanceOwner: false,
      firstLogin: false,
      tenantId: null,
    });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);

    const page = dataOf(
      await gw.gql(
        CREATE,
        {
          type: 'PageConfig',
          data: {
            path: '/crud',
            title: 'Crud',
            componentTree: { a: [1] },
            level: 2,
            requiresAuth: true,
          },
        },
        as(),
      ),
    ).createEntity;
    const node = dataOf(
      await gw.gql(
        CREATE,
        { type: 'ComponentNode', data: { pageId: page.id, type: 'Box', childIds: [] } },
        as(),
      ),
    ).createEntity;
    const config = dataOf(
      await gw.gql(CREATE, { type: 'ComponentConfig', data: { componentId: node.id } }, as()),
    ).createEntity;
    expect(config).toMatchObject({ props: {}, styles: {}, events: {}, conditionalRendering: null });
    const pkg = dataOf(
      await gw.gql(
        CREATE,
        { type: 'InstalledPackage', data: { packageId: 'crud-pkg', version: '0.1.0' } },
        as(),
      ),
    ).createEntity;
    expect(pkg).toMatchObject({ enabled: true, config: {} });
    await gw.gql(
      CREATE,
      { type: 'PackageData', data: { packageId: 'crud-pkg', data: [1, 2] } },
      as(),
    );
    const workflow = dataOf(
      await gw.gql(
        CREATE,
        {
          type: 'Workflow',
          data: {
            name: 'w',
            nodes: [{ id: 'a' }, { id: 'b' }],
            edges: [{ source: 'a', target: 'b' }],
            createdBy: user.id,
          },
        },
        as(),
      ),
    ).createEntity;
    expect(workflow).toMatchObject({ enabled: true, version: 1, createdBy: user.id });
    const session = dataOf(
      await gw.gql(
        CREATE,
        {
          type: 'Session',
          data: { userId: user.id, token: 'raw-token', expiresAt: Date.now() + 60_000 },
        },
        as(),
      ),
    ).createEntity;
    expect(session).not.toHaveProperty('token');
    const credential = dataOf(
      await gw.gql(
        CREATE,
        { type: 'Credential', data: { username: 'crud-user', password: 'crud-password' } },
        as(),
      ),
    ).createEntity;
    expect(credential).not.toHaveProperty('passwordHash');
    expect(credential.firstLogin).toBe(true);
    // The session created by hand works as a bearer token; the credential logs in.
    expect(
      dataOf(await gw.gql('{ viewer { user { username } } }', {}, { token: 'raw-token' })).viewer
        .user.username,
    ).toBe('crud-user');
    expect(await gw.login('crud-user', 'crud-password')).toEqual(expect.any(String));

    expect(
      dataOf(await gw.gql(READ, { type: 'PackageData', id: 'crud-pkg' }, as())).entity,
    ).toEqual({
      packageId: 'crud-pkg',
      data: [1, 2],
    });
    expect(dataOf(await gw.gql(READ, { type: 'User', id: 'usr_999' }, as())).entity).toBeNull();

    const updated = dataOf(
      await gw.gql(
        UPDATE,
        { type: 'PageConfig', id: page.id, data: { title: 'Renamed', level: 5 } },
        as(),
      ),
    ).updateEntity;
    expect(updated).toMatchObject({ title: 'Renamed', level: 5, path: '/crud' });
    expect(updated.updatedAt).toBeGreaterThan(0);

    const removed = dataOf(
      await gw.gql(DELETE, { type: 'PageConfig', id: page.id }, as()),
    ).deleteEntity;
    expect(removed).toMatchObject({ success: true, entityType: 'PageConfig', id: page.id });
    expect(removed.cascaded).toEqual(
      expect.arrayContaining([
        { entityType: 'ComponentNode', count: 1 },
        { entityType: 'ComponentConfig', count: 1 },
      ]),
    );

    // The session made by hand and the one the login opened go with their user.
    const gone = dataOf(await gw.gql(DELETE, { type: 'User', id: user.id }, as())).deleteEntity;
    expect(gone.cascaded).toEqual(
      expect.arrayContaining([
        { entityType: 'Session', count: 2 },
        { entityType: 'Credential', count: 1 },
      ]),
    );
    // Workflow.createdBy is SET NULL, not a cascade.
    expect(
      dataOf(await gw.gql(READ, { type: 'Workflow', id: workflow.id }, as())).entity.createdBy,
    ).toBeNull();
    expect(dataOf(await gw.gql(READ, { type: 'Session', id: session.id }, as())).entity).toBeNull();
  });

  it('counts a whole cascade of nested component nodes', async () => {
    const page = dataOf(
      await gw.gql(
        CREATE,
        {
          type: 'PageConfig',
          data: { path: '/tree', title: 'Tree', componentTree: {}, level: 0, requiresAuth: false },
        },
        as(),
      ),
    ).createEntity;
    let parentId: string | null = null;
    for (let depth = 0; depth < 4; depth++) {
      const node: { id: string } = dataOf(
        await gw.gql(
          CREATE,
          { type: 'ComponentNode', data: { pageId: page.id, parentId, type: 'Box', childIds: [] } },
          as(),
        ),
      ).createEntity;
      parentId = node.id;
    }
    const [root] = (
      await list({ type: 'ComponentNode', filter: { pageId: page.id, parentId: null } })
    ).records;
    const removed = dataOf(
      await gw.gql(DELETE, { type: 'ComponentNode', id: root.id }, as()),
    ).deleteEntity;
    expect(removed.cascaded).toEqual([{ entityType: 'ComponentNode', count: 3 }]);
    expect(
      (await list({ type: 'ComponentNode', filter: { pageId: page.id } })).pagination.total,
    ).toBe(0);
  });

  describe('refuses bad input with a clear error and changes nothing', () => {
    const cases: Array<[string, string, Record<string, unknown>, string, RegExp]> = [
      [
        'sort field of SQL text',
        LIST,
        { type: 'User', sortBy: 'id; DROP TABLE "User"' },
        'BAD_REQUEST',
        /Unknown sort field of User .*Valid values: id, username/,
      ],
      [
        'sort field that is a secret',
        LIST,
        { type: 'Session', sortBy: 'token' },
        'BAD_REQUEST',
        /Unknown sort field of Session 'token'/,
      ],
      [
        'limit 0',
        LIST,
        { type: 'User', limit: 0 },
        'BAD_REQUEST',
        /limit must be between 1 and 100, got 0/,
      ],
      [
        'limit 101',
        LIST,
        { type: 'User', limit: 101 },
        'BAD_REQUEST',
        /limit must be between 1 and 100, got 101/,
      ],
      [
        'page -1',
        LIST,
        { type: 'User', page: -1 },
        'BAD_REQUEST',
        /page must be an integer of 0 or more, got -1/,
      ],
      [
        'unknown filter field',
        LIST,
        { type: 'User', filter: { nickname: 'x' } },
        'BAD_REQUEST',
        /Unknown filter field of User 'nickname'.*Valid values: id/,
      ],
      [
        'unknown filter operator',
        LIST,
        { type: 'User', filter: { username: { like: 'a%' } } },
        'BAD_REQUEST',
        /Unknown filter operator 'like' on 'username'. Valid operators: eq, ne/,
      ],
      [
        'operator on the wrong kind',
        LIST,
        { type: 'User', filter: { isInstanceOwner: { gt: true } } },
        'BAD_REQUEST',
        /'gt' does not apply to 'isInstanceOwner'/,
      ],
      [
        'filter value of the wrong type',
        LIST,
        { type: 'User', filter: { createdAt: { gt: 'yesterday' } } },
        'BAD_REQUEST',
        /needs an integer, got 'yesterday'/,
      ],
      [
        'filter that is not an object',
        LIST,
        { type: 'User', filter: [1] },
        'BAD_REQUEST',
        /A filter must be an object/,
      ],
      [
        'duplicate unique value',
        CREATE,
        { type: 'User', data: { username: 'acme-user', email: 'new@example.com' } },
        'CONFLICT',
        /User with username 'acme-user' already exists/,
      ],
      [
        'duplicate primary key',
        CREATE,
        { type: 'InstalledPackage', data: { packageId: 'acme-forum', version: '1.0.0' } },
        'CONFLICT',
        /InstalledPackage with packageId 'acme-forum' already exists/,
      ],
      [
        'duplicate path in a tenant',
        CREATE,
        {
          type: 'PageConfig',
          data: {
            tenantId: 'acme',
            path: '/',
            title: 'x',
            componentTree: {},
            level: 0,
            requiresAuth: false,
          },
        },
        'CONFLICT',
        /PageConfig with tenantId 'acme' and path '\/' already exists/,
      ],
      [
        'update of a missing row',
        UPDATE,
        { type: 'User', id: 'usr_999', data: { bio: 'x' } },
        'NOT_FOUND',
        /^User with id 'usr_999' not found$/,
      ],
      [
        'delete of a missing row',
        DELETE,
        { type: 'User', id: 'usr_999' },
        'NOT_FOUND',
        /^User with id 'usr_999' not found$/,
      ],
      ['empty update', UPDATE, { type: 'User', id: 'x', data: {} }, 'BAD_REQUEST', /data is empty/],
      [
        'write to the audit log',
        CREATE,
        { type: 'AuditLog', data: { action: 'forged' } },
        'BAD_REQUEST',
        /AuditLog is read-only/,
      ],
      [
        'delete from the audit log',
        DELETE,
        { type: 'AuditLog', id: 'x' },
        'BAD_REQUEST',
        /AuditLog is read-only/,
      ],
      [
        'string too long',
        CREATE,
        { type: 'User', data: { username: 'a'.repeat(51), email: 'long@example.com' } },
        'BAD_REQUEST',
        /'username' must have at most 50 characters, got 51/,
      ],
      [
        'bad e-mail',
        CREATE,
        { type: 'User', data: { username: 'mailless', email: 'not-an-email' } },
        'BAD_REQUEST',
        /'email' must be an e-mail address, got 'not-an-email'/,
      ],
      [
        'bad role',
        CREATE,
        { type: 'User', data: { username: 'roleless', email: 'r@example.com', role: 'boss' } },
        'BAD_REQUEST',
        /'role' must be one of public, user, moderator, admin, god, supergod, got 'boss'/,
      ],
      [
        'missing required field',
        CREATE,
        { type: 'User', data: { username: 'noemail' } },
        'BAD_REQUEST',
        /'email' is required/,
      ],
      [
        'unknown field',
        CREATE,
        { type: 'User', data: { username: 'x-x-x', email: 'x@x.io', nickname: 'x' } },
        'BAD_REQUEST',
        /Unknown field of User 'nickname'/,
      ],
      [
        'the secret under its stored name',
        CREATE,
        { type: 'Session', data: { userId: 'x', token: undefined, expiresAt: 1 } },
        'BAD_REQUEST',
        /'token' is required/,
      ],
      [
        'a foreign key to nothing',
        CREATE,
        { type: 'Session', data: { userId: 'nobody', token: 't', expiresAt: 1 } },
        'BAD_REQUEST',
        /'userId' refers to User 'nobody', which does not exist/,
      ],
      [
        'a cyclic workflow',
        CREATE,
        {
          type: 'Workflow',
          data: {
            name: 'c',
            nodes: [{ id: 'a' }, { id: 'b' }],
            edges: [
              { source: 'a', target: 'b' },
              { source: 'b', target: 'a' },
            ],
          },
        },
        'BAD_REQUEST',
        /edges form a cycle/,
      ],
      [
        'an edge to a missing node',
        CREATE,
        {
          type: 'Workflow',
          data: { name: 'c', nodes: [{ id: 'a' }], edges: [{ source: 'a', target: 'z' }] },
        },
        'BAD_REQUEST',
        /names node 'z', which is not among the nodes/,
      ],
      [
        'a bad version',
        CREATE,
        { type: 'InstalledPackage', data: { packageId: 'v', version: 'latest' } },
        'BAD_REQUEST',
        /'version' must be a semantic version x.y.z, got 'latest'/,
      ],
      [
        'a page level out of range',
        CREATE,
        {
          type: 'PageConfig',
          data: { path: '/l', title: 'l', componentTree: {}, level: 6, requiresAuth: true },
        },
        'BAD_REQUEST',
        /'level' must be between 0 and 5, got 6/,
      ],
      [
        'a path without a slash',
        CREATE,
        {
          type: 'PageConfig',
          data: { path: 'l', title: 'l', componentTree: {}, level: 1, requiresAuth: true },
        },
        'BAD_REQUEST',
        /'path' must be a path starting with \//,
      ],
      [
        'a boolean as a number',
        CREATE,
        { type: 'User', data: { username: 'b-b', email: 'b@b.io', firstLogin: 1 } },
        'BAD_REQUEST',
        /'firstLogin' must be true or false, got 1/,
      ],
      [
        'a timestamp as a string',
        CREATE,
        { type: 'User', data: { username: 'c-c', email: 'c@c.io', createdAt: '2024-01-01' } },
        'BAD_REQUEST',
        /'createdAt' must be a timestamp/,
      ],
      [
        'a short password',
        CREATE,
        { type: 'Credential', data: { username: 'acme-user', password: 'short' } },
        'BAD_REQUEST',
        /'password' must be a string of 8/,
      ],
      [
        'a change of primary key',
        UPDATE,
        { type: 'InstalledPackage', id: 'acme-forum', data: { packageId: 'other' } },
        'BAD_REQUEST',
        /'packageId' is the primary key of InstalledPackage and cannot change/,
      ],
    ];

    it.each(cases)('%s', async (_name, operation, variables, code, message) => {
      const before = await gw.snapshot();
      const response = await gw.gql(operation, variables, as());
      expect(errorCode(response)).toBe(code);
      expect(response.errors?.[0].message).toMatch(message);
      expect(response.status).toBe({ BAD_REQUEST: 400, NOT_FOUND: 404, CONFLICT: 409 }[code]);
      expect(await gw.snapshot()).toEqual(before);
    });

    it('refuses an unknown entity type and a bad sort order at the GraphQL layer', async () => {
      const type = await gw.gql(LIST, { type: 'UserProfile' }, as());
      expect(type.status).toBe(400);
      expect(type.errors?.[0].message).toMatch(/UserProfile/);
      const order = await gw.gql(LIST, { type: 'User', order: 'SIDEWAYS' }, as());
      expect(order.status).toBe(400);
      expect(order.errors?.[0].message).toMatch(/SIDEWAYS/);
    });
  });
});
