import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openServices } from '../src/app';
import { type DialectName, loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { decodeRecord, type EntityRecord } from '../src/registry/record-codec';
import type { Services } from '../src/services';
import { SYSTEM_ACTOR } from '../src/services/record-query';
import { createTestDatabase, type TestGateway } from './harness';

const run = promisify(execFile);

/** Strings that break exporters: quoting, escapes, YAML look-alikes, line breaks, Unicode. */
export const NASTY_STRINGS = [
  "it's",
  'say "hi"',
  'back\\slash \\n not a newline',
  'two\nlines\n',
  'crlf\r\nline',
  'lone\rcarriage',
  'tab\there',
  'emoji 😀 and 𝄞',
  'true',
  'null',
  'NULL',
  '1e3',
  '0755',
  '2024-01-01',
  '12:30',
  'yes',
  '~',
  '- x',
  '  leading spaces',
  'trailing spaces  ',
  ' ',
  '',
  '\n',
  'a\n\n\nb',
  '  indented\n    block\n',
  '# not a comment',
  'key: value',
  '[1, 2]',
  '{"a": 1}',
  '--- ',
  '\'); DROP TABLE "User"; --',
  '\u2028line separator',
  '\u0085next line',
  'delete\u007f',
  '\ufeffbyte order mark',
  'bell\u0007',
  '<<',
];

/** JSON values of every kind, nested and at the top. */
export const JSON_VALUES: unknown[] = [
  { nested: { list: [1, -2.5, 0, 1e21, 'x', true, false, null, {}, []] }, empty: {} },
  [],
  ['true', 'null', '1e3', '', '  x', 'two\nlines', 'say "hi"', 'back\\slash', '😀'],
  'a JSON string',
  42,
  3.25,
  true,
  false,
  { 'key with "quotes"': "it's", true: 'null', '1': 2, '': '' },
];

/** Above 2^31 (and 2^32): a timestamp must never be squeezed into 32 bits. */
export const BIG_TIMESTAMP = 2 ** 41 + 7;

/** Parent ids that sort after their children's, so that primary-key order puts children first. */
export const TREE_IDS = { root: 'zz-root', child: 'mm-child', grandchild: 'aa-grandchild' };

/**
 * Adds records built to break exporters to a seeded gateway: users and pages with the nasty
 * strings, JSON of every kind, big timestamps, empty strings beside NULL, a reserved word as a
 * primary key and a component tree whose keys run against its depth.
 */
export async function addNastyData(gw: TestGateway): Promise<void> {
  const create = (type: string, data: Record<string, unknown>) =>
    gw.services.entities.create(SYSTEM_ACTOR, type, data);

  for (const [i, text] of NASTY_STRINGS.entries()) {
    await create('User', {
      username: `nasty_${i}`,
      email: `nasty${i}@example.com`,
      bio: text,
      profilePicture: i % 2 === 0 ? '' : null,
      tenantId: i % 3 === 0 ? 'acme' : null,
      createdAt: BIG_TIMESTAMP + i,
      passwordChangeTimestamp: i % 2 === 0 ? BIG_TIMESTAMP : null,
      isInstanceOwner: i % 2 === 0,
      firstLogin: i % 3 === 0,
    });
  }

  for (const [i, value] of JSON_VALUES.entries()) {
    await create('PageConfig', {
      path: `/nasty/${i}`,
      title: NASTY_STRINGS[i % NASTY_STRINGS.length] || 'untitled',
      description: NASTY_STRINGS[(i + 3) % NASTY_STRINGS.length],
      componentTree: value,
      params: i % 2 === 0 ? null : value,
      meta: JSON_VALUES[(i + 1) % JSON_VALUES.length],
      level: i % 6,
      requiresAuth: i % 2 === 0,
      isPublished: i % 3 !== 0,
      tenantId: i % 2 === 0 ? 'acme' : 'globex',
      createdAt: BIG_TIMESTAMP,
    });
  }

  const [page] = await gw.services.entities.loadBy(SYSTEM_ACTOR, 'PageConfig', 'path', [
    '/nasty/0',
  ]);
  await create('ComponentNode', {
    id: TREE_IDS.root,
    pageId: page.id,
    type: 'Root',
    childIds: [TREE_IDS.child],
  });
  await create('ComponentNode', {
    id: TREE_IDS.child,
    pageId: page.id,
    parentId: TREE_IDS.root,
    type: 'Child "quoted"',
    childIds: [TREE_IDS.grandchild],
    order: 2147483647,
  });
  await create('ComponentNode', {
    id: TREE_IDS.grandchild,
    pageId: page.id,
    parentId: TREE_IDS.child,
    type: 'Grandchild',
    childIds: [],
    order: -1,
  });

  for (const packageId of ['order', "o'brien\\pkg"]) {
    await create('InstalledPackage', {
      packageId,
      version: '2.0.0-beta.1',
      config: JSON_VALUES[0],
      installedAt: BIG_TIMESTAMP,
      enabled: packageId === 'order',
    });
    await create('PackageData', { packageId, data: JSON_VALUES[2] });
  }
}

/** Every row of a type, secrets included, decoded, sorted by primary key. */
export async function storedRecords(services: Services, type: string): Promise<EntityRecord[]> {
  const entity = services.registry.get(type);
  const rows = await services.db.query(`SELECT * FROM "${entity.name}"`);

  return sortByKey(
    rows.map((row) => decodeRecord(services.db.dialect, entity, row, true)),
    entity.primaryKey,
  );
}

export function sortByKey(records: EntityRecord[], key: string): EntityRecord[] {
  return [...records].sort((a, b) => (String(a[key]) < String(b[key]) ? -1 : 1));
}

/** A fresh database of the dialect, migrated by the gateway and holding no rows. */
export async function migratedDatabase(dialect: DialectName) {
  const database = await createTestDatabase(dialect);
  const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'silent' });
  const services = await openServices(config, createLogger('silent'));
  await services.db.close();

  return {
    url: database.url,
    /** Loads a SQL file with the dialect's command-line tool, stopping at the first error. */
    load: async (file: string) => {
      if (dialect === 'postgres') {
        await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', database.url, '-f', file]);
      } else {
        const path = database.url.slice('sqlite:'.length);
        await run('sqlite3', ['-bail', '-cmd', 'PRAGMA foreign_keys=ON', path, `.read ${file}`]);
      }
    },
    open: () => openServices(config, createLogger('silent'), false),
    drop: database.drop,
  };
}
