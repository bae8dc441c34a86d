import { stringify } from 'yaml';
import { hashPassword, hashSessionToken } from '../src/auth/secrets';
import type { TestGateway } from './harness';

/** Records by entity type, in the shape of an export's `entities`. */
export type Entities = Record<string, Array<Record<string, unknown>>>;

const T0 = 1_764_700_000_000;

export function user(key: string, extra: Record<string, unknown> = {}) {
  return {
    id: `usr_${key}`,
    username: `user_${key}`,
    email: `${key}@import.example`,
    role: 'user',
    profilePicture: null,
    bio: `Imported ${key}`,
    createdAt: T0,
    tenantId: null,
    isInstanceOwner: false,
    passwordChangeTimestamp: null,
    firstLogin: false,
    ...extra,
  };
}

export function users(prefix: string, count: number, extra: Record<string, unknown> = {}) {
  return Array.from({ length: count }, (_, i) => user(`${prefix}${i}`, extra));
}

/**
 * A small site of every writable type, keyed by `key`: a user with a password and a session, a
 * page with a component tree (a root node and a child) and a config, a workflow, a package and
 * its data. `password` is the user's password.
 */
export async function site(key: string, tenantId: string | null = null) {
  const owner = user(`${key}_owner`, { tenantId, role: 'admin' });
  const password = `password-of-${key}`;

  return {
    password,
    entities: {
      User: [owner],
      Credential: [
        {
          id: `cred_${key}`,
          username: owner.username,
          passwordHash: await hashPassword(password),
          firstLogin: false,
          createdAt: T0,
          updatedAt: null,
        },
      ],
      Session: [
        {
          id: `ses_${key}`,
          userId: owner.id,
          token: hashSessionToken(`token-${key}`),
          expiresAt: T0 + 86_400_000,
          createdAt: T0,
          lastActivity: null,
          ipAddress: '10.0.0.1',
          userAgent: 'fixture/1.0',
        },
      ],
      PageConfig: [
        {
          id: `page_${key}`,
          tenantId,
          packageId: null,
          path: `/imported/${key}`,
          title: `Imported ${key}`,
          description: "A page with 'quotes', a; semicolon and\na second line",
          icon: null,
          component: 'PageLayout',
          componentTree: { type: 'PageLayout', children: [{ type: 'Header', props: { n: 1 } }] },
          level: 1,
          requiresAuth: true,
          requiredRole: null,
          parentPath: null,
          sortOrder: 3,
          isPublished: false,
          params: null,
          meta: { tags: ['a', 'b'], nested: { deep: [1, 2, { x: null }] } },
          createdAt: T0,
          updatedAt: T0 + 1,
        },
      ],
      ComponentNode: [
        {
          id: `node_${key}_child`,
          pageId: `page_${key}`,
          parentId: `node_${key}_root`,
          type: 'Header',
          childIds: [],
          order: 0,
        },
        {
          id: `node_${key}_root`,
          pageId: `page_${key}`,
          parentId: null,
          type: 'PageLayout',
          childIds: [`node_${key}_child`],
          order: 0,
        },
      ],
      ComponentConfig: [
        {
          id: `conf_${key}`,
          componentId: `node_${key}_child`,
          props: { title: 'Hello', dense: true },
          styles: {},
          events: { onClick: 'go' },
          conditionalRendering: null,
        },
      ],
      Workflow: [
        {
          id: `wf_${key}`,
          tenantId,
          name: `Flow ${key}`,
          description: null,
          nodes: [{ id: 'a' }, { id: 'b' }],
          edges: [{ source: 'a', target: 'b' }],
          enabled: true,
          version: 2,
          createdAt: T0,
          updatedAt: null,
          createdBy: owner.id,
        },
      ],
      InstalledPackage: [
        {
          packageId: `pkg-${key}`,
          tenantId,
          version: '2.0.1',
          enabled: false,
          config: { level: 'high' },
          installedAt: T0,
        },
      ],
      PackageData: [{ packageId: `pkg-${key}`, data: { items: [1, 2, 3] } }],
    } satisfies Entities,
  };
}

/** The export's JSON shape. */
export function jsonFile(entities: Entities, pretty = true): string {
  return JSON.stringify({ exportedAt: T0, version: '1.0', entities }, null, pretty ? 2 : 0);
}

export function yamlFile(entities: Entities): string {
  return stringify({ exportedAt: T0, version: '1.0', entities });
}

function sqlLiteral(value: unknown, dialect: 'sqlite' | 'postgres', json: boolean): string {
  if (value === null || value === undefined) {
    return 'NULL';
  }
  if (typeof value === 'boolean') {
    return dialect === 'postgres' ? String(value).toUpperCase() : value ? '1' : '0';
  }
  if (typeof value === 'number') {
    return String(value);
  }
  const text = typeof value === 'string' && !json ? value : JSON.stringify(value);
  const quoted = `'${text.replace(/'/g, "''")}'`;

  return json && dialect === 'postgres' ? `${quoted}::jsonb` : quoted;
}

/** Which fields hold JSON, so that the SQL writer quotes their text. */
const JSON_FIELDS = new Set([
  'componentTree',
  'params',
  'meta',
  'childIds',
  'props',
  'styles',
  'events',
  'conditionalRendering',
  'nodes',
  'edges',
  'config',
  'data',
  'details',
]);

/**
 * INSERT statements in the shape a dialect's tools write: PostgreSQL with TRUE/FALSE and
 * `::jsonb` casts, SQLite with 1/0 for booleans; quoted identifiers, a header comment and a
 * transaction around them.
 */
export function sqlFile(
  entities: Entities,
  dialect: 'sqlite' | 'postgres',
  options: { rowsPerInsert?: number; columns?: boolean } = {},
): string {
  const lines = [`-- MetaBuilder export (${dialect})`, 'BEGIN;'];
  for (const [type, records] of Object.entries(entities)) {
    const perInsert = options.rowsPerInsert ?? 100;
    for (let start = 0; start < records.length; start += perInsert) {
      const slice = records.slice(start, start + perInsert);
      const fields = Object.keys(slice[0]);
      const columns =
        options.columns === false ? '' : ` (${fields.map((f) => `"${f}"`).join(', ')})`;
      const rows = slice.map(
        (record) =>
          `(${fields.map((f) => sqlLiteral(record[f], dialect, JSON_FIELDS.has(f))).join(', ')})`,
      );
      lines.push(`INSERT INTO "${type}"${columns} VALUES\n  ${rows.join(',\n  ')};`);
    }
  }
  lines.push('COMMIT;');

  return `${lines.join('\n')}\n`;
}

export const IMPORT_RESULT = `
  summary {
    totalRecords imported skipped failed deleted errorsOmitted
    errors { entityType index line field error record }
  }
  detailedResults { entityType imported skipped failed deleted }
  dryRun
  transactionId
`;

/** A header that lets a request through the CSRF check. */
export const CSRF_HEADER = { 'x-graphql-yoga-csrf': '1' };

export const IMPORT_DATABASE = `mutation($file: Upload!, $mode: ImportMode, $dryRun: Boolean) {
  importDatabase(file: $file, mode: $mode, dryRun: $dryRun) { ${IMPORT_RESULT} }
}`;

/** Uploads a file to importDatabase by the GraphQL multipart request spec, as browsers send it. */
export async function uploadFile(
  gw: TestGateway,
  name: string,
  content: string,
  variables: Record<string, unknown> = {},
) {
  const form = new FormData();
  form.append(
    'operations',
    JSON.stringify({ query: IMPORT_DATABASE, variables: { ...variables, file: null } }),
  );
  form.append('map', JSON.stringify({ 0: ['variables.file'] }));
  form.append('0', new Blob([content]), name);
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.adminToken}`, ...CSRF_HEADER },
    body: form,
  });

  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

export interface ImportArgs {
  mode?: 'APPEND' | 'UPSERT' | 'REPLACE';
  dryRun?: boolean;
  entityTypes?: string[];
  ignoreErrors?: boolean;
}

/** Sends a file as importDatabaseContent; returns the whole response. */
export function importContent(
  gw: TestGateway,
  content: string,
  format: 'JSON' | 'YAML' | 'SQL',
  args: ImportArgs = {},
  token: string = gw.adminToken,
) {
  return gw.gql(
    `mutation($content: String!, $format: ExportFormat!, $mode: ImportMode, $dryRun: Boolean,
              $entityTypes: [EntityType!], $ignoreErrors: Boolean) {
      importDatabaseContent(content: $content, format: $format, mode: $mode, dryRun: $dryRun,
                            entityTypes: $entityTypes, ignoreErrors: $ignoreErrors) {
        ${IMPORT_RESULT}
      }
    }`,
    { content, format, ...args },
    { token },
  );
}

/** The counts of one type in a result. */
export function countsOf(result: { detailedResults: Array<{ entityType: string }> }, type: string) {
  return result.detailedResults.find((r) => r.entityType === type);
}
