import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { GatewayError } from '../errors';
import type { RateLimitStore } from './rate-limit-store';

/** Queries read; mutations write. */
export type OperationKind = 'read' | 'write';

/** Who sends an operation, as the limits count it. */
export interface Caller {
  userId: string | null;
  tenantId: string | null;
  ipAddress: string | null;
}

interface Scope {
  /** What the refusal names: the budget that ran out. */
  scope: 'user' | 'ip' | 'tenant' | 'global';
  limiter: RateLimiterAbstract;
  points: number;
  key: string;
  per: string;
}

const MINUTE = 60;

/** The 429 of a budget that ran out, with the seconds to wait in `Retry-After`. */
export function rateLimited(message: string, details: Record<string, unknown>, ms: number) {
  const retryAfter = Math.max(1, Math.ceil(ms / 1000));

  return new GatewayError(
    'RATE_LIMITED',
    `${message} Retry in ${retryAfter} s.`,
    { ...details, retryAfter },
    { 'Retry-After': String(retryAfter) },
  );
}

/**
 * The gateway's budgets. Every operation counts against its caller (the user, or the address
 * when anonymous; reads and writes apart), the caller's tenant and the whole gateway; failed
 * logins count against the username and the address, and once either runs out every login for
 * it is refused until the window ends. The counters live in the configured store.
 */
export class RateLimits {
  private readonly reads: { user: RateLimiterAbstract; ip: RateLimiterAbstract };
  private readonly writes: { user: RateLimiterAbstract; ip: RateLimiterAbstract };
  private readonly tenant?: RateLimiterAbstract;
  private readonly global?: RateLimiterAbstract;
  private readonly loginByUsername: RateLimiterAbstract;
  private readonly loginByIp: RateLimiterAbstract;
  private readonly loginWindow: number;

  constructor(
    private readonly config: Config,
    readonly store: RateLimitStore,
  ) {
    const perMinute = (name: string, points: number) =>
      store.limiter({ name, points, durationSeconds: MINUTE });
    this.reads = {
      user: perMinute('read-user', config.rateLimitReadsPerMinute),
      ip: perMinute('read-ip', config.rateLimitReadsPerMinute),
    };
    this.writes = {
      user: perMinute('write-user', config.rateLimitWritesPerMinute),
      ip: perMinute('write-ip', config.rateLimitWritesPerMinute),
    };
    if (config.rateLimitTenantPerMinute > 0) {
      this.tenant = perMinute('tenant', config.rateLimitTenantPerMinute);
    }
    if (config.rateLimitGlobalPerMinute > 0) {
      this.global = perMinute('global', config.rateLimitGlobalPerMinute);
    }
    this.loginWindow = config.loginBlockMinutes * MINUTE;
    this.loginByUsername = store.limiter({
      name: 'login-username',
      points: config.loginAttemptsPerUsername,
      durationSeconds: this.loginWindow,
    });
    this.loginByIp = store.limiter({
      name: 'login-ip',
      points: config.loginAttemptsPerIp,
      durationSeconds: this.loginWindow,
    });
  }

  /** Counts one operation; RATE_LIMITED when a budget of the caller has run out. */
  async consume(kind: OperationKind, caller: Caller): Promise<void> {
    const own = kind === 'read' ? this.reads : this.writes;
    const points =
      kind === 'read' ? this.config.rateLimitReadsPerMinute : this.config.rateLimitWritesPerMinute;
    const plural = kind === 'read' ? 'reads' : 'writes';
    const scopes: Scope[] = [
      caller.userId !== null
        ? { scope: 'user', limiter: own.user, points, key: caller.userId, per: 'user' }
        : {
            scope: 'ip',
            limiter: own.ip,
            points,
            key: caller.ipAddress ?? 'unknown',
            per: 'address (anonymous callers)',
          },
    ];
    if (this.tenant && caller.tenantId !== null) {
      const points = this.config.rateLimitTenantPerMinute;
      scopes.push({
        scope: 'tenant',
        limiter: this.tenant,
        points,
        key: caller.tenantId,
        per: 'tenant',
      });
    }
    if (this.global) {
      const points = this.config.rateLimitGlobalPerMinute;
      scopes.push({ scope: 'global', limiter: this.global, points, key: 'all', per: 'gateway' });
    }

    for (const scope of scopes) {
      try {
        await scope.limiter.consume(scope.key);
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) {
          throw refusal;
        }
        const what = scope.scope === 'tenant' || scope.scope === 'global' ? 'operations' : plural;
        throw rateLimited(
          `Rate limit exceeded: ${scope.points} ${what} a minute per ${scope.per}.`,
          { scope: scope.scope, limit: scope.points },
          refusal.msBeforeNext,
        );
      }
    }
  }

  /** RATE_LIMITED when too many logins failed lately for this username or from this address. */
  async checkLogin(username: string, ipAddress: string | null): Promise<void> {
    const [byUsername, byIp] = await Promise.all([
      this.loginByUsername.get(usernameKey(username)),
      this.loginByIp.get(ipAddress ?? 'unknown'),
    ]);
    const checks = [
      { res: byUsername, points: this.config.loginAttemptsPerUsername, per: 'username' },
      { res: byIp, points: this.config.loginAttemptsPerIp, per: 'address' },
    ];
    for (const { res, points, per } of checks) {
      if (res && res.consumedPoints >= points) {
        const minutes = this.config.loginBlockMinutes;
        throw rateLimited(
          `Too many failed logins: ${points} per ${per} in ${minutes} minutes.`,
          { scope: `login-${per === 'address' ? 'ip' : per}`, limit: points },
          res.msBeforeNext,
        );
      }
    }
  }

  /** Counts a failed login against the username and the address. */
  async loginFailed(username: string, ipAddress: string | null): Promise<void> {
    await Promise.all([
      this.loginByUsername.penalty(usernameKey(username)),
      this.loginByIp.penalty(ipAddress ?? 'unknown'),
    ]);
  }

  /** A successful login clears the failures of its username (not of its address). */
  async loginSucceeded(username: string): Promise<void> {
    await this.loginByUsername.delete(usernameKey(username));
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

const usernameKey = (username: string) => username.trim().toLowerCase().slice(0, 200);
