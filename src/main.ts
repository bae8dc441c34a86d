import { createWriteStream, renameSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { openServices } from './app';
import { type Config, ConfigError, loadConfig, readDotEnv } from './config';
import { createAdmin, DEMO_PASSWORD, seedDatabase } from './db/seed';
import { GatewayError } from './errors';
import { exportProgress } from './export-progress';
import { startGatewayServer } from './http/gateway-server';
import { IMPORT_USAGE, importCommand } from './import-command';
import { createLogger, type Logger } from './logger';
import { buildSchema, printSchemaText } from './schema';
import type { Services } from './services';
import type { ExportOptions } from './services/export/export-plan';
import { SYSTEM_ACTOR } from './services/record-query';

const USAGE = `Usage: npm run <command> [-- options]

  start          serve the gateway (migrates, and seeds an empty database outside production)
  migrate        bring the database schema up to date
  seed           seed an empty database with the admin and demo data
  create-admin   --username NAME --password PASSWORD: create or reset a supergod
  schema         print the GraphQL schema to schema.graphql (or --out FILE)
  export         write an export file:
                   --format json|yaml|sql (json)   --out FILE (database-export-YYYY-MM-DD.ext)
                   --entity-types User,Session     --filter '{"tenantId":"acme"}'
                   --include-sensitive             --dialect sqlite|postgres (of a SQL file)
                   --tenant ID (export only that tenant's records)
  import         ${IMPORT_USAGE}

Settings come from the environment (and .env): DATABASE_URL, PORT, HOST, ADMIN_PASSWORD, ...`;

type Command = (services: Services, args: string[], logger: Logger) => Promise<void>;

async function serve(services: Services, _args: string[], logger: Logger): Promise<void> {
  const { config } = services;
  if (!config.production) {
    const seed = await seedDatabase(services, {
      adminPassword: config.adminPassword,
      demo: config.seedDemo,
    });
    if (seed.seeded) {
      const password = seed.generated ? seed.adminPassword : '(the ADMIN_PASSWORD you set)';
      logger.info(
        { demoUsers: config.seedDemo, demoPassword: config.seedDemo ? DEMO_PASSWORD : undefined },
        'seeded an empty database',
      );
      // Shown once: the generated password is stored only as a hash.
      process.stdout.write(`\nLog in as admin with password: ${password}\n\n`);
    }
  }
  const gateway = await startGatewayServer(services, buildSchema(services.registry));
  logger.info(
    {
      url: gateway.url,
      dialect: config.dialect,
      database: describeDatabase(config),
      rateLimitStore: gateway.rateLimits.store.kind,
      readsPerMinute: config.rateLimitReadsPerMinute,
      writesPerMinute: config.rateLimitWritesPerMinute,
      queryLimits: config.limits,
      maxBodyBytes: config.maxBodyBytes,
      corsOrigins: config.corsOrigins,
    },
    'gateway listening',
  );
  process.stdout.write(`MetaBuilder Admin Gateway on ${gateway.url} (GraphiQL in a browser)\n`);

  // Stop taking requests, let those in flight finish (their transactions commit or roll back),
  // then close the database. A second signal does not start a second shutdown.
  const stop = async (signal: string) => {
    logger.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down');
    try {
      await gateway.close();
    } finally {
      await services.db.close();
    }
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await new Promise(() => undefined);
}

function describeDatabase(config: Config): string {
  return config.dialect === 'sqlite'
    ? `sqlite:${config.sqlitePath}`
    : config.databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** `export`: an export file for scripts and cron, with a progress bar on a terminal. */
const EXPORT_OPTIONS = {
  format: { type: 'string' },
  out: { type: 'string' },
  'entity-types': { type: 'string' },
  filter: { type: 'string' },
  'include-sensitive': { type: 'boolean' },
  dialect: { type: 'string' },
  tenant: { type: 'string' },
} as const;

async function exportCommand(services: Services, args: string[], logger: Logger): Promise<void> {
  let values: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof EXPORT_OPTIONS }>
  >['values'];
  try {
    ({ values } = parseArgs({ args, options: EXPORT_OPTIONS }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const options: ExportOptions = {
    format: values.format,
    entityTypes: values['entity-types']?.split(',').map((name) => name.trim()),
    includeSensitive: values['include-sensitive'] ?? false,
    dialect: values.dialect,
  };
  if (values.filter !== undefined) {
    try {
      options.filter = JSON.parse(values.filter);
    } catch {
      throw new ConfigError(`--filter must be JSON, got '${values.filter}'`);
    }
  }
  const actor = { ...SYSTEM_ACTOR, tenantId: values.tenant ?? null };

  // Written under a temporary name and renamed when complete: a failed run leaves no partial file.
  let out = values.out;
  let partial: string | undefined;
  let file: ReturnType<typeof createWriteStream> | undefined;
  const progress = exportProgress();
  const started = Date.now();
  try {
    const plan = services.exports.plan(options);
    const summary = await services.exports.write(
      actor,
      options,
      async (piece) => {
        if (!file!.write(piece)) {
          await once(file!, 'drain');
        }
      },
      {
        delivery: 'command-line',
        onStart: async (summary) => {
          out ??= summary.filename;
          partial = `${out}.partial`;
          file = createWriteStream(partial);
          await once(file, 'open');
          progress.start(summary.counts);
        },
        onProgress: (entityType, done, total) => progress.update(entityType, done, total),
      },
    );
    await new Promise<void>((resolve, reject) =>
      file!.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    renameSync(partial!, out!);
    progress.stop();
    const total = summary.counts.reduce((sum, c) => sum + c.count, 0);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`Wrote ${out}: ${total} records (${plan.format}) in ${seconds} s\n`);
  } catch (error) {
    progress.stop();
    file?.destroy();
    if (partial) {
      rmSync(partial, { force: true });
    }
    logger.error({ err: error }, 'export failed');
    throw error instanceof Error && 'extensions' in error ? new ConfigError(error.message) : error;
  }
}

const COMMANDS: Record<string, Command> = {
  export: exportCommand,
  serve,
  migrate: async (_services, _args, logger) => {
    logger.info('the database schema is up to date');
  },
  seed: async (services, _args, logger) => {
    const result = await seedDatabase(services, {
      adminPassword: services.config.adminPassword,
      demo: true,
    });
    if (!result.seeded) {
      logger.warn('the database already has users; nothing seeded');
      return;
    }
    process.stdout.write(`Seeded. Log in as admin with password: ${result.adminPassword}\n`);
  },
  'create-admin': async (services, args) => {
    const { values } = parseArgs({
      args,
      options: { username: { type: 'string' }, password: { type: 'string' } },
    });
    if (!values.username || !values.password) {
      throw new ConfigError('create-admin needs --username NAME and --password PASSWORD');
    }
    await createAdmin(services, values.username, values.password);
    process.stdout.write(`Supergod '${values.username}' is ready to log in.\n`);
  },
  import: (services, args) => importCommand(services, args),
};

async function printSchemaFile(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  const logger = createLogger('silent');
  const services = await openServices(
    { ...loadConfig({ LOG_LEVEL: 'silent' }), dialect: 'sqlite', sqlitePath: ':memory:' },
    logger,
    false,
  );
  try {
    writeFileSync(values.out ?? 'schema.graphql', printSchemaText(buildSchema(services.registry)));
  } finally {
    await services.db.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [name = 'serve', ...args] = argv;
  // Help needs no database: it is answered before anything is opened or migrated.
  if (name === 'help' || name === '--help' || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (name === 'print-schema') {
    await printSchemaFile(args);
    return;
  }
  const command = COMMANDS[name];
  if (!command) {
    throw new ConfigError(
      `Unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')}`,
    );
  }

  readDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  logger.info(
    {
      dialect: config.dialect,
      port: config.port,
      host: config.host,
      production: config.production,
      persistedOperationsOnly: config.persistedOperationsOnly,
    },
    'starting',
  );
  const services = await openServices(config, logger);
  try {
    await command(services, args, logger);
  } finally {
    await services.db.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof GatewayError
      ? error.message
      : error instanceof Error
        ? error.stack
        : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
