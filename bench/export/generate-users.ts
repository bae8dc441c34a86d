import type { DialectName } from '../../src/config';
import type { Database } from '../../src/db/database';

/**
 * The expression of every column of generated user `n` (1, 2, ...), written once for both
 * dialects so that SQLite and PostgreSQL hold the same rows. A third of the users have a bio of
 * two lines with quotes, a backslash and an emoji; a third of them belong to each tenant.
 */
function columns(dialect: DialectName, n: string): Record<string, string> {
  const pad = dialect === 'postgres' ? `lpad(${n}::text, 8, '0')` : `printf('%08d', ${n})`;
  const newline = dialect === 'postgres' ? 'chr(10)' : 'char(10)';
  const roles = `(ARRAY['public','user','moderator','admin','god','supergod'])`;
  const role =
    dialect === 'postgres'
      ? `${roles}[(${n} % 6) + 1]`
      : `CASE ${n} % 6 WHEN 0 THEN 'public' WHEN 1 THEN 'user' WHEN 2 THEN 'moderator' ` +
        `WHEN 3 THEN 'admin' WHEN 4 THEN 'god' ELSE 'supergod' END`;
  const bool = (expression: string) =>
    dialect === 'postgres' ? `(${expression})` : `CASE WHEN ${expression} THEN 1 ELSE 0 END`;

  return {
    id: `'usr_' || ${pad}`,
    username: `'user_' || ${pad}`,
    email: `'user_' || ${pad} || '@example.com'`,
    role,
    profilePicture:
      `CASE WHEN ${n} % 4 = 0 ` + `THEN 'https://cdn.example.com/avatars/' || ${pad} || '.png' END`,
    bio:
      `CASE WHEN ${n} % 3 = 0 THEN 'Writes about "databases", O''Reilly books and C:\\temp' ` +
      `|| ${newline} || 'Second line 😀 for user ' || ${pad} END`,
    createdAt: `1700000000000 + ${n} * 1000`,
    tenantId: `CASE ${n} % 3 WHEN 0 THEN 'acme' WHEN 1 THEN 'globex' END`,
    isInstanceOwner: bool(`${n} = 1`),
    passwordChangeTimestamp: `CASE WHEN ${n} % 2 = 0 THEN 1710000000000 + ${n} END`,
    firstLogin: bool(`${n} % 5 = 0`),
  };
}

/** Fills the (empty, migrated) User table with `rows` generated users, in chunks. */
export async function generateUsers(db: Database, rows: number): Promise<void> {
  const dialect = db.dialect.name;
  const chunk = 100_000;
  for (let start = 1; start <= rows; start += chunk) {
    const end = Math.min(rows, start + chunk - 1);
    const values = columns(dialect, 'n');
    const names = Object.keys(values).map((name) => db.dialect.quote(name));
    const select = Object.values(values).join(', ');
    const series =
      dialect === 'postgres'
        ? `generate_series(${start}, ${end}) AS s(n)`
        : `(WITH RECURSIVE s(n) AS (SELECT ${start} UNION ALL ` +
          `SELECT n + 1 FROM s WHERE n < ${end}) SELECT n FROM s) AS s`;
    await db.query(`INSERT INTO "User" (${names.join(', ')}) SELECT ${select} FROM ${series}`);
  }
  if (dialect === 'postgres') {
    await db.query('VACUUM ANALYZE "User"');
  }
}
