/**
 * The backends the contract suites run against: SQLite in memory, and PostgreSQL on a real
 * server. Shared by test/node/hub/backend-*.test.ts; databases are dropped when the file's tests end.
 */
import { after } from 'node:test';
import pg from 'pg';
import type { HubBackend } from '../../src/hub/backend.js';
import { createPostgresBackend } from '../../src/hub/postgres-backend.js';
import { createSqliteBackend } from '../../src/hub/sqlite-backend.js';
import type { StoreOptions } from '../../src/hub/storage/shared.js';
import { createTestDatabase } from './postgres.js';

/**
 * The contract runs against every backend: SQLite in memory, and PostgreSQL on a real server (a
 * fresh database per backend, copied from one migrated template, so every test starts from seq 0).
 */
export type Factory = (options: StoreOptions) => Promise<HubBackend>;
const dropLater: Array<() => Promise<void>> = [];
after(async () => {
  for (const drop of dropLater) await drop();
});

let template: Promise<string> | null = null;
/** A migrated, empty database to copy (CREATE DATABASE … TEMPLATE is much faster than migrating). */
function postgresTemplate(): Promise<string> {
  template ??= (async () => {
    const db = await createTestDatabase();
    dropLater.push(db.drop);
    const backend = await createPostgresBackend({ url: db.url, node: 'template' });
    await backend.close();
    return db.url;
  })();
  return template;
}

let copies = 0;
export const BACKENDS: Array<[string, Factory]> = [
  ['sqlite', async (options) => createSqliteBackend({ path: ':memory:', ...options })],
  [
    'postgres',
    async (options) => {
      const source = new URL(await postgresTemplate());
      const name = `${source.pathname.slice(1)}_${++copies}`;
      const admin = new pg.Client(source.toString().replace(/\/[^/]*$/, '/postgres'));
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${source.pathname.slice(1)}`);
      await admin.end();
      dropLater.unshift(async () => {
        const c = new pg.Client(source.toString().replace(/\/[^/]*$/, '/postgres'));
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      });
      const url = new URL(source);
      url.pathname = `/${name}`;
      return createPostgresBackend({ url: url.toString(), node: `contract-${copies}`, ...options });
    },
  ],
];
