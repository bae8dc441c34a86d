import { dataOf, DIALECTS, q, startTestGateway, type TestGateway } from './harness';

const JSON_VALUES: unknown[] = [
  { nested: { list: [1, 'two', null, false], empty: {} } },
  [1, [2, [3]], { a: 'b' }],
  42.5,
  -7,
  'just a string',
  '',
  '{"looks":"like json"}',
  true,
  false,
];

describe.each(DIALECTS)('values that survive on %s', (dialect) => {
  let gw: TestGateway;
  const as = () => ({ token: gw.adminToken });

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { demo: false });
  });
  afterAll(() => gw?.close());

  it('keeps timestamps above 2^31 as numbers, in variables, literals and filters', async () => {
    const far = 4102444800123; // 2100-01-01, far above 2^31 and 2^32
    const { createUser } = dataOf(
      await gw.gql(
        'mutation($d: UserCreateInput!) { createUser(data: $d) { id createdAt passwordChangeTimestamp } }',
        {
          d: {
            username: 'time-user',
            email: 't@example.com',
            createdAt: far,
            passwordChangeTimestamp: -far,
          },
        },
        as(),
      ),
    );
    expect(createUser).toMatchObject({ createdAt: far, passwordChangeTimestamp: -far });

    const literal = dataOf(
      await gw.gql(
        `{ users(filter: { createdAt: { eq: ${far} } }) { records { createdAt } } }`,
        {},
        as(),
      ),
    );
    expect(literal.users.records).toEqual([{ createdAt: far }]);
    const generic = dataOf(
      await gw.gql(
        'query($f: JSON) { entities(entityType: User, filter: $f) { records } }',
        { f: { createdAt: { gt: 4e12 } } },
        as(),
      ),
    );
    expect(generic.entities.records.map((r: { createdAt: number }) => r.createdAt)).toEqual([far]);
    const [row] = await gw.sql(
      `SELECT ${q('createdAt')} AS v FROM ${q('User')} WHERE ${q('username')} = ?`,
      ['time-user'],
    );
    expect(Number(row.v)).toBe(far);

    const tooLarge = await gw.gql(
      'query($t: Timestamp!) { users(filter: { createdAt: { gt: $t } }) { pagination { total } } }',
      { t: 9e15 },
      as(),
    );
    expect(tooLarge.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
    const fractional = await gw.gql(
      'query($t: Timestamp!) { users(filter: { createdAt: { gt: $t } }) { pagination { total } } }',
      { t: 1.5 },
      as(),
    );
    expect(fractional.errors?.[0].message).toMatch(/integer/);
  });

  it('returns booleans as booleans and counts as numbers', async () => {
    await gw.gql(
      'mutation { createUser(data: { username: "bool-user", email: "b@example.com", isInstanceOwner: true, firstLogin: false }) { id } }',
      {},
      as(),
    );
    const { entities } = dataOf(
      await gw.gql(
        '{ entities(entityType: User, filter: { isInstanceOwner: true }) { records pagination { total totalPages } } }',
        {},
        as(),
      ),
    );
    const record = entities.records.find((r: { username: string }) => r.username === 'bool-user');
    expect(record.isInstanceOwner).toBe(true);
    expect(record.firstLogin).toBe(false);
    expect(typeof entities.pagination.total).toBe('number');
    expect(typeof entities.pagination.totalPages).toBe('number');
    const { users } = dataOf(
      await gw.gql(
        '{ users(filter: { isInstanceOwner: { eq: false } }) { records { isInstanceOwner } } }',
        {},
        as(),
      ),
    );
    expect(
      users.records.every((u: { isInstanceOwner: unknown }) => u.isInstanceOwner === false),
    ).toBe(true);
  });

  it.each(JSON_VALUES.map((value) => [JSON.stringify(value), value]))(
    'stores the JSON value %s and returns it unchanged, through both APIs',
    async (_label, value) => {
      const { createEntity } = dataOf(
        await gw.gql(
          'mutation($d: JSON!) { createEntity(entityType: PageConfig, data: $d) }',
          {
            d: {
              path: `/json-${Math.random()}`,
              title: 'j',
              componentTree: value,
              meta: value,
              level: 0,
              requiresAuth: false,
            },
          },
          as(),
        ),
      );
      expect(createEntity.componentTree).toEqual(value);
      const { pageConfigById } = dataOf(
        await gw.gql(
          'query($id: ID!) { pageConfigById(id: $id) { componentTree meta params } }',
          { id: createEntity.id },
          as(),
        ),
      );
      expect(pageConfigById).toEqual({ componentTree: value, meta: value, params: null });
      const { entity } = dataOf(
        await gw.gql(
          'query($id: ID!) { entity(entityType: PageConfig, id: $id) }',
          { id: createEntity.id },
          as(),
        ),
      );
      expect(entity.componentTree).toEqual(value);
    },
  );

  it('keeps a JSON null apart from a missing optional value and refuses null where required', async () => {
    const { createEntity } = dataOf(
      await gw.gql(
        'mutation($d: JSON!) { createEntity(entityType: PageConfig, data: $d) }',
        {
          d: {
            path: '/nulls',
            title: 'n',
            componentTree: {},
            level: 0,
            requiresAuth: false,
            params: null,
          },
        },
        as(),
      ),
    );
    expect(createEntity.params).toBeNull();
    const refused = await gw.gql(
      'mutation($d: JSON!) { createEntity(entityType: PageConfig, data: $d) }',
      {
        d: { path: '/nulls-2', title: 'n', componentTree: null, level: 0, requiresAuth: false },
      },
      as(),
    );
    expect(refused.errors?.[0].message).toMatch(/'componentTree' is required and cannot be null/);
  });

  it('keeps strings with quotes, backslashes, newlines and emoji exactly', async () => {
    const bio = `It's "quoted" \\ back\\slash\nnew line\ttab 😀 ${"'".repeat(3)} %_`;
    const { createUser } = dataOf(
      await gw.gql(
        'mutation($b: String) { createUser(data: { username: "odd-text", email: "o@example.com", bio: $b }) { bio } }',
        { b: bio },
        as(),
      ),
    );
    expect(createUser.bio).toBe(bio);
    const found = dataOf(
      await gw.gql(
        'query($s: String) { users(search: $s) { records { bio } } }',
        { s: '"quoted" \\ back' },
        as(),
      ),
    );
    expect(found.users.records).toEqual([{ bio }]);
  });
});
