/**
 * Opening the hub's SQLite file: one hub per file (an OS lock beside it), an integrity check, and
 * the schema migration, each failure a `StorageStartError` that says what to do.
 *
 * The lock is a second, tiny SQLite file (`<db>.lock`) held in `locking_mode = EXCLUSIVE`: the
 * operating system drops it when the process ends, however it ends (`kill -9` included), so a
 * stale lock never blocks a restart and there is no pid to check or reuse. The database itself
 * stays in normal locking, so `sqlite3 <db> .backup` works while the hub runs.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, StorageStartError } from './sqlite-schema.js';

export { StorageStartError };

const CORRUPT = /^SQLITE_(CORRUPT|NOTADB)/;

/** Is this a SQLite error saying the file is damaged (or not a database at all)? */
export function isCorruption(err: unknown): boolean {
  return CORRUPT.test(String((err as { code?: unknown } | null)?.code ?? ''));
}

function corruptMessage(path: string, what: string): string {
  return (
    `admin-realtime: the database ${path} is damaged (${what}). Stop here and either restore it ` +
    `from a backup, or move it (with any ${path}-wal file) aside to start with an empty store; ` +
    'the hub will not write into a damaged file.'
  );
}

/** The lock file's settings: fail at once when held, keep the lock, no journal file beside it. */
const LOCK_PRAGMAS = ['busy_timeout = 0', 'locking_mode = EXCLUSIVE', 'journal_mode = MEMORY'];
/** The store's settings: WAL, durable at checkpoints, wait for a busy page, a bounded WAL file. */
const DB_PRAGMAS = [
  'journal_mode = WAL',
  'synchronous = NORMAL',
  'busy_timeout = 5000',
  'temp_store = MEMORY',
  `journal_size_limit = ${64 * 1024 * 1024}`,
];

function holdLock(path: string): Database.Database {
  const lockPath = `${path}.lock`;
  let lock: Database.Database | undefined;
  try {
    lock = new Database(lockPath);
    for (const pragma of LOCK_PRAGMAS) lock.pragma(pragma);
    // A write takes the exclusive lock; in EXCLUSIVE mode it is kept until the connection closes.
    lock.exec('BEGIN EXCLUSIVE');
    lock.exec('CREATE TABLE IF NOT EXISTS owner (pid INTEGER NOT NULL, started TEXT NOT NULL)');
    lock.exec('DELETE FROM owner');
    lock.prepare('INSERT INTO owner (pid, started) VALUES (?, ?)').run(process.pid, new Date().toISOString());
    lock.exec('COMMIT');
    return lock;
  } catch (err) {
    lock?.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new StorageStartError(
        `admin-realtime: another hub process is using ${path} (it holds ${lockPath}). One SQLite file ` +
          'serves one hub: stop the other hub, or give this one its own --db. To run several hubs on one ' +
          'stream, start every one with --postgres-url (see docs/deploy.md).',
      );
    }
    throw new StorageStartError(
      `admin-realtime: cannot take the lock ${lockPath} (${(err as Error).message}). If no hub is running ` +
        'on this database, delete that file and start again.',
    );
  }
}

/**
 * Opens (creating when missing), checks and migrates the database at `path` (':memory:' or ''
 * for a store that keeps nothing). Returns the database and a function that releases it.
 */
export function openSqlite(path: string): { db: Database.Database; release: () => void } {
  const memory = path === ':memory:' || path === '';
  if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const lock = memory ? null : holdLock(path);
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    for (const pragma of DB_PRAGMAS) db.pragma(pragma);
    if (!memory) {
      // Reads every page once (no index cross-check): seconds for a store of gigabytes.
      const rows = db.pragma('quick_check(5)') as Array<{ quick_check: string }>;
      const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
      if (problems.length > 0) throw new StorageStartError(corruptMessage(path, `quick_check: ${problems.join('; ')}`));
    }
    migrate(db, path);
  } catch (err) {
    db?.close();
    lock?.close();
    if (err instanceof StorageStartError) throw err;
    if (isCorruption(err)) throw new StorageStartError(corruptMessage(path, (err as Error).message));
    throw err;
  }
  const opened = db;
  return {
    db: opened,
    release: () => {
      opened.close();
      lock?.close();
    },
  };
}
