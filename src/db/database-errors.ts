/** What a failed statement says about the data, in the terms of either dialect. */
export interface ConstraintFailure {
  kind: 'unique' | 'foreign-key' | 'not-null' | 'unavailable';
  /** The column named by the database, where it names one. */
  column?: string;
}

const PG_CODES: Record<string, ConstraintFailure['kind']> = {
  '23505': 'unique',
  '23503': 'foreign-key',
  '23502': 'not-null',
  '57P01': 'unavailable',
  '57P02': 'unavailable',
  '57P03': 'unavailable',
  '53300': 'unavailable',
};

/** What node-postgres and its pool say when the server cannot be reached or went away. */
const LOST_CONNECTION = new RegExp(
  '^(Connection terminated|timeout exceeded when trying to connect|' +
    'Client has encountered a connection error|Client was closed|Connection is not established)',
);

/** Reads a driver error of SQLite or PostgreSQL; undefined for any other failure. */
export function constraintFailure(error: unknown): ConstraintFailure | undefined {
  const driver = ((error as { driverError?: unknown })?.driverError ?? error) as {
    code?: string;
    message?: string;
    detail?: string;
    column?: string;
  };
  if (!driver || typeof driver !== 'object') {
    return undefined;
  }
  if ((error as Error).name === 'QueryRunnerAlreadyReleasedError') {
    // TypeORM let go of a transaction's connection because that connection broke.
    return { kind: 'unavailable' };
  }
  const pgKind = driver.code ? PG_CODES[driver.code] : undefined;
  if (pgKind) {
    const column = /Key \(([^)]*)\)/.exec(driver.detail ?? '')?.[1] ?? driver.column;

    return { kind: pgKind, column: column?.replace(/"/g, '') };
  }
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(driver.code ?? '') ||
    (typeof driver.code === 'string' && driver.code.startsWith('08')) ||
    LOST_CONNECTION.test(driver.message ?? '')
  ) {
    return { kind: 'unavailable' };
  }
  const message = driver.message ?? '';
  const sqlite = /(UNIQUE|FOREIGN KEY|NOT NULL) constraint failed(?:: (\S+))?/.exec(message);
  if (sqlite) {
    const kind = { UNIQUE: 'unique', 'FOREIGN KEY': 'foreign-key', 'NOT NULL': 'not-null' }[
      sqlite[1]
    ] as ConstraintFailure['kind'];
    const column = sqlite[2]?.split(',')[0]?.split('.').pop();

    return { kind, column };
  }

  return undefined;
}

/** Whether a failure means the database cannot be reached now, not a fault of the request. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return constraintFailure(error)?.kind === 'unavailable';
}
