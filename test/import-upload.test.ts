import { DIALECTS, errorCode, startTestGateway, type TestGateway } from './harness';
import {
  CSRF_HEADER,
  IMPORT_DATABASE,
  importContent,
  jsonFile,
  uploadFile,
  user,
  users,
} from './import-fixtures';

const MAX_UPLOAD_BYTES = 4000;
const CSRF = CSRF_HEADER;

describe.each(DIALECTS)('import uploads on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, {
      demo: false,
      env: { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) },
    });
  });
  afterAll(() => gw?.close());

  /** A multipart request as the GraphQL multipart request spec describes it. */
  const multipart = (files: Array<{ name: string; content: string }>, variables = {}) => {
    const form = new FormData();
    const fileVariables = files.length === 1 ? { file: null } : { files: files.map(() => null) };
    form.append(
      'operations',
      JSON.stringify({ query: IMPORT_DATABASE, variables: { ...variables, ...fileVariables } }),
    );
    const map = Object.fromEntries(
      files.map((_, i) => [
        String(i),
        [files.length === 1 ? 'variables.file' : `variables.files.${i}`],
      ]),
    );
    form.append('map', JSON.stringify(map));
    files.forEach((file, i) => form.append(String(i), new Blob([file.content]), file.name));

    return form;
  };

  const send = async (body: BodyInit, headers: Record<string, string> = {}) => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminToken}`, ...headers },
      body,
    });
    const text = await response.text();

    return { status: response.status, body: JSON.parse(text) };
  };

  /** Runs a request that must be refused, and checks that the database is as it was. */
  const refused = async (request: () => Promise<{ status: number; body: any }>) => {
    const before = await gw.snapshot();
    const response = await request();
    expect(await gw.snapshot()).toEqual(before);

    return {
      status: response.status,
      code: response.body.errors?.[0]?.extensions?.code,
      message: response.body.errors?.[0]?.message as string,
    };
  };

  it('imports a file uploaded by fetch with FormData', async () => {
    const file = jsonFile({ User: users('up', 3) }, false);
    const { status, body } = await uploadFile(gw, 'backup.json', file);

    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.importDatabase.summary).toMatchObject({ imported: 3, failed: 0 });
    expect(body.data.importDatabase.transactionId).toEqual(expect.any(String));
  });

  it('takes the format from the file name', async () => {
    const sql = `INSERT INTO "User" ("id", "username", "email") VALUES ('usr_sqlup', 'sqlup', 's@up.example');`;
    const { body } = await send(
      multipart([{ name: 'dump.SQL', content: sql }], { dryRun: true }),
      CSRF,
    );

    expect(body.data.importDatabase).toMatchObject({ dryRun: true, summary: { imported: 1 } });
  });

  it('refuses a file name without a known extension', async () => {
    const result = await refused(() =>
      send(multipart([{ name: 'backup.txt', content: jsonFile({ User: [user('txt')] }) }]), CSRF),
    );

    expect(result).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(result.message).toContain('valid extensions are .json, .yaml, .yml, .sql');
  });

  it('refuses a multipart request without a CSRF header', async () => {
    const result = await refused(() =>
      send(multipart([{ name: 'backup.json', content: jsonFile({ User: [user('csrf')] }) }])),
    );

    expect(result).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('answers a multipart request without a boundary with a 400', async () => {
    const result = await refused(() =>
      send('--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{}\r\n--x--', {
        ...CSRF,
        'content-type': 'multipart/form-data',
      }),
    );

    expect(result).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
  });

  it('answers a multipart request without a map with a 400', async () => {
    const form = new FormData();
    form.append(
      'operations',
      JSON.stringify({ query: IMPORT_DATABASE, variables: { file: null } }),
    );
    const result = await refused(() => send(form, CSRF));

    expect(result).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(result.message).toContain("Missing multipart field 'map'");
  });

  it('answers a map that names a missing file with a 400', async () => {
    const form = new FormData();
    form.append(
      'operations',
      JSON.stringify({ query: IMPORT_DATABASE, variables: { file: null } }),
    );
    form.append('map', JSON.stringify({ 0: ['variables.file'] }));
    const result = await refused(() => send(form, CSRF));

    expect(result).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(result.message).toContain('File missing in the request');
  });

  it('answers a file over MAX_UPLOAD_BYTES with a 413', async () => {
    const big = jsonFile({ User: users('big', 40) });
    expect(big.length).toBeGreaterThan(MAX_UPLOAD_BYTES);
    const result = await refused(() => send(multipart([{ name: 'big.json', content: big }]), CSRF));

    expect(result).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(result.message).toContain(String(MAX_UPLOAD_BYTES));
  });

  it('answers more files than MAX_UPLOAD_FILES with a 413', async () => {
    const content = jsonFile({ User: [user('two')] });
    const result = await refused(() =>
      send(
        multipart([
          { name: 'a.json', content },
          { name: 'b.json', content },
        ]),
        CSRF,
      ),
    );

    expect(result).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers inline content over MAX_UPLOAD_BYTES with a 413', async () => {
    const response = await importContent(gw, jsonFile({ User: users('inline', 40) }), 'JSON');

    expect(response.status).toBe(413);
    expect(errorCode(response)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers an upload without a session with a 401 and goes on serving', async () => {
    const form = multipart([{ name: 'backup.json', content: jsonFile({ User: [user('anon')] }) }]);
    const response = await fetch(gw.url, { method: 'POST', headers: CSRF, body: form });
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };

    expect(response.status).toBe(401);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const next = await gw.gql('{ viewer { level } }', {}, { token: gw.adminToken });
    expect(next.data).toEqual({ viewer: { level: 5 } });
  });

  it('still serves GraphiQL to a browser without the CSRF header', async () => {
    const page = await fetch(gw.url, { headers: { accept: 'text/html' } });

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('asks a CSRF header of GET requests, which a browser sends without a preflight', async () => {
    const url = `${gw.url}?query=${encodeURIComponent('{ viewer { level } }')}`;
    const bare = await fetch(url, { headers: { authorization: `Bearer ${gw.adminToken}` } });
    expect(bare.status).toBe(403);
    expect(((await bare.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');

    const marked = await fetch(url, {
      headers: { authorization: `Bearer ${gw.adminToken}`, ...CSRF },
    });
    expect(marked.status).toBe(200);
    expect(await marked.json()).toEqual({ data: { viewer: { level: 5 } } });
  });
});

describe.each(DIALECTS)('large uploads on %s', (dialect) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(dialect, { demo: false });
  });
  afterAll(() => gw?.close());

  it('takes a file past the size any layer before the import would cap, up to MAX_UPLOAD_BYTES', async () => {
    // 30 MB: more than yoga's own default body limit, far below the default 100 MiB.
    const bio = 'x'.repeat(30_000_000);
    const file = jsonFile({ User: [user('large_upload', { bio })] });
    const { status, body } = await uploadFile(gw, 'large.json', file, { dryRun: true });

    expect(status).toBe(200);
    expect(body.data.importDatabase.summary).toMatchObject({ imported: 1, failed: 0 });
  });
});
