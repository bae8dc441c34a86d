import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { printSchema } from 'graphql';
import { openServices } from './app';
import { type Config, ConfigError, loadConfig, readDotEnv } from './config';
import { createAdmin, DEMO_PASSWORD, seedDatabase } from './db/seed';
import { GatewayError } from './errors';
import { startGatewayServer } from './http/gateway-server';
import { IMPORT_USAGE, importCommand } from './import-command';
import { createLogger, type Logger } from './logger';
import { buildSchema, sortedSchema } from './schema';
import type { Services } from './services';

const USAGE = `Usage: npm run <command> [-- options]

  start          serve the gateway (migrates, and seeds an empty database outside production)
  migrate        bring the database schema up to date
  seed           seed an empty database with the admin and demo data
  create-admin   --username NAME --password PASSWORD: create or reset a supergod
  schema         print the GraphQL schema to schema.graphql (or --out FILE)
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
    { url: gateway.url, dialect: config.dialect, database: describeDatabase(config) },
    'gateway listening',
  );
  process.stdout.write(`MetaBuilder Admin Gateway on ${gateway.url} (GraphiQL in a browser)\n`);

  const stop = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await gateway.close();
    await services.db.close();
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

const COMMANDS: Record<string, Command> = {
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
    const text = `${printSchema(sortedSchema(buildSchema(services.registry)))}\n`;
    writeFileSync(values.out ?? 'schema.graphql', text);
  } finally {
    await services.db.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const [name = 'serve', ...args] = argv;
  if (name === 'help' || name === '--help') {
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
