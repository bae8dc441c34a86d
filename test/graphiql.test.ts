import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { DIALECTS, startTestGateway, type TestGateway } from './harness';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(__dirname, '..', 'docs', 'graphiql.png');

const QUERY = `query Viewer {
  viewer {
    level
    tenantId
    user {
      username
      role
    }
  }
}
`;

/** A request the page made, with the headers it sent. */
interface PageRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}

/** Whether a URL stays on this machine: loopback, or a blob the page itself made from one. */
function staysOnLoopback(url: string): boolean {
  if (url.startsWith('data:')) {
    return true;
  }

  return new URL(url.replace(/^blob:/, '')).hostname === '127.0.0.1';
}

if (!existsSync(CHROMIUM)) {
  process.stderr.write(
    `GraphiQL browser test skipped: ${CHROMIUM} is absent (apt-get install -y chromium)\n`,
  );
}
const describeInBrowser = existsSync(CHROMIUM)
  ? describe.each(DIALECTS)
  : describe.skip.each(DIALECTS);

describeInBrowser('GraphiQL in Chromium on %s', (dialect) => {
  let gw: TestGateway;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const requests: PageRequest[] = [];

  beforeAll(async () => {
    gw = await startTestGateway(dialect, { demo: false });
    profile = mkdtempSync(join(tmpdir(), 'mb-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1400, height: 820 },
    });
    context.on('request', (request) => {
      requests.push({ method: request.method(), url: request.url(), headers: request.headers() });
    });
    page = context.pages()[0] ?? (await context.newPage());
  });
  afterAll(async () => {
    await context?.close();
    if (profile) {
      rmSync(profile, { recursive: true, force: true });
    }
    await gw?.close();
  });

  it('loads the page at /graphql with no request leaving localhost', async () => {
    await page.goto(`${gw.origin}/graphql?query=${encodeURIComponent(QUERY)}`);
    await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).waitFor();
    await page.getByRole('button', { name: 'Headers' }).waitFor();
    await page.waitForLoadState('networkidle');

    expect(await page.title()).toBe('MetaBuilder Admin Gateway');
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((request) => !staysOnLoopback(request.url))).toEqual([]);
  });

  it('runs a query with a bearer header and shows the data', async () => {
    await page.getByText('Bearer <token from login>').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${gw.adminToken}` }));
    // The editor closes brackets and quotes as they are typed: drop what it added after the text.
    await page.keyboard.press('Shift+Control+End');
    await page.keyboard.press('Delete');
    await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();

    const result = page.locator('.result-window');
    await result.getByText('"username": "admin"').waitFor();
    const sent = requests.filter(
      (request) => request.method === 'POST' && request.headers.authorization !== undefined,
    );

    // The editor shows spaces as non-breaking ones.
    expect(JSON.parse((await result.innerText()).replace(/\u00a0/g, ' '))).toEqual({
      data: {
        viewer: { level: 5, tenantId: null, user: { username: 'admin', role: 'supergod' } },
      },
    });
    expect(sent.map((request) => request.headers.authorization)).toContain(
      `Bearer ${gw.adminToken}`,
    );
    expect(requests.filter((request) => !staysOnLoopback(request.url))).toEqual([]);
  });

  it('writes a screenshot for the README, with the docs of the Query type open', async () => {
    // Hide the headers, with the token in them, and show the descriptions instead.
    await page.getByRole('button', { name: 'Variables' }).click();
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).click();
    await page.locator('.graphiql-doc-explorer').getByText('viewer', { exact: true }).waitFor();
    mkdirSync(join(__dirname, '..', 'docs'), { recursive: true });

    await page.screenshot({ path: SCREENSHOT });

    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
