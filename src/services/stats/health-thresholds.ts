/** How a figure of the database stands against its thresholds; the overall health is the worst. */
export type Health = 'GOOD' | 'WARNING' | 'CRITICAL';

/** The thresholds of the health checks, in percent. */
export const HEALTH_THRESHOLDS = {
  /** Free disk space under these is a warning, then critical. */
  diskFreePercent: { warning: 20, critical: 10 },
  /** Connections in use over these shares of the maximum are a warning, then critical. */
  connectionsPercent: { warning: 70, critical: 90 },
  /** A cache hit ratio under these is a warning, then critical. */
  cacheHitPercent: { warning: 80, critical: 60 },
  /** An index never scanned counts as unused only on a table with at least this many rows. */
  unusedIndexMinRows: 10000,
} as const;

/** The problems an index check can find, from the least to the most serious. */
export type IndexProblem = 'UNUSED' | 'INVALID' | 'INTEGRITY';

/** One check per figure; null when the dialect or the machine gives no figure to check. */
export interface HealthChecks {
  diskSpace: Health | null;
  activeConnections: Health | null;
  cacheHitRatio: Health | null;
  indexHealth: Health | null;
}

/** The figures the checks look at; null where there is none. */
export interface HealthFigures {
  diskFreePercent: number | null;
  activeConnections: number | null;
  maxConnections: number | null;
  cacheHitRatio: number | null;
  /** The problems the index check found; null when no check ran. */
  indexProblems: IndexProblem[] | null;
}

const RANK: Record<Health, number> = { GOOD: 0, WARNING: 1, CRITICAL: 2 };

function known(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Free space under 20 % is a warning, under 10 % critical. */
export function diskSpaceHealth(freePercent: number | null): Health | null {
  if (!known(freePercent)) {
    return null;
  }
  const { warning, critical } = HEALTH_THRESHOLDS.diskFreePercent;
  if (freePercent < critical) {
    return 'CRITICAL';
  }

  return freePercent < warning ? 'WARNING' : 'GOOD';
}

/** More than 70 % of the maximum connections in use is a warning, more than 90 % critical. */
export function connectionHealth(active: number | null, max: number | null): Health | null {
  if (!known(active) || !known(max) || max <= 0) {
    return null;
  }
  const usedPercent = (active / max) * 100;
  const { warning, critical } = HEALTH_THRESHOLDS.connectionsPercent;
  if (usedPercent > critical) {
    return 'CRITICAL';
  }

  return usedPercent > warning ? 'WARNING' : 'GOOD';
}

/** A cache hit ratio under 80 % is a warning, under 60 % critical. */
export function cacheHitHealth(ratioPercent: number | null): Health | null {
  if (!known(ratioPercent)) {
    return null;
  }
  const { warning, critical } = HEALTH_THRESHOLDS.cacheHitPercent;
  if (ratioPercent < critical) {
    return 'CRITICAL';
  }

  return ratioPercent < warning ? 'WARNING' : 'GOOD';
}

/** An unused index is a warning; an invalid index or a failed integrity check is critical. */
export function indexHealth(problems: IndexProblem[] | null): Health | null {
  if (problems === null) {
    return null;
  }
  if (problems.some((problem) => problem !== 'UNUSED')) {
    return 'CRITICAL';
  }

  return problems.length > 0 ? 'WARNING' : 'GOOD';
}

/** The worst of the checks that have a figure; GOOD when none has. */
export function worstHealth(checks: Array<Health | null>): Health {
  return checks.reduce<Health>(
    (worst, check) => (check !== null && RANK[check] > RANK[worst] ? check : worst),
    'GOOD',
  );
}

/** Maps the figures to their checks and the overall health; a missing figure is never a fault. */
export function assessHealth(figures: HealthFigures): { health: Health; checks: HealthChecks } {
  const checks: HealthChecks = {
    diskSpace: diskSpaceHealth(figures.diskFreePercent),
    activeConnections: connectionHealth(figures.activeConnections, figures.maxConnections),
    cacheHitRatio: cacheHitHealth(figures.cacheHitRatio),
    indexHealth: indexHealth(figures.indexProblems),
  };

  return { health: worstHealth(Object.values(checks)), checks };
}
