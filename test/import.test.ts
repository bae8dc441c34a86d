import { DIALECTS, dataOf, errorCode, startTestGateway, type TestGateway } from './harness';
import { countsOf, importContent, jsonFile, site, user, users } from './import-fixtures';

describe.each(DIALECTS)('import on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect);
  });
  afterAll(() => gw?.close());

  const run = async (
    ...args: Parameters<typeof importContent> extends [any, ...infer R] ? R : never
  ) => dataOf(await importContent(gw, ...args)).importDatabaseContent;

  it('appends a whole site, every type in foreign-key order', async () => {
    const { entities, password } = await site('append');
    const result = await run(jsonFile(entities), 'JSON');

    expect(result.summary).toMatchObject({ totalRecords: 10, imported: 10, failed: 0, errors: [] });
    expect(result.transactionId).toEqual(expect.any(String));
    expect(countsOf(result, 'ComponentNode')).toMatchObject({ imported: 2 });
    const [page] = await gw.sql('SELECT * FROM "PageConfig" WHERE "id" = ?', ['page_append']);
    expect(page.title).toBe('Imported append');
    // The imported password hash works for a login.
    await expect(gw.login('user_append_owner', password)).resolves.toEqual(expect.any(String));
  });
});
