import { request } from 'node:http';
import { DIALECTS, startTestGateway, type TestGateway } from './harness';

const LIMIT = 25_000_000;

/** A POST whose body is sent in chunks without a Content-Length. */
function postChunked(url: string, chunks: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) {
      req.write(chunk);
    }
    req.end();
  });
}

describe.each(DIALECTS)('the request body limit on %s', (dialect) => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { demo: false });
  });
  afterAll(() => gw?.close());

  const padded = (bytes: number) => {
    const head = '{"query":"{ __typename }","extensions":{"pad":"';
    const tail = '"}}';

    return `${head}${'x'.repeat(bytes - head.length - tail.length)}${tail}`;
  };

  it('answers a body at the limit, with or without a Content-Length', async () => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: padded(LIMIT),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });

    const body = padded(LIMIT);
    const chunked = await postChunked(gw.url, [body.slice(0, 1000), body.slice(1000)]);
    expect(chunked.status).toBe(200);
    expect(JSON.parse(chunked.body)).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a larger body with 413, whether its Content-Length says so or not', async () => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: padded(LIMIT + 1),
    });
    expect(response.status).toBe(413);
    const declared = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(declared.errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');

    const body = padded(LIMIT + 1);
    const chunked = await postChunked(gw.url, [body.slice(0, 1000), body.slice(1000)]);
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });
});
