import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { USER_COLUMNS } from '../lib/bench-data';

type UserRow = Record<(typeof USER_COLUMNS)[number], string | number | boolean | null>;

const ROLES = ['public', 'user', 'moderator', 'admin', 'god', 'supergod'];
const TENANTS = [null, 'acme', 'globex'];
const T0 = 1_700_000_000_000;

/** The n-th generated user: every kind of value, quotes in text, nulls in optional fields. */
export function benchUser(n: number): UserRow {
  return {
    id: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
    username: `user_${n}`,
    email: `user_${n}@bench.example`,
    role: ROLES[n % ROLES.length],
    profilePicture: n % 4 === 0 ? `https://cdn.example/avatars/${n}.png` : null,
    bio: n % 3 === 0 ? null : `It's user ${n}, "quoted", with a comma`,
    createdAt: T0 + n * 1000,
    tenantId: TENANTS[n % TENANTS.length],
    isInstanceOwner: n === 0,
    passwordChangeTimestamp: n % 5 === 0 ? T0 + n : null,
    firstLogin: n % 2 === 0,
  };
}

async function writeAll(
  path: string,
  lines: (write: (text: string) => Promise<void>) => Promise<void>,
) {
  const stream: WriteStream = createWriteStream(path);
  let pending = '';
  const write = async (text: string) => {
    pending += text;
    if (pending.length >= 1 << 16) {
      const ok = stream.write(pending);
      pending = '';
      if (!ok) {
        await once(stream, 'drain');
      }
    }
  };
  await lines(write);
  stream.end(pending);
  await once(stream, 'finish');
}

/** The export's JSON shape, one record per line. */
export function writeJson(path: string, rows: number) {
  return writeAll(path, async (write) => {
    await write(`{"exportedAt":${T0},"version":"1.0","entities":{"User":[\n`);
    for (let n = 0; n < rows; n++) {
      await write(`${n > 0 ? ',\n' : ''}${JSON.stringify(benchUser(n))}`);
    }
    await write('\n]}}\n');
  });
}

function sqlValue(value: string | number | boolean | null): string {
  if (value === null) {
    return 'NULL';
  }
  if (typeof value === 'boolean') {
    return value ? 'TRUE' : 'FALSE';
  }

  return typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
}

/**
 * INSERT statements of `rowsPerInsert` rows inside BEGIN/COMMIT, with quoted names and TRUE and
 * FALSE, which psql, the sqlite3 shell and the gateway all read.
 */
export function writeSql(path: string, rows: number, rowsPerInsert = 1000) {
  const columns = USER_COLUMNS.map((c) => `"${c}"`).join(', ');
  return writeAll(path, async (write) => {
    await write('-- generated users\nBEGIN;\n');
    for (let start = 0; start < rows; start += rowsPerInsert) {
      const end = Math.min(rows, start + rowsPerInsert);
      await write(`INSERT INTO "User" (${columns}) VALUES\n`);
      for (let n = start; n < end; n++) {
        const values = USER_COLUMNS.map((c) => sqlValue(benchUser(n)[c])).join(', ');
        await write(`(${values})${n + 1 < end ? ',\n' : ';\n'}`);
      }
    }
    await write('COMMIT;\n');
  });
}

function csvValue(value: string | number | boolean | null): string {
  if (value === null) {
    return '';
  }
  if (typeof value === 'boolean') {
    return value ? 't' : 'f';
  }

  return typeof value === 'number' ? String(value) : `"${value.replace(/"/g, '""')}"`;
}

/** CSV for `\copy … csv header`: an empty unquoted field is NULL. */
export function writeCsv(path: string, rows: number) {
  return writeAll(path, async (write) => {
    await write(`${USER_COLUMNS.join(',')}\n`);
    for (let n = 0; n < rows; n++) {
      await write(`${USER_COLUMNS.map((c) => csvValue(benchUser(n)[c])).join(',')}\n`);
    }
  });
}
