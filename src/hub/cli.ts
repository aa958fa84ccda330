#!/usr/bin/env node
/**
 * `admin-realtime-hub`: runs the hub from flags and environment variables (see `--help`).
 * Exit codes: 0 after a clean shutdown (SIGTERM/SIGINT), 2 for a configuration problem, 1 for a
 * failure to start.
 */
import { AlertRulesError } from './alert-rules/rules.js';
import { AuthConfigError } from './auth.js';
import { parseCliArgs } from './config.js';
import { createHub } from './hub.js';
import { createLogger } from './log.js';
import { VapidConfigError } from './push/vapid.js';
import { StorageStartError } from './storage/sqlite-open.js';

/** The URL without its password, for the log. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

const config = parseCliArgs(process.argv.slice(2), process.env);
if (config.kind === 'help') {
  process.stdout.write(config.text);
} else if (config.kind === 'error') {
  process.stderr.write(`admin-realtime-hub: ${config.message}\n`);
  process.exitCode = 2;
} else {
  for (const warning of config.warnings) process.stderr.write(`admin-realtime-hub: warning: ${warning}\n`);
  const log = createLogger({ level: config.logLevel });
  try {
    const hub = await createHub({ ...config.options, log });
    if (!config.options.allowedOrigins?.length) {
      log.warn('no --allowed-origins: browsers cannot connect until their origin is allowed');
    }
    log.always('listening', {
      url: hub.url,
      wsUrl: hub.wsUrl,
      port: hub.port,
      ...(config.options.postgres ? { postgres: redactUrl(config.options.postgres.url) } : { db: config.options.db }),
      demo: Boolean(config.options.demo),
      // Printed once so the demo's publisher can be pointed at it; only ever generated in demo mode.
      ...(config.generatedPublishKey ? { publishKey: config.generatedPublishKey } : {}),
    });
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn('second signal: exiting now', { signal });
        process.exit(1);
      }
      stopping = true;
      log.info('shutting down', { signal });
      hub.close().then(
        () => {
          process.exitCode = 0;
        },
        (err: unknown) => {
          log.error('shutdown failed', { err });
          process.exitCode = 1;
        },
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  } catch (err) {
    if (err instanceof AuthConfigError || err instanceof AlertRulesError || err instanceof VapidConfigError) {
      process.stderr.write(`admin-realtime-hub: ${err.message}\n`);
      process.exitCode = 2;
    } else if (err instanceof StorageStartError) {
      // The database cannot be used as it is (damaged, foreign, held by another hub): say what to do.
      log.error('failed to start', { err: err.message });
      process.stderr.write(`admin-realtime-hub: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      log.error('failed to start', { err });
      process.exitCode = 1;
    }
  }
}
