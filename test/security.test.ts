import { DEMO_PASSWORD } from '../src/db/seed';
import {
  ADMIN_PASSWORD,
  DIALECTS,
  dataOf,
  errorCode,
  type GraphQLResponse,
  startTestGateway,
  type TestGateway,
} from './harness';
import { type FieldProbe, probeRootFields } from './schema-probe';

/** The root fields open to every level; every other root field is for level 5 only. */
const PUBLIC_FIELDS = ['viewer', 'login', 'logout'];

const CREDENTIAL_OF_USER =
  'SELECT c."passwordHash" FROM "Credential" c ' +
  'JOIN "User" u ON u."username" = c."username" WHERE u."id" = ?';

const SQL_TEXT = [
  `' OR '1'='1`,
  `'; DROP TABLE "User"; --`,
  `x" OR ""="`,
  `\\'; DELETE FROM "Credential" WHERE '1'='1'; --`,
  `%' UNION SELECT "passwordHash" FROM "Credential" --`,
];

function withValueAt(variables: Record<string, unknown>, path: string[], value: unknown) {
  const copy = structuredClone(variables);
  let target: any = copy;
  for (const key of path.slice(0, -1)) {
    target = target[key];
  }
  target[path[path.length - 1]] = value;

  return copy;
}

describe.each(DIALECTS)('security on %s', (dialect) => {
  let gw: TestGateway;
  let probes: FieldProbe[];
  let godToken: string;
  let expiredToken: string;
  let acmeToken: string;
  /** The text of every response except logins, which alone may carry a token. */
  const seen: string[] = [];

  const record = (response: GraphQLResponse) => {
    seen.push(JSON.stringify({ data: response.data, errors: response.errors }));

    return response;
  };
  const gql = async (query: string, variables: Record<string, unknown>, token?: string | null) =>
    record(await gw.gql(query, variables, { token }));

  /** Sends a probe as JSON, or as a multipart request when it takes files. */
  const send = async (
    probe: FieldProbe,
    token: string | null,
    variables = probe.variables,
  ): Promise<GraphQLResponse> => {
    if (probe.uploadPaths.length === 0) {
      return gql(probe.query, variables, token);
    }
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: probe.query, variables }));
    const map = probe.uploadPaths.map((path, i) => [String(i), [`variables.${path.join('.')}`]]);
    form.set('map', JSON.stringify(Object.fromEntries(map)));
    probe.uploadPaths.forEach((_, i) => form.set(String(i), new Blob(['{}']), 'probe.json'));
    const response = await fetch(gw.url, {
      method: 'POST',
      body: form,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        'x-graphql-yoga-csrf': 'probe',
        'apollo-require-preflight': 'true',
      },
    });
    const body = (await response.json()) as Record<string, any>;

    return record({ status: response.status, headers: response.headers, ...body });
  };

  const tableCounts = async () => {
    const counts: Record<string, number> = {};
    for (const entity of gw.services.registry.entities) {
      const [row] = await gw.sql<{ n: number }>(`SELECT COUNT(*) AS n FROM "${entity.name}"`);
      counts[entity.name] = Number(row.n);
    }

    return counts;
  };

  beforeAll(async () => {
    gw = await startTestGateway(dialect);
    probes = probeRootFields(gw.schema);
    godToken = await gw.login('global-god', DEMO_PASSWORD);
    acmeToken = await gw.login('acme-supergod', DEMO_PASSWORD);
    expiredToken = await gw.login('global-supergod', DEMO_PASSWORD);
    const viewer = await gw.services.sessions.resolve(expiredToken);
    await gw.sql('UPDATE "Session" SET "expiresAt" = ? WHERE "id" = ?', [
      Date.now() - 1000,
      viewer!.sessionId,
    ]);
  });
  afterAll(() => gw?.close());

  const adminProbes = () => probes.filter((p) => !PUBLIC_FIELDS.includes(p.name));

  it('probes every root field of the schema', () => {
    const names = probes.map((p) => p.name);
    const fieldCount =
      Object.keys(gw.schema.getQueryType()!.getFields()).length +
      Object.keys(gw.schema.getMutationType()!.getFields()).length;
    expect(names).toHaveLength(fieldCount);
    expect(names).toEqual(expect.arrayContaining([...PUBLIC_FIELDS, 'users', 'createUser']));
    expect(adminProbes().length).toBeGreaterThan(40);
  });

  it('refuses every admin field without a session, with an expired one, at level 4', async () => {
    const before = await tableCounts();
    const wrong: string[] = [];
    for (const probe of adminProbes()) {
      for (const [who, token, code, status] of [
        ['no session', null, 'UNAUTHENTICATED', 401],
        ['an expired session', expiredToken, 'UNAUTHENTICATED', 401],
        ['level 4', godToken, 'FORBIDDEN', 403],
      ] as const) {
        const response = await send(probe, token);
        const message = response.errors?.[0]?.message;
        const expected =
          code === 'FORBIDDEN'
            ? 'Insufficient permissions. Required level: 5, your level: 4'
            : 'Authentication required';
        if (
          response.status !== status ||
          errorCode(response) !== code ||
          message !== expected ||
          (response.data?.[probe.name] ?? null) !== null
        ) {
          wrong.push(
            `${probe.name} with ${who}: ${response.status} ${JSON.stringify(response.errors)}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(await tableCounts()).toEqual(before);
  });

  it('lets a level-5 session past the same checks on every admin field', async () => {
    const refused: string[] = [];
    for (const probe of adminProbes()) {
      const response = await send(probe, gw.adminToken);
      const codes = (response.errors ?? []).map((e) => e.extensions?.code);
      if (
        codes.includes('UNAUTHENTICATED') ||
        codes.includes('FORBIDDEN') ||
        response.status >= 500
      ) {
        refused.push(`${probe.name}: ${response.status} ${JSON.stringify(response.errors)}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('keeps the public fields open to anonymous callers', async () => {
    expect(dataOf(await gql('{ viewer { level } }', {})).viewer).toBeNull();
    expect(dataOf(await gql('mutation { logout }', {})).logout).toBe(false);
    const wrong = await gql(
      'mutation { login(username: "admin", password: "not-it-at-all") { token } }',
      {},
    );
    expect(errorCode(wrong)).toBe('UNAUTHENTICATED');
  });

  describe("a tenant's supergod and another tenant's rows", () => {
    /** Up to `n` records of the type that belong to the tenant, found as the gateway confines. */
    const rowsOf = async (type: string, tenantId: string, n = 3) => {
      const page = await gw.services.entities.list({ userId: null, tenantId }, type, {
        limit: 100,
      });
      const key = gw.services.registry.get(type).primaryKey;
      const own = await gw.services.entities.list({ userId: null, tenantId: 'acme' }, type, {
        limit: 100,
      });
      const acmeKeys = new Set(own.records.map((r) => r[key]));

      return page.records
        .filter((r) => !acmeKeys.has(r[key]))
        .slice(0, n)
        .map((r) => String(r[key]));
    };
    const confinedTypes = () =>
      gw.services.registry.entities.filter((e) => e.tenantField || e.tenantPath);

    it('cannot reach them by id, through the browser or the typed fields', async () => {
      const reached: string[] = [];
      let checked = 0;
      for (const entity of confinedTypes()) {
        const byId = `${entity.name[0].toLowerCase()}${entity.name.slice(1)}ById`;
        for (const id of await rowsOf(entity.name, 'globex')) {
          checked++;
          const generic = await gql(
            'query($t: EntityType!, $id: ID!) { entity(entityType: $t, id: $id) }',
            { t: entity.name, id },
            acmeToken,
          );
          const typed = await gql(
            `query($id: ID!) { ${byId}(id: $id) { __typename } }`,
            { id },
            acmeToken,
          );
          if (dataOf(generic).entity !== null || dataOf(typed)[byId] !== null) {
            reached.push(`${entity.name} ${id}`);
          }
          // The allowed twin: the unconfined admin reaches the same row.
          const admin = await gql(
            'query($t: EntityType!, $id: ID!) { entity(entityType: $t, id: $id) }',
            { t: entity.name, id },
            gw.adminToken,
          );
          expect(dataOf(admin).entity).not.toBeNull();
        }
      }
      expect(checked).toBeGreaterThan(10);
      expect(reached).toEqual([]);
    });

    it('cannot reach them by filter or search', async () => {
      const count = (query: string, token: string) =>
        gql(query, {}, token).then((r) => {
          const data = dataOf(r);
          return Object.values(data)[0].pagination.total as number;
        });
      const queries = [
        '{ users(filter: { tenantId: { eq: "globex" } }) { pagination { total } } }',
        '{ users(filter: { or: [{ tenantId: { eq: "globex" } }, ' +
          '{ username: { startsWith: "globex" } }] }) { pagination { total } } }',
        '{ users(search: "globex") { pagination { total } } }',
        '{ pageConfigs(search: "globex") { pagination { total } } }',
        '{ entities(entityType: User, filter: { tenantId: "globex" }) { pagination { total } } }',
        '{ entities(entityType: ComponentNode, search: "globex") { pagination { total } } }',
        '{ entities(entityType: InstalledPackage, ' +
          'filter: { packageId: { startsWith: "globex" } }) { pagination { total } } }',
        '{ packageData(filter: { packageId: { eq: "globex-forum" } }) { pagination { total } } }',
      ];
      for (const query of queries) {
        expect(await count(query, acmeToken)).toBe(0);
      }
      // The allowed twins: the admin finds globex rows, acme finds its own.
      expect(await count(queries[0], gw.adminToken)).toBeGreaterThan(0);
      expect(await count(queries[2], gw.adminToken)).toBeGreaterThan(0);
      expect(
        await count('{ users(search: "acme") { pagination { total } } }', acmeToken),
      ).toBeGreaterThan(0);
    });

    it('cannot reach them through typed relations', async () => {
      const [globexUser] = await rowsOf('User', 'globex', 1);
      const made = await gql(
        'mutation($d: WorkflowCreateInput!) { createWorkflow(data: $d) { id } }',
        { d: { name: 'Cross-tenant', tenantId: 'acme', nodes: [], edges: [] } },
        gw.adminToken,
      );
      const workflowId = dataOf(made).createWorkflow.id;
      // The API refuses a reference into another tenant; a row written before that rule is
      // still read within the tenant only.
      await gw.sql('UPDATE "Workflow" SET "createdBy" = ? WHERE "id" = ?', [
        globexUser,
        workflowId,
      ]);
      const read = (token: string) =>
        gql(
          'query($id: ID!) { workflowById(id: $id) { creator { id username } } }',
          { id: workflowId },
          token,
        ).then((r) => dataOf(r).workflowById);
      expect((await read(acmeToken)).creator).toBeNull();
      expect((await read(gw.adminToken)).creator.id).toBe(globexUser);

      const sessions = dataOf(
        await gql('{ sessions(limit: 100) { records { user { tenantId } } } }', {}, acmeToken),
      ).sessions.records;
      expect(sessions.length).toBeGreaterThan(0);
      expect(sessions.every((s: any) => s.user.tenantId === 'acme')).toBe(true);
    });

    it('cannot write them, nor move its own rows into another tenant', async () => {
      const [globexUser] = await rowsOf('User', 'globex', 1);
      const [globexPage] = await rowsOf('PageConfig', 'globex', 1);
      const acmeUsers = await gw.services.entities.list(
        { userId: null, tenantId: 'acme' },
        'User',
        {},
      );
      const acmeUser = String(acmeUsers.records[0].id);
      const before = await tableCounts();
      const [{ bio: bioBefore }] = await gw.sql('SELECT "bio" FROM "User" WHERE "id" = ?', [
        globexUser,
      ]);
      const [credentialBefore] = await gw.sql(CREDENTIAL_OF_USER, [globexUser]);

      const refusals: Array<[string, Record<string, unknown>, string]> = [
        [
          'mutation($id: ID!) { updateUser(id: $id, data: { bio: "acme was here" }) { id } }',
          { id: globexUser },
          'NOT_FOUND',
        ],
        ['mutation($id: ID!) { deleteUser(id: $id) { success } }', { id: globexUser }, 'NOT_FOUND'],
        [
          'mutation($id: ID!) { updateEntity(entityType: User, id: $id, data: { bio: "x" }) }',
          { id: globexUser },
          'NOT_FOUND',
        ],
        [
          'mutation($id: ID!) { deleteEntity(entityType: User, id: $id) { success } }',
          { id: globexUser },
          'NOT_FOUND',
        ],
        [
          'mutation($id: ID!) { setUserPassword(userId: $id, password: "taken-over-1") }',
          { id: globexUser },
          'NOT_FOUND',
        ],
        [
          'mutation { createUser(data: ' +
            '{ username: "mole", email: "mole@example.test", tenantId: "globex" }) { id } }',
          {},
          'FORBIDDEN',
        ],
        [
          'mutation($id: ID!) { updateUser(id: $id, data: { tenantId: "globex" }) { id } }',
          { id: acmeUser },
          'FORBIDDEN',
        ],
        [
          'mutation($p: ID!) { createComponentNode(' +
            'data: { pageId: $p, type: "Spy", childIds: [], order: 0 }) { id } }',
          { p: globexPage },
          'BAD_REQUEST',
        ],
      ];
      for (const [query, variables, code] of refusals) {
        const response = await gql(query, variables, acmeToken);
        expect([query, errorCode(response)]).toEqual([query, code]);
      }
      expect(await tableCounts()).toEqual(before);
      expect((await gw.sql('SELECT "bio" FROM "User" WHERE "id" = ?', [globexUser]))[0].bio).toBe(
        bioBefore,
      );
      const [credentialAfter] = await gw.sql(CREDENTIAL_OF_USER, [globexUser]);
      expect(credentialAfter).toEqual(credentialBefore);

      // The allowed twin: its own tenant's rows it may change.
      const own = await gql(
        'mutation($id: ID!) { updateUser(id: $id, data: { bio: "acme bio" }) { bio tenantId } }',
        { id: acmeUser },
        acmeToken,
      );
      expect(dataOf(own).updateUser).toEqual({ bio: 'acme bio', tenantId: 'acme' });
    });
  });

  it('treats SQL text in every string argument as plain data', async () => {
    const before = await tableCounts();
    const failures: string[] = [];
    let sent = 0;
    for (const probe of probes.filter((p) => p.stringPaths.length > 0)) {
      for (const text of SQL_TEXT) {
        let variables = probe.variables;
        for (const path of probe.stringPaths) {
          variables = withValueAt(variables, path, text);
        }
        const response = await send(probe, gw.adminToken, variables);
        sent++;
        if (response.status >= 500 || errorCode(response) === 'INTERNAL_SERVER_ERROR') {
          failures.push(`${probe.name} with ${text}: ${JSON.stringify(response.errors)}`);
        }
      }
    }
    expect(sent).toBeGreaterThan(100);
    expect(failures).toEqual([]);

    // Every table is still there with every row it had (creates may have added rows).
    const after = await tableCounts();
    for (const [name, count] of Object.entries(before)) {
      expect([name, after[name] >= count]).toEqual([name, true]);
    }
    for (const text of SQL_TEXT) {
      const search = await gql(
        'query($s: String) { users(search: $s) { pagination { total } } }',
        { s: text },
        gw.adminToken,
      );
      expect(dataOf(search).users.pagination.total).toBe(0);
      const filter = await gql(
        'query($f: JSON) { entities(entityType: Credential, filter: $f) { pagination { total } } }',
        { f: { username: text } },
        gw.adminToken,
      );
      expect(dataOf(filter).entities.pagination.total).toBe(0);
    }
    expect(await gw.login('admin')).toBeTruthy();
  });

  it('returns no secret in any response or error', async () => {
    // Reads of the secret tables, and errors about records that hold secrets.
    for (const type of ['Session', 'Credential']) {
      const page = dataOf(
        await gql(
          'query($t: EntityType!) { entities(entityType: $t, limit: 100) { records } }',
          { t: type },
          gw.adminToken,
        ),
      );
      expect(page.entities.records.length).toBeGreaterThan(0);
      for (const record of page.entities.records) {
        expect(Object.keys(record)).not.toContain(type === 'Session' ? 'token' : 'passwordHash');
      }
    }
    const rawToken = 'raw-session-token-never-echoed';
    const rawPassword = 'raw-password-never-echoed';
    const badSession = await gql(
      'mutation($d: SessionCreateInput!) { createSession(data: $d) { id } }',
      { d: { userId: 'no-such-user', token: rawToken, expiresAt: Date.now() + 1000 } },
      gw.adminToken,
    );
    expect(errorCode(badSession)).toBe('BAD_REQUEST');
    const duplicate = await gql(
      'mutation($d: JSON!) { createEntity(entityType: Credential, data: $d) }',
      { d: { username: 'admin', password: rawPassword } },
      gw.adminToken,
    );
    expect(errorCode(duplicate)).toBe('CONFLICT');
    const shortPassword = await gql(
      'mutation($d: JSON!) { createEntity(entityType: Credential, data: $d) }',
      { d: { username: 'someone', password: 'short' } },
      gw.adminToken,
    );
    expect(errorCode(shortPassword)).toBe('BAD_REQUEST');

    // No type of the schema but LoginResult has a field for a stored secret.
    for (const type of Object.values(gw.schema.getTypeMap())) {
      if ('getFields' in type && type.name !== 'LoginResult' && !type.name.endsWith('Input')) {
        const fields = Object.keys((type as { getFields(): object }).getFields());
        expect([type.name, fields.filter((f) => ['token', 'passwordHash'].includes(f))]).toEqual([
          type.name,
          [],
        ]);
      }
    }

    const stored = await gw.sql<{ value: string }>(
      'SELECT "token" AS value FROM "Session" UNION ALL SELECT "passwordHash" FROM "Credential"',
    );
    const all = seen.join('\n');
    expect(seen.length).toBeGreaterThan(300);
    for (const secret of [
      ADMIN_PASSWORD,
      DEMO_PASSWORD,
      rawToken,
      rawPassword,
      gw.adminToken,
      godToken,
      acmeToken,
      expiredToken,
      ...stored.map((s) => s.value),
    ]) {
      expect(all).not.toContain(secret);
    }
  });
});
