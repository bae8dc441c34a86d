import { statfs, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DEMO_PASSWORD } from '../src/db/seed';
import {
  connectionHealth,
  cacheHitHealth,
  diskSpaceHealth,
} from '../src/services/stats/health-thresholds';
import {
  DIALECTS,
  dataOf,
  errorCode,
  q,
  startTestGateway,
  type GraphQLResponse,
  type TestGateway,
} from './harness';

const STATS = `query Stats($detailed: Boolean, $storage: Boolean) {
  databaseStats(detailed: $detailed, storage: $storage) {
    dialect version totalTables totalRecords totalSize totalSizeBytes databaseSize databaseSizeBytes
    tables {
      name recordCount size sizeBytes indexSize indexSizeBytes totalSize totalSizeBytes
      lastVacuum lastAnalyze
    }
    health
    healthChecks { diskSpace activeConnections cacheHitRatio indexHealth }
    indexIssues { entityType index problem message }
    activeConnections maxConnections cacheHitRatio lastVacuum lastAnalyze lastUpdated collectedAt
    diskSpace { path totalBytes total freeBytes availableBytes available freePercent }
    sqlite { pageSize pageCount freePages journalMode integrityCheckPragma integrityCheck }
  }
}`;

type Stats = Record<string, any>;

async function statsOf(
  gw: TestGateway,
  variables: { detailed?: boolean; storage?: boolean },
  token = gw.adminToken,
): Promise<Stats> {
  return dataOf(await gw.gql<{ databaseStats: Stats }>(STATS, variables, { token })).databaseStats;
}

function table(stats: Stats, name: string): Stats {
  const found = stats.tables.find((t: Stats) => t.name === name);
  if (!found) {
    throw new Error(
      `no table ${name} in ${JSON.stringify(stats.tables.map((t: Stats) => t.name))}`,
    );
  }

  return found;
}

async function count(gw: TestGateway, name: string, where = 'TRUE', params: unknown[] = []) {
  const [row] = await gw.sql(`SELECT COUNT(*) AS n FROM ${q(name)} WHERE ${where}`, params);

  return Number(row.n);
}

let inserted = 0;

/** Inserts users straight into the table, as another program writing to the database would. */
async function insertUsers(gw: TestGateway, total: number, tenantId: string | null) {
  for (let done = 0; done < total; done += 200) {
    const rows: string[] = [];
    const params: unknown[] = [];
    for (let i = done; i < Math.min(total, done + 200); i++) {
      const n = inserted++;
      rows.push('(?, ?, ?, ?, ?, ?)');
      params.push(
        `usr-st-${n}`,
        `stats_${n}`,
        `stats${n}@stats.example`,
        1,
        tenantId,
        'b'.repeat(300),
      );
    }
    await gw.sql(
      `INSERT INTO ${q('User')} (${['id', 'username', 'email', 'createdAt', 'tenantId', 'bio']
        .map(q)
        .join(', ')}) VALUES ${rows.join(', ')}`,
      params,
    );
  }
}

/** Every number in the result is finite, and every size string belongs to a size. */
function expectSaneFigures(value: unknown): void {
  if (typeof value === 'number') {
    expect(Number.isFinite(value)).toBe(true);
  } else if (Array.isArray(value)) {
    value.forEach(expectSaneFigures);
  } else if (value && typeof value === 'object') {
    Object.values(value).forEach(expectSaneFigures);
  }
}

function expectSizes(entry: Stats, present: boolean): void {
  for (const field of ['sizeBytes', 'indexSizeBytes', 'totalSizeBytes']) {
    if (present) {
      expect(typeof entry[field]).toBe('number');
      expect(entry[field.replace(/Bytes$/, '')]).toMatch(/^\d+(\.\d)? (B|KB|MB|GB|TB)$/);
    } else {
      expect(entry[field]).toBeNull();
      expect(entry[field.replace(/Bytes$/, '')]).toBeNull();
    }
  }
}

describe.each(DIALECTS)('databaseStats on %s', (dialect) => {
  describe('read afresh on every request', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway(dialect, { env: { STATS_CACHE_SECONDS: '0' } });
    });
    afterAll(() => gw?.close());

    it('counts the records of every table exactly, as the database does', async () => {
      const stats = await statsOf(gw, { detailed: true });

      expect(stats.dialect).toBe(dialect === 'sqlite' ? 'SQLITE' : 'POSTGRES');
      expect(stats.tables.map((t: Stats) => t.name)).toEqual(gw.services.registry.names);
      expect(stats.totalTables).toBe(gw.services.registry.names.length);
      for (const entry of stats.tables) {
        expect(entry.recordCount).toBe(await count(gw, entry.name));
      }
      const sum = stats.tables.reduce((total: number, t: Stats) => total + t.recordCount, 0);
      expect(stats.totalRecords).toBe(sum);
      expect(table(stats, 'User').recordCount).toBe(19);
    });

    it('counts the tables the catalog lists, besides the migrations table', async () => {
      const catalog =
        dialect === 'sqlite'
          ? await gw.sql(
              "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
          : await gw.sql(
              'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()',
            );
      const names = catalog.map((row) => row.name).filter((name) => name !== 'migrations');
      const stats = await statsOf(gw, {});

      expect(stats.totalTables).toBe(names.length);
      expect(names.sort()).toEqual([...gw.services.registry.names].sort());
    });

    it('sees inserted records on the next request', async () => {
      const before = await statsOf(gw, { detailed: true });
      await insertUsers(gw, 3, null);
      const after = await statsOf(gw, { detailed: true });

      expect(table(after, 'User').recordCount).toBe(table(before, 'User').recordCount + 3);
      expect(after.totalRecords).toBe(before.totalRecords + 3);
      expect(after.collectedAt).toBeGreaterThanOrEqual(before.collectedAt);
    });

    it("counts only the records of a confined supergod's tenant", async () => {
      const acme = await gw.login('acme-supergod', DEMO_PASSWORD);
      const before = await statsOf(gw, { detailed: true }, acme);
      const all = await statsOf(gw, { detailed: true });

      // The tenant's counts are those the entity browser gives the same caller, type by type.
      for (const entry of before.tables) {
        const page = dataOf(
          await gw.gql(
            'query($t: EntityType!) { entities(entityType: $t) { pagination { total } } }',
            { t: entry.name },
            { token: acme },
          ),
        );
        expect(entry.recordCount).toBe(page.entities.pagination.total);
      }
      const acmeUsers = await count(gw, 'User', `${q('tenantId')} = ?`, ['acme']);
      expect(table(before, 'User').recordCount).toBe(acmeUsers);
      expect(before.totalRecords).toBeLessThan(all.totalRecords);
      // A child type without tenantId is counted through its parent.
      expect(table(before, 'Session').recordCount).toBeLessThan(table(all, 'Session').recordCount);

      await insertUsers(gw, 2, 'globex');
      await insertUsers(gw, 1, 'acme');
      const after = await statsOf(gw, { detailed: true }, acme);
      const allAfter = await statsOf(gw, { detailed: true });

      expect(table(after, 'User').recordCount).toBe(acmeUsers + 1);
      expect(table(allAfter, 'User').recordCount).toBe(table(all, 'User').recordCount + 3);
    });

    it('leaves the tables out without detailed, and keeps the totals', async () => {
      const brief = await statsOf(gw, {});
      const detailed = await statsOf(gw, { detailed: true });

      expect(brief.tables).toEqual([]);
      expect(brief.totalTables).toBe(detailed.totalTables);
      expect(brief.totalRecords).toBe(detailed.totalRecords);
    });

    it('reads no size without storage', async () => {
      const stats = await statsOf(gw, { detailed: true });

      expect(stats.totalSizeBytes).toBeNull();
      expect(stats.totalSize).toBeNull();
      expect(stats.databaseSizeBytes).toBeNull();
      stats.tables.forEach((entry: Stats) => expectSizes(entry, false));
    });

    it('reads sizes that match the catalog and grow with the data', async () => {
      const before = await statsOf(gw, { detailed: true, storage: true });
      const user = table(before, 'User');
      const sum = before.tables.reduce((total: number, t: Stats) => total + t.totalSizeBytes, 0);
      expect(before.totalSizeBytes).toBe(sum);
      before.tables.forEach((entry: Stats) => {
        expectSizes(entry, true);
        expect(entry.totalSizeBytes).toBe(entry.sizeBytes + entry.indexSizeBytes);
      });

      if (dialect === 'postgres') {
        const [row] = await gw.sql(
          `SELECT pg_table_size('"User"') AS t, pg_indexes_size('"User"') AS i, ` +
            'pg_database_size(current_database()) AS d',
        );
        expect(user.sizeBytes).toBe(Number(row.t));
        expect(user.indexSizeBytes).toBe(Number(row.i));
        expect(before.databaseSizeBytes).toBeGreaterThan(0);
      } else {
        const rows = await gw.sql(
          'SELECT s.type AS type, SUM(d.pgsize) AS bytes FROM dbstat AS d ' +
            "JOIN sqlite_schema AS s ON s.name = d.name WHERE s.tbl_name = 'User' GROUP BY s.type",
        );
        const bytes = (type: string) => Number(rows.find((r) => r.type === type)?.bytes);
        expect(user.sizeBytes).toBe(bytes('table'));
        expect(user.indexSizeBytes).toBe(bytes('index'));
        const [pages] = await gw.sql(
          'SELECT (SELECT page_count FROM pragma_page_count) AS n, ' +
            '(SELECT page_size FROM pragma_page_size) AS size',
        );
        expect(before.databaseSizeBytes).toBe(Number(pages.n) * Number(pages.size));
      }

      // Fewer rows than start an autovacuum, so that later figures stay put.
      await insertUsers(gw, 500, 'acme');
      const after = await statsOf(gw, { detailed: true, storage: true });

      expect(table(after, 'User').sizeBytes).toBeGreaterThan(user.sizeBytes);
      expect(table(after, 'User').indexSizeBytes).toBeGreaterThan(user.indexSizeBytes);
      expect(after.totalSizeBytes).toBeGreaterThan(before.totalSizeBytes);
      expect(after.databaseSizeBytes).toBeGreaterThan(before.databaseSizeBytes);
    });

    it('reads the version from the database', async () => {
      const stats = await statsOf(gw, {});
      const [row] =
        dialect === 'sqlite'
          ? await gw.sql('SELECT sqlite_version() AS v')
          : await gw.sql("SELECT current_setting('server_version') AS v");

      expect(stats.version).toBe(row.v);
    });

    it('measures the volume that holds the data', async () => {
      const stats = await statsOf(gw, {});
      let folder: string;
      if (dialect === 'sqlite') {
        folder = dirname(gw.services.config.sqlitePath!);
      } else {
        const [row] = await gw.sql("SELECT setting FROM pg_settings WHERE name = 'data_directory'");
        folder = row.setting;
      }
      const volume = await statfs(folder);
      const disk = stats.diskSpace;

      expect(disk.totalBytes).toBe(volume.blocks * volume.bsize);
      expect(disk.availableBytes).toBeGreaterThanOrEqual(0);
      expect(disk.availableBytes).toBeLessThanOrEqual(disk.freeBytes);
      expect(disk.freeBytes).toBeLessThanOrEqual(disk.totalBytes);
      expect(disk.freePercent).toBeCloseTo((disk.availableBytes / disk.totalBytes) * 100, 10);
      expect(stats.healthChecks.diskSpace).toBe(diskSpaceHealth(disk.freePercent));
    });

    it('takes health as the worst of the checks, leaving out those without figures', async () => {
      const stats = await statsOf(gw, {});
      const rank = ['GOOD', 'WARNING', 'CRITICAL'];
      const checks = Object.values(stats.healthChecks).filter((check) => check !== null);
      const worst = checks.reduce(
        (w: string, c) => (rank.indexOf(c as string) > rank.indexOf(w) ? (c as string) : w),
        'GOOD',
      );

      expect(stats.health).toBe(worst);
      expect(stats.healthChecks.cacheHitRatio).toBe(cacheHitHealth(stats.cacheHitRatio));
      expect(stats.healthChecks.activeConnections).toBe(
        connectionHealth(stats.activeConnections, stats.maxConnections),
      );
      expect(stats.healthChecks.indexHealth).toBe('GOOD');
      expect(stats.indexIssues).toEqual([]);
    });

    if (dialect === 'sqlite') {
      it("gives null for what SQLite does not keep, and the file's own figures", async () => {
        const stats = await statsOf(gw, { detailed: true });

        expect(stats.activeConnections).toBeNull();
        expect(stats.maxConnections).toBeNull();
        expect(stats.cacheHitRatio).toBeNull();
        expect(stats.lastVacuum).toBeNull();
        expect(stats.lastAnalyze).toBeNull();
        expect(stats.healthChecks.activeConnections).toBeNull();
        expect(stats.healthChecks.cacheHitRatio).toBeNull();
        stats.tables.forEach((entry: Stats) => {
          expect(entry.lastVacuum).toBeNull();
          expect(entry.lastAnalyze).toBeNull();
        });

        const [pragmas] = await gw.sql(
          'SELECT (SELECT page_size FROM pragma_page_size) AS size, ' +
            '(SELECT page_count FROM pragma_page_count) AS pages, ' +
            '(SELECT freelist_count FROM pragma_freelist_count) AS free, ' +
            '(SELECT journal_mode FROM pragma_journal_mode) AS journal',
        );
        expect(stats.sqlite).toMatchObject({
          pageSize: Number(pragmas.size),
          pageCount: Number(pragmas.pages),
          freePages: Number(pragmas.free),
          journalMode: pragmas.journal,
          integrityCheckPragma: 'quick_check',
          integrityCheck: 'ok',
        });
        const full = await statsOf(gw, { storage: true });
        expect(full.sqlite.integrityCheckPragma).toBe('integrity_check');
        expect(full.sqlite.integrityCheck).toBe('ok');
      });

      it('takes lastUpdated from the file and its write-ahead log', async () => {
        await insertUsers(gw, 1, null);
        const stats = await statsOf(gw, {});
        const file = gw.services.config.sqlitePath!;
        const times = await Promise.all(
          [file, `${file}-wal`].map((path) => stat(path).then((s) => Math.floor(s.mtimeMs))),
        );

        expect(stats.lastUpdated).toBe(Math.max(...times));
      });
    } else {
      it('gives null for what PostgreSQL does not keep here', async () => {
        const stats = await statsOf(gw, {});
        const [row] = await gw.sql("SELECT current_setting('track_commit_timestamp') AS setting");

        expect(stats.sqlite).toBeNull();
        expect(row.setting).toBe('off');
        expect(stats.lastUpdated).toBeNull();
      });

      it('reads connections from the server', async () => {
        const stats = await statsOf(gw, {});
        const [row] = await gw.sql("SELECT current_setting('max_connections')::int AS max");

        expect(stats.maxConnections).toBe(Number(row.max));
        // Other clients come and go; the gateway's own connection is always among them.
        expect(stats.activeConnections).toBeGreaterThanOrEqual(1);
        expect(stats.activeConnections).toBeLessThanOrEqual(stats.maxConnections);
      });

      it('reads the cache hit ratio of this database', async () => {
        const blocks = async () => {
          const [row] = await gw.sql(
            'SELECT blks_hit AS hit, blks_read AS read FROM pg_stat_database ' +
              'WHERE datname = current_database()',
          );

          return { hit: Number(row.hit), read: Number(row.read) };
        };
        const first = await blocks();
        const stats = await statsOf(gw, {});
        const last = await blocks();

        // The counters only grow, so the ratio read lies between these bounds.
        expect(stats.cacheHitRatio).toBeGreaterThanOrEqual(
          (first.hit / (first.hit + last.read)) * 100,
        );
        expect(stats.cacheHitRatio).toBeLessThanOrEqual((last.hit / (last.hit + first.read)) * 100);
      });

      it('reads the latest vacuum and analyze from the catalog', async () => {
        await gw.sql('VACUUM ANALYZE "User"');
        const stats = await statsOf(gw, { detailed: true });
        const [row] = await gw.sql(
          'SELECT FLOOR(EXTRACT(EPOCH FROM GREATEST(last_vacuum, last_autovacuum)) * 1000) AS v, ' +
            'FLOOR(EXTRACT(EPOCH FROM GREATEST(last_analyze, last_autoanalyze)) * 1000) AS a ' +
            "FROM pg_stat_user_tables WHERE relname = 'User'",
        );

        expect(table(stats, 'User').lastVacuum).toBe(Number(row.v));
        expect(table(stats, 'User').lastAnalyze).toBe(Number(row.a));
        expect(stats.lastVacuum).toBeGreaterThanOrEqual(Number(row.v));
        expect(stats.lastAnalyze).toBeGreaterThanOrEqual(Number(row.a));
      });

      it('reports an invalid index as critical', async () => {
        // A concurrent unique build over duplicate values fails and leaves the index invalid.
        await expect(
          gw.sql('CREATE UNIQUE INDEX CONCURRENTLY "stats_bad_role" ON "User" ("role")'),
        ).rejects.toThrow();
        try {
          const stats = await statsOf(gw, {});

          expect(stats.healthChecks.indexHealth).toBe('CRITICAL');
          expect(stats.health).toBe('CRITICAL');
          expect(stats.indexIssues).toEqual([
            expect.objectContaining({
              entityType: 'User',
              index: 'stats_bad_role',
              problem: 'INVALID',
            }),
          ]);
        } finally {
          await gw.sql('DROP INDEX "stats_bad_role"');
        }
        const healed = await statsOf(gw, {});
        expect(healed.healthChecks.indexHealth).toBe('GOOD');
        expect(healed.indexIssues).toEqual([]);
      });

      it('warns of indexes never scanned on a table of many rows', async () => {
        await gw.sql(
          `INSERT INTO "AuditLog" ("id", "at", "action") ` +
            `SELECT 'log-st-' || n, n, 'stats' FROM generate_series(1, 10000) AS n`,
        );
        // VACUUM records the table's row count in the statistics the check reads.
        await gw.sql('VACUUM "AuditLog"');
        try {
          const stats = await statsOf(gw, {});
          const catalog = await gw.sql(
            'SELECT s.indexrelname AS name FROM pg_stat_user_indexes AS s ' +
              'JOIN pg_index AS x ON x.indexrelid = s.indexrelid ' +
              "WHERE s.relname = 'AuditLog' AND s.idx_scan = 0 AND NOT x.indisunique " +
              'ORDER BY 1',
          );
          const unused = stats.indexIssues.filter((i: Stats) => i.entityType === 'AuditLog');

          expect(catalog.length).toBeGreaterThan(0);
          expect(unused.map((i: Stats) => i.index)).toEqual(catalog.map((row) => row.name));
          expect(unused.every((i: Stats) => i.problem === 'UNUSED')).toBe(true);
          expect(stats.healthChecks.indexHealth).toBe('WARNING');
        } finally {
          await gw.sql(`DELETE FROM "AuditLog" WHERE "action" = 'stats'`);
          await gw.sql('VACUUM "AuditLog"');
        }
        expect((await statsOf(gw, {})).healthChecks.indexHealth).toBe('GOOD');
      });
    }

    it('is refused without a session and below level 5, revealing nothing', async () => {
      const anonymous = await gw.gql(STATS, {});
      expect(anonymous.status).toBe(401);
      expect(errorCode(anonymous)).toBe('UNAUTHENTICATED');
      expect(anonymous.errors?.[0].message).toBe('Authentication required');
      expect(anonymous.data).toBeNull();

      const admin = await gw.login('acme-admin', DEMO_PASSWORD);
      const lower = await gw.gql(STATS, {}, { token: admin });
      expect(lower.status).toBe(403);
      expect(errorCode(lower)).toBe('FORBIDDEN');
      expect(lower.errors?.[0].message).toBe(
        'Insufficient permissions. Required level: 5, your level: 3',
      );
      expect(lower.data).toBeNull();
    });
  });

  describe('on a fresh database, with the cache', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway(dialect, { demo: false, env: { STATS_CACHE_SECONDS: '2' } });
    });
    afterAll(() => gw?.close());

    it('answers with finite figures and zero counts for empty tables', async () => {
      const response: GraphQLResponse = await gw.gql(
        STATS,
        { detailed: true, storage: true },
        { token: gw.adminToken },
      );
      const stats = dataOf(response).databaseStats;

      expectSaneFigures(stats);
      expect(table(stats, 'Workflow').recordCount).toBe(0);
      expect(table(stats, 'User').recordCount).toBe(1);
      expectSizes(table(stats, 'Workflow'), true);
      if (dialect === 'postgres') {
        expect(table(stats, 'Workflow').lastVacuum).toBeNull();
      }
    });

    it('reuses a result per tenant until the cache expires', async () => {
      const boss = dataOf(
        await gw.gql(
          'mutation($d: JSON!) { createEntity(entityType: User, data: $d) }',
          {
            d: {
              username: 'acme-boss',
              email: 'boss@acme.example',
              role: 'supergod',
              tenantId: 'acme',
            },
          },
          { token: gw.adminToken },
        ),
      ).createEntity;
      dataOf(
        await gw.gql(
          'mutation($id: ID!) { setUserPassword(userId: $id, password: "boss-password") }',
          { id: boss.id },
          { token: gw.adminToken },
        ),
      );
      const acme = await gw.login('acme-boss', 'boss-password');

      const first = await statsOf(gw, { detailed: true });
      await insertUsers(gw, 4, 'acme');
      const cached = await statsOf(gw, { detailed: true });

      expect(cached.collectedAt).toBe(first.collectedAt);
      expect(table(cached, 'User').recordCount).toBe(table(first, 'User').recordCount);

      // The tenant has its own result, read now.
      const tenant = await statsOf(gw, { detailed: true }, acme);
      expect(table(tenant, 'User').recordCount).toBe(5);
      expect(tenant.collectedAt).toBeGreaterThanOrEqual(first.collectedAt);

      // Another choice of storage figures is read on its own.
      const withSizes = await statsOf(gw, { detailed: true, storage: true });
      expect(withSizes.totalSizeBytes).toEqual(expect.any(Number));

      while (Date.now() < first.collectedAt + 2000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const fresh = await statsOf(gw, { detailed: true });
      expect(fresh.collectedAt).toBeGreaterThanOrEqual(first.collectedAt + 2000);
      expect(table(fresh, 'User').recordCount).toBe(table(first, 'User').recordCount + 4);
    });
  });
});
