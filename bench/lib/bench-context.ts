import type { BenchDatabases } from './bench-databases';
import type { BenchOptions } from './bench-options';
import type { ChildServer } from './child-server';
import type { GatewayServer } from './gateway-server';

/** What every benchmark of one data size gets: the data, and the servers over it. */
export interface BenchContext {
  options: BenchOptions;
  databases: BenchDatabases;
  gateway: GatewayServer;
  postgraphile: ChildServer;
  /** The gateway over the SQLite file of the same rows, when SQLite is measured. */
  sqliteGateway?: GatewayServer;
  log(message: string): void;
}
