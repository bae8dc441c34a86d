import { ConfigError, loadConfig } from '../src/config';

describe('configuration', () => {
  it('takes the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      dialect: 'sqlite',
      sqlitePath: './data/metabuilder.sqlite',
      seedDemo: true,
      sessionTtlHours: 24,
      rateLimitReadsPerMinute: 100,
      rateLimitWritesPerMinute: 50,
      maxUploadBytes: 104857600,
      logLevel: 'info',
    });
  });

  it('never seeds in production', () => {
    expect(loadConfig({ NODE_ENV: 'production', SEED_DEMO: 'true' }).seedDemo).toBe(false);
  });

  it.each([
    [{ PORT: '70000' }, "PORT must be an integer from 0 to 65535, got '70000'"],
    [{ PORT: 'eighty' }, "PORT must be an integer from 0 to 65535, got 'eighty'"],
    [{ SESSION_TTL_HOURS: '0' }, "SESSION_TTL_HOURS must be an integer of at least 1, got '0'"],
    [{ SEED_DEMO: 'maybe' }, "SEED_DEMO must be true or false, got 'maybe'"],
    [
      { LOG_LEVEL: 'loud' },
      "LOG_LEVEL must be one of debug, info, warn, error, silent, got 'loud'",
    ],
    [{ DATABASE_URL: 'mysql://x' }, "DATABASE_URL 'mysql://x' is not supported"],
    [{ ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD must have at least 8 characters'],
  ])('refuses %j with a message naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
