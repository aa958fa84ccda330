/**
 * PostgreSQL for tests: the server named by ADMIN_REALTIME_TEST_POSTGRES_URL (scripts/node-tests.mjs
 * starts a throwaway one for the whole run and sets it), or, when a test file runs on its own, a
 * throwaway server for this process, stopped when it exits. Each test file creates its own
 * databases, so files never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../scripts/throwaway-postgres.mjs';

let own: Promise<ThrowawayPostgres> | null = null;

/** The server started for this process (only when no URL was given), for tests that restart it. */
export async function ownPostgres(): Promise<ThrowawayPostgres | null> {
  await postgresAdminUrl();
  return own ? own : null;
}

/** URL of a server the tests may create databases on. */
export async function postgresAdminUrl(): Promise<string> {
  const given = process.env.ADMIN_REALTIME_TEST_POSTGRES_URL;
  if (given) return given;
  own ??= startThrowawayPostgres().then((server) => {
    process.once('exit', () => server.stop());
    return server;
  });
  return (await own).url;
}

/** A fresh, empty database; resolves with its URL and `drop()` (ends its sessions first). */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = await postgresAdminUrl();
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(adminUrl);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client(adminUrl);
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
