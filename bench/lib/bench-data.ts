/**
 * Deterministic rows for the benchmark tables: the same index always gives the same row, so the
 * PostgreSQL database and the SQLite file of one size hold the same data, and a query can name a
 * row by its index.
 */

export type Value = string | number | boolean | null;

export interface TableData {
  table: string;
  columns: string[];
  row(index: number): Value[];
}

const DAY = 24 * 3600_000;
/** Timestamps are spread over three years before this instant. */
const BASE = Date.UTC(2025, 0, 1);
export const TENANTS = 50;

/** A 32-bit integer hash (a variant of splitmix32): cheap and evenly spread. */
function hash(value: number): number {
  let x = (value + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);

  return (x ^ (x >>> 15)) >>> 0;
}

const hex8 = (value: number) => value.toString(16).padStart(8, '0');

/** A UUID-shaped key, scattered like random UUIDs are, unique per table and index. */
export function keyOf(table: number, index: number): string {
  const a = hex8(hash(index * 4 + table));
  const b = hex8(hash(index * 4 + table + 0x40000000));
  const c = hex8(index);

  const tail = `${c.slice(3)}${hex8(hash(table)).slice(0, 7)}`;

  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-8${c.slice(0, 3)}-${tail}`;
}

const USER = 0;
const SESSION = 1;
const PAGE = 2;

export const userId = (index: number) => keyOf(USER, index);

/** A role with the shape of a real instance: mostly users, a few administrators. */
function roleOf(index: number): string {
  const n = index % 100;
  if (n < 80) return 'user';
  if (n < 90) return 'moderator';
  if (n < 96) return 'admin';
  if (n < 98) return 'god';
  if (n < 99) return 'supergod';

  return 'public';
}

export function tenantOf(index: number): string | null {
  const n = hash(index ^ 0x5bd1e995) % (TENANTS + 1);

  return n === TENANTS ? null : `tenant-${n}`;
}

/** The columns of User, in table order. */
export const USER_COLUMNS = [
  'id',
  'username',
  'email',
  'role',
  'profilePicture',
  'bio',
  'createdAt',
  'tenantId',
  'isInstanceOwner',
  'passwordChangeTimestamp',
  'firstLogin',
] as const;

export function users(): TableData {
  return {
    table: 'User',
    columns: [...USER_COLUMNS],
    row: (i) => [
      userId(i),
      `user_${i}`,
      `user_${i}@example.com`,
      roleOf(i),
      i % 4 === 0 ? `https://cdn.example.com/avatars/${i}.png` : null,
      i % 3 === 0 ? `Member number ${i}, writes about topic ${i % 97}.` : null,
      BASE - (hash(i) % (1095 * DAY)),
      tenantOf(i),
      false,
      i % 5 === 0 ? BASE - (hash(i + 7) % (30 * DAY)) : null,
      i % 7 === 0,
    ],
  };
}

export function sessions(userCount: number): TableData {
  return {
    table: 'Session',
    columns: [
      'id',
      'userId',
      'token',
      'expiresAt',
      'createdAt',
      'lastActivity',
      'ipAddress',
      'userAgent',
    ],
    row: (i) => {
      const created = BASE - (hash(i + 3) % (60 * DAY));
      const token = [1, 2, 3, 4, 5, 6, 7, 8].map((k) => hex8(hash(i * 8 + k))).join('');

      return [
        keyOf(SESSION, i),
        userId(hash(i) % userCount),
        token,
        created + 30 * DAY,
        created,
        created + (hash(i + 5) % DAY),
        `10.${hash(i) % 256}.${(i >>> 8) % 256}.${i % 256}`,
        `Mozilla/5.0 (X11; Linux x86_64) bench/${i % 13}`,
      ];
    },
  };
}

export function pages(): TableData {
  return {
    table: 'PageConfig',
    columns: [
      'id',
      'tenantId',
      'packageId',
      'path',
      'title',
      'description',
      'icon',
      'component',
      'componentTree',
      'level',
      'requiresAuth',
      'requiredRole',
      'parentPath',
      'sortOrder',
      'isPublished',
      'params',
      'meta',
      'createdAt',
      'updatedAt',
    ],
    row: (i) => {
      const level = i % 6;
      const tree = {
        type: 'PageLayout',
        children: [{ type: 'Header', props: { title: `Page ${i}` } }, { type: 'Content' }],
      };

      return [
        keyOf(PAGE, i),
        `tenant-${i % TENANTS}`,
        i % 10 === 0 ? 'forum' : null,
        `/pages/${i}`,
        `Page ${i}`,
        i % 2 === 0 ? `The page number ${i}.` : null,
        null,
        'PageLayout',
        JSON.stringify(tree),
        level,
        level > 0,
        level >= 3 ? 'admin' : null,
        i % 10 === 0 ? null : `/pages/${i - (i % 10)}`,
        i % 100,
        i % 9 !== 0,
        null,
        JSON.stringify({ seo: { title: `Page ${i}` } }),
        BASE - (hash(i + 11) % (365 * DAY)),
        null,
      ];
    },
  };
}

/** The tables of one data size, parents first. */
export function benchTables(rows: number): TableData[] {
  return [users(), sessions(rows), pages()];
}
