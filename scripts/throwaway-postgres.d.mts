/** The message to print when no PostgreSQL binaries are found. */
export const MISSING_POSTGRES: string;
/** The folder holding initdb and pg_ctl, or null. */
export function findPostgresBin(): string | null;
/** A running throwaway server. */
export interface ThrowawayPostgres {
  /** Superuser URL (database `postgres`). */
  url: string;
  port: number;
  /** Stops the server and deletes its folder; synchronous and idempotent. */
  stop(): void;
  /** Stops and starts it again on the same port. */
  restart(mode?: 'fast' | 'immediate'): void;
  /** The same without blocking the event loop; resolves once the server accepts connections again. */
  restartInBackground(mode?: 'fast' | 'immediate'): Promise<void>;
}
/** Starts a throwaway server (initdb into a temp folder, a free loopback port). */
export function startThrowawayPostgres(): Promise<ThrowawayPostgres>;
