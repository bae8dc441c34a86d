import { DIALECTS, dataOf, startTestGateway, type TestGateway } from './harness';

describe.each(DIALECTS)('smoke on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.close());

  it('lists the seeded users', async () => {
    const data = dataOf(await gw.gql('{ users { pagination { total } } }', {}, { token: gw.adminToken }));
    expect(data.users.pagination.total).toBe(19);
  });
});
