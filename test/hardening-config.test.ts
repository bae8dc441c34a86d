import { ConfigError, loadConfig } from '../src/config';

describe('hardening settings', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      rateLimitReadsPerMinute: 100,
      rateLimitWritesPerMinute: 50,
      rateLimitTenantPerMinute: 1000,
      rateLimitGlobalPerMinute: 10000,
      loginAttemptsPerUsername: 5,
      loginAttemptsPerIp: 20,
      loginBlockMinutes: 15,
      rateLimitStore: 'memory',
      rateLimitKeyPrefix: 'mb-rl',
      maxBodyBytes: 1048576,
      limits: { depth: 8, cost: 5000, aliases: 15, directives: 20, tokens: 2000, batch: 10 },
      readyTimeoutMs: 2000,
      shutdownTimeoutMs: 30000,
      corsOrigins: [],
      secureCookies: false,
    });
  });

  it('reads them from the environment', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://db.internal/metabuilder',
      RATE_LIMIT_STORE: 'postgres',
      QUERY_MAX_BATCH: '0',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      RATE_LIMIT_GLOBAL_PER_MINUTE: '0',
    });
    expect(config.rateLimitStore).toBe('postgres');
    expect(config.limits.batch).toBe(0);
    expect(config.rateLimitGlobalPerMinute).toBe(0);
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it.each([
    [{ RATE_LIMIT_STORE: 'postgres' }, /needs a postgres:\/\/ DATABASE_URL/],
    [
      { RATE_LIMIT_STORE: 'memcached' },
      /RATE_LIMIT_STORE must be memory, postgres or a redis:\/\/ URL, got 'memcached'/,
    ],
    [{ QUERY_MAX_DEPTH: '0' }, /QUERY_MAX_DEPTH must be an integer of at least 1, got '0'/],
    [{ MAX_BODY_BYTES: '10' }, /MAX_BODY_BYTES must be an integer of at least 1024, got '10'/],
    [
      { RATE_LIMIT_READS_PER_MINUTE: 'lots' },
      /RATE_LIMIT_READS_PER_MINUTE must be an integer of at least 1, got 'lots'/,
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
