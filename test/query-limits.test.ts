import { request } from 'node:http';
import { DIALECTS, dataOf, errorCode, startTestGateway, type TestGateway } from './harness';

/** `sessions { records { user { sessions { records { user { ... } } } } } }`, `levels` deep. */
function deepQuery(levels: number): string {
  let inner = 'id';
  for (let i = 0; i < levels; i++) {
    inner = i % 2 === 0 ? `user { ${inner} }` : `sessions { ${inner} }`;
  }

  return `{ sessions(limit: 1) { records { ${inner} } } }`;
}

const count = (gw: TestGateway) =>
  gw.sql<{ n: number }>('SELECT COUNT(*) AS n FROM "User"').then(([row]) => Number(row.n));

describe.each(DIALECTS)('query limits on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, {
      demo: false,
      env: {
        QUERY_MAX_DEPTH: '6',
        QUERY_MAX_ALIASES: '3',
        QUERY_MAX_DIRECTIVES: '3',
        QUERY_MAX_TOKENS: '400',
        QUERY_MAX_COST: '150',
        QUERY_MAX_BATCH: '3',
        MAX_BODY_BYTES: '4096',
      },
    });
  });
  afterAll(() => gw?.close());

  const expectLimit = async (query: string, check: string, limit: number) => {
    const response = await gw.gql(query, {}, { token: gw.adminToken });
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BAD_REQUEST');
    expect(response.errors?.[0].extensions).toMatchObject({ check, limit });
    expect(response.errors?.[0].extensions?.value).toBeGreaterThan(limit);
    expect(response.errors?.[0].message).toContain(`over the limit of ${limit}`);
    expect(response.data).toBeUndefined();

    return response;
  };

  it('answers a query at the depth limit and refuses one level deeper', async () => {
    const atLimit = await gw.gql(deepQuery(3), {}, { token: gw.adminToken });
    expect(atLimit.errors).toBeUndefined();

    const refused = await expectLimit(deepQuery(6), 'depth', 6);
    expect(refused.errors?.[0].extensions?.value).toBe(9);
  });

  it('refuses a wide query over the cost limit', async () => {
    const collections = gw.services.registry.entities.map((e) => e.collection);
    const page = 'records { __typename } pagination { total page limit totalPages hasMore }';
    const wide = `{ ${collections.map((c) => `${c} { ${page} }`).join(' ')} }`;
    await expectLimit(wide, 'cost', 150);

    const narrow = `{ ${collections
      .slice(0, 2)
      .map((c) => `${c} { pagination { total } }`)
      .join(' ')} }`;
    expect((await gw.gql(narrow, {}, { token: gw.adminToken })).errors).toBeUndefined();
  });

  it('refuses an alias flood and allows a few aliases', async () => {
    const aliases = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: viewer { level }`).join(' ')} }`;
    expect(dataOf(await gw.gql(aliases(3), {}, { token: gw.adminToken })).a2.level).toBe(5);
    await expectLimit(aliases(50), 'aliases', 3);
  });

  it('refuses a directive flood', async () => {
    const directives = Array.from({ length: 10 }, () => '@include(if: true)').join(' ');
    await expectLimit(`{ viewer ${directives} { level } }`, 'directives', 3);
  });

  it('refuses a document of too many tokens, stopping the parser at the limit', async () => {
    const query = `{ viewer { ${Array.from({ length: 500 }, () => 'level').join(' ')} } }`;
    // A document the parser gave up on is a parse error: HTTP 200 for application/json and 400
    // for application/graphql-response+json, as GraphQL over HTTP asks. The count stops at the
    // limit, so the value is not known.
    for (const [accept, status] of [
      ['application/json', 200],
      ['application/graphql-response+json', 400],
    ] as const) {
      const response = await gw.gql(query, {}, { token: gw.adminToken, headers: { accept } });
      expect(response.status).toBe(status);
      expect(response.errors?.[0].extensions).toMatchObject({
        code: 'BAD_REQUEST',
        check: 'tokens',
        limit: 400,
        value: null,
      });
      expect(response.data).toBeUndefined();
    }
  });

  it('answers a batch within the limit and refuses a larger one whole', async () => {
    const post = (operations: number) =>
      fetch(gw.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.adminToken}` },
        body: JSON.stringify(
          Array.from({ length: operations }, (_, i) => ({
            query:
              'mutation($b: String) { ' +
              'updateEntity(entityType: User, id: "none", data: { bio: $b }) }',
            variables: { b: `batch ${i}` },
          })),
        ),
      });
    const within = await post(3);
    expect(within.status).toBe(200);
    const answers = (await within.json()) as Array<{
      errors: Array<{ extensions: { code: string } }>;
    }>;
    expect(answers.map((a) => a.errors[0].extensions.code)).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
    ]);

    const refused = await post(4);
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as {
      errors: Array<{ extensions: Record<string, unknown> }>;
    };
    expect(body.errors[0].extensions).toMatchObject({
      code: 'BAD_REQUEST',
      check: 'batch',
      limit: 3,
      value: 4,
    });
  });

  describe('request bodies', () => {
    const bigBio = 'x'.repeat(5000);
    const createWithBio = JSON.stringify({
      query: 'mutation($d: JSON!) { createEntity(entityType: User, data: $d) }',
      variables: { d: { username: 'big-body', email: 'big@example.test', bio: bigBio } },
    });

    it('refuses a body declared over the limit with 413, writing nothing', async () => {
      const before = await count(gw);
      const response = await fetch(gw.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.adminToken}` },
        body: createWithBio,
      });
      expect(response.status).toBe(413);
      const body = (await response.json()) as {
        errors: Array<{ message: string; extensions: any }>;
      };
      expect(body.errors[0].extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit: 4096 });
      expect(body.errors[0].message).toContain('limit of 4096 bytes');
      expect(await count(gw)).toBe(before);
    });

    it('refuses a chunked body without a length once it passes the limit', async () => {
      const before = await count(gw);
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(gw.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${gw.adminToken}`,
            'transfer-encoding': 'chunked',
          },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < createWithBio.length; i += 1000) {
          req.write(createWithBio.slice(i, i + 1000));
        }
        req.end();
      });
      expect(status).toBe(413);
      expect(await count(gw)).toBe(before);
    });

    it('answers an empty body with BAD_REQUEST', async () => {
      const response = await fetch(gw.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
      expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    });

    it('accepts the same request under the limit', async () => {
      const data = { username: 'small-body', email: 'small@example.test', bio: 'short' };
      const created = await gw.gql(
        'mutation($d: JSON!) { createEntity(entityType: User, data: $d) }',
        { d: data },
        { token: gw.adminToken },
      );
      expect(dataOf(created).createEntity.username).toBe('small-body');
    });
  });

  describe('introspection', () => {
    const INTROSPECT = '{ __schema { queryType { name } } }';

    it('is open to anyone in development', async () => {
      expect(dataOf(await gw.gql(INTROSPECT)).__schema.queryType.name).toBe('Query');
    });

    it('is open to level 5 only in production, where suggestions are hidden too', async () => {
      const prod = await startTestGateway(dialect, { env: { NODE_ENV: 'production' } });
      try {
        const anonymous = await prod.gql(INTROSPECT);
        expect(anonymous.status).toBe(401);
        expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
        expect(anonymous.data?.__schema).toBeUndefined();

        const god = await prod.login('global-god', 'metabuilder-demo');
        const lower = await prod.gql(INTROSPECT, {}, { token: god });
        expect(lower.status).toBe(403);
        expect(lower.errors?.[0].message).toBe(
          'Insufficient permissions. Required level: 5, your level: 4',
        );

        const typeQuery = await prod.gql('{ __type(name: "User") { name } }', {}, { token: god });
        expect(errorCode(typeQuery)).toBe('FORBIDDEN');

        const admin = await prod.gql(INTROSPECT, {}, { token: prod.adminToken });
        expect(dataOf(admin).__schema.queryType.name).toBe('Query');
        expect(dataOf(await prod.gql('{ __typename }')).__typename).toBe('Query');

        const typo = await prod.gql('{ userz { pagination { total } } }');
        expect(typo.errors?.[0].message).not.toMatch(/Did you mean/);
        const typoDev = await gw.gql('{ userz { pagination { total } } }');
        expect(typoDev.errors?.[0].message).toMatch(/Did you mean "users"/);
      } finally {
        await prod.close();
      }
    });
  });
});
