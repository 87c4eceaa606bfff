// The one database interface: PostgreSQL + PostGIS, embedded (PGlite) or a server (pg).
export type Row = Record<string, any>;

export interface Queryable {
  /** One statement with $1.. parameters; resolves to its rows. */
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly engine: 'pglite' | 'postgres';
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A start-up failure that is reported as one sentence, without a stack trace. */
export class FatalError extends Error {}

/** A record as written, with the row its INSERT ... RETURNING gave (for the ledger's state). */
export type Written<T> = T & { row: Row };
