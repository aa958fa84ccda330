/**
 * The clustered `HubBackend`: every hub started with the same PostgreSQL URL joins one cluster.
 * One stream and one seq for all nodes, assigned in commit order (each append transaction locks
 * the one counter row until it commits); idempotency, notifications, per-user read state, audit
 * trail, metric history and latest status are shared tables. Every node hears every append by
 * LISTEN/NOTIFY on one listener connection (the run rides in the notification when it fits, else
 * the node reads the log by seq), hands runs out in seq order, and repairs gaps from the log.
 *
 * Appends go to the database one transaction at a time per node, so a node's appends keep the
 * order they were made in; everything queued while a transaction runs goes in the next one (group
 * commit, up to 500 publishes; a publish refused while planning is left out of it and answered
 * alone). Pruning runs on one node at a time (a transaction advisory lock). In process: the pool, the listener, the fold windows of the audit
 * trail and the runs held behind a gap (bounded), so memory stays flat.
 */
import { hostname } from 'node:os';
import pg from 'pg';
import type {
  ActivityEvent,
  AgentsEvent,
  ListedNotification,
  MetricHistory,
  NotificationFilter,
  RealtimeNotification,
  StatusEvent,
  StreamEvent,
  UnreadCounts,
} from '../core/protocol.js';
import { auditDetailJson, auditFoldKey, boundAuditRecord } from './audit.js';
import {
  type AppendResult,
  type AuditRecord,
  type EscalationStepPlan,
  EventRefusedError,
  type HubBackend,
  metricNameRefusal,
  metricTimeRefusal,
  type NewEntry,
  STORAGE_LIMITS,
  type StreamEntry,
  type Viewer,
} from './backend.js';
import { AuditFolds, auditRecordFromRow, auditWhere } from './storage/audit-rows.js';
import { cancelStepsRead, cancelStepsThrough, createPgEscalation, scheduleSteps } from './storage/pg-escalation.js';
import { ClusterListener, RunSequencer } from './storage/pg-fanout.js';
import { createPgInbox } from './storage/pg-inbox.js';
import { createPgPreferences } from './storage/pg-preferences.js';
import { createPgPush } from './storage/pg-push.js';
import { LOCKS, migratePostgres } from './storage/pg-schema.js';
import * as sql from './storage/pg-statements.js';
import { type Queryable, rows } from './storage/pg-statements.js';
import {
  bucketHistory,
  clampInt,
  DAY_MS,
  epochSeconds,
  historyWindow,
  MAX_LIST_LIMIT,
  normaliseAudience,
  parseEntry,
  resolveStoreOptions,
  type StoreOptions,
  unreadFromCells,
} from './storage/shared.js';

export interface PostgresBackendOptions extends StoreOptions {
  /** `postgres://user:password@host:5432/database`; LISTEN needs a session-mode connection (not a transaction-mode PgBouncer). */
  url: string;
  /** This node's name in logs and `/healthz`; default `<hostname>-<pid>`. */
  node?: string;
  /** Connections in the node's pool, besides the listener; default 10. */
  poolSize?: number;
  /** How often the node probes its listener, ms; default 2000. */
  probeMs?: number;
  /** A probe not heard back within this long makes `/healthz` answer 503, ms; default 5000. */
  probeTimeoutMs?: number;
  /** Wait before the listener reconnects after a drop, ms; default 250. */
  reconnectMs?: number;
  /** How often the node checks the log for entries it did not hear of, ms; default 1000. */
  catchUpMs?: number;
}

const CHANNEL = 'admin_realtime';
/** Publishes written in one transaction at most (group commit); the rest go in the next. */
const MAX_PUBLISHES_PER_TRANSACTION = 500;
/** NOTIFY payloads are limited to 8,000 bytes; a larger run is read from the log by seq. */
const NOTIFY_MAX_BYTES = 7900;

type WriteKind = 'append' | 'read-state' | 'audit' | 'prune';

interface QueuedAppend {
  entries: NewEntry[];
  resolve: (results: AppendResult[]) => void;
  reject: (err: unknown) => void;
}

interface StreamRow {
  seq: number;
  json: string;
  audience: string | null;
}

/**
 * The database could not be reached (refused, dropped, shutting down): `/healthz` reports that from
 * its own check while it lasts, so it is not remembered as a failed write once the server is back.
 */
function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return /^(08|57P|E[A-Z])/.test(code); // SQLSTATE 08xxx, 57Pxx; ECONNREFUSED…
  return err instanceof Error && /connect|terminat|timeout|closed/i.test(err.message);
}

/** bigint (int8) columns as numbers: seqs and counts stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as never,
};

/** Opens the pool and the listener, migrates, and resolves with the backend. */
export async function createPostgresBackend(options: PostgresBackendOptions): Promise<HubBackend> {
  const { retention, now, log, idempotencyMs, activityKeep, pruneBatch } = resolveStoreOptions(options);
  const node = options.node ?? `${hostname()}-${process.pid}`;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: `admin-realtime ${node}`,
    types,
  });
  // An idle connection that dies (a PostgreSQL restart) is dropped from the pool; the next query opens another.
  pool.on('error', (err) => log({ level: 'warn', msg: 'idle database connection lost', err: err.message }));

  let streamIdValue: string;
  let startSeq: number;
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client);
      streamIdValue = (await client.query<{ value: string }>(`SELECT value FROM meta WHERE key = 'stream_id'`)).rows[0]!
        .value;
      startSeq = (await client.query<{ last_seq: number }>('SELECT last_seq FROM seq_counter')).rows[0]!.last_seq;
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }

  let closed = false;
  let closing: Promise<void> | null = null;
  const writeErrors = new Map<WriteKind, string>();
  const inFlight = new Set<Promise<unknown>>();
  /** Tracks an operation so close() waits for it, and records the last failure of each kind of write. */
  const track = <T>(kind: WriteKind | null, op: Promise<T>): Promise<T> => {
    if (closed || (closing && kind === 'append')) return Promise.reject(new Error('storage closed'));
    const tracked = op.then(
      (value) => {
        if (kind) writeErrors.delete(kind);
        return value;
      },
      (err: unknown) => {
        if (kind && !(err instanceof EventRefusedError) && !isConnectionError(err)) {
          writeErrors.set(kind, err instanceof Error ? err.message : String(err));
        }
        throw err;
      },
    );
    const settled = tracked.catch(() => {});
    inFlight.add(settled);
    void settled.finally(() => inFlight.delete(settled));
    return tracked;
  };

  async function transaction<T>(fn: (client: pg.PoolClient) => Promise<T>, isolation = ''): Promise<T> {
    const client = await pool.connect();
    // A connection that dies between this transaction's queries (a PostgreSQL restart) emits 'error'
    // on the checked-out client, which the pool does not listen to: unheard, it would end the process.
    // The next query fails instead, and the dead client is released as broken so the pool drops it.
    let lost: Error | undefined;
    const onError = (err: Error) => {
      lost = err;
    };
    client.on('error', onError);
    try {
      await client.query(`BEGIN${isolation ? ` ISOLATION LEVEL ${isolation}` : ''}`);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.off('error', onError);
      client.release(lost);
    }
  }

  const readLastSeq = async (db: Queryable = pool): Promise<number> =>
    (await rows<{ last_seq: number }>(db, 'SELECT last_seq FROM seq_counter'))[0]!.last_seq;

  const readLog = async (afterSeq: number, limit: number, beforeSeq?: number): Promise<StreamEntry[]> =>
    (
      await rows<StreamRow>(
        pool,
        'SELECT seq, json, audience FROM stream WHERE seq > @after AND seq < @before ORDER BY seq LIMIT @limit',
        { after: afterSeq, before: beforeSeq ?? Number.MAX_SAFE_INTEGER, limit },
      )
    ).map((row) => parseEntry(row.json, row.audience));

  // -------------------------------------------------------------------------------------------
  // Fan-out: NOTIFY, this node's commits and the log, in seq order
  // -------------------------------------------------------------------------------------------
  const listeners = new Set<(entries: readonly StreamEntry[]) => void>();
  const sequencer = new RunSequencer(
    startSeq,
    readLog,
    (run) => {
      for (const listener of [...listeners]) {
        try {
          listener(run);
        } catch (err) {
          log({ level: 'error', msg: 'backend listener failed', seq: run[0]!.event.seq, err: String(err) });
        }
      }
    },
    log,
  );
  const listener = new ClusterListener({
    url: options.url,
    channel: CHANNEL,
    node,
    log,
    probeMs: options.probeMs ?? 2000,
    probeTimeoutMs: options.probeTimeoutMs ?? 5000,
    reconnectMs: options.reconnectMs ?? 250,
    onPayload: (payload) => {
      const note = payload as { run?: StreamEntry[]; first?: number; last?: number };
      if (Array.isArray(note.run)) sequencer.offer(note.run);
      else if (typeof note.first === 'number' && typeof note.last === 'number' && note.last > sequencer.position) {
        // Too large for NOTIFY: read the publish's seqs, and hand them out as its one run.
        const { first, last } = note;
        readLog(first - 1, last - first + 1, last + 1).then(
          (run) => {
            if (run.length === last - first + 1) sequencer.offer(run);
            else void sequencer.repair();
          },
          () => void sequencer.repair(),
        );
      }
    },
    onConnected: () => void sequencer.repair(),
    sendProbe: async (payload) => {
      await pool.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
    },
  });
  try {
    await listener.start();
  } catch (err) {
    await listener.close();
    await pool.end().catch(() => {});
    throw err;
  }
  // A notification lost without the connection dropping (or a run dropped behind a long gap):
  // compare with the counter now and then, and read what was not heard.
  const catchUpTimer = setInterval(() => {
    readLastSeq()
      .then((latest) => {
        if (latest > sequencer.position) void sequencer.repair();
      })
      .catch(() => {});
  }, options.catchUpMs ?? 1000);
  catchUpTimer.unref();

  // -------------------------------------------------------------------------------------------
  // Append: batched per turn, one transaction, seq under the counter's row lock
  // -------------------------------------------------------------------------------------------
  const writtenSincePrune = { stream: 0, samples: 0, audit: 0 };
  const queue: QueuedAppend[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let flushScheduled = false;

  /** Looks up stored events by id (event ids remembered, the stream, notifications kept longer). */
  async function storedByIds(db: Queryable, ids: string[]): Promise<Map<string, StreamEntry | number>> {
    const found = new Map<string, StreamEntry | number>();
    if (ids.length === 0) return found;
    const known = await rows<{ id: string; seq: number }>(
      db,
      `SELECT id, seq FROM event_ids WHERE id = ANY(@ids::text[])
       UNION ALL SELECT event_id, seq FROM stream WHERE event_id = ANY(@ids::text[])
       UNION ALL SELECT id, seq FROM notifications WHERE id = ANY(@ids::text[])`,
      { ids },
    );
    const seqs = [...new Set(known.map((k) => k.seq))];
    const stored = await rows<StreamRow>(
      db,
      `SELECT seq, json, audience FROM stream WHERE seq = ANY(@seqs::bigint[])
       UNION ALL SELECT seq, json, audience FROM notifications WHERE seq = ANY(@seqs::bigint[])`,
      { seqs },
    );
    const bySeq = new Map(stored.map((row) => [row.seq, parseEntry(row.json, row.audience)]));
    for (const { id, seq } of known)
      if (!found.has(id) || typeof found.get(id) === 'number') found.set(id, bySeq.get(seq) ?? seq);
    return found;
  }

  type Sample = { t: number; name: string; value: number };

  /**
   * Plans one publish of a turn: a seq for each new event, duplicates found among what is stored
   * or earlier in this turn, metrics checked against the clock and the names kept. Throws
   * `EventRefusedError` (or a TypeError) and then changes nothing of the turn.
   */
  function planOne(
    entries: NewEntry[],
    seqBefore: number,
    created: number,
    stored: Map<string, StreamEntry | number>,
    turn: {
      byId: Map<string, StreamEntry>;
      names: Set<string>;
      samples: Map<string, Sample>;
      nameLast: Map<string, number>;
      escalate: Array<{ seq: number; steps: readonly EscalationStepPlan[] }>;
    },
  ) {
    const results: AppendResult[] = [];
    const fresh: StreamEntry[] = [];
    const byId = new Map<string, StreamEntry>();
    const names = new Set<string>();
    const samples = new Map<string, Sample>();
    const escalate: Array<{ seq: number; steps: readonly EscalationStepPlan[] }> = [];
    let seq = seqBefore;
    for (const [index, input] of entries.entries()) {
      const id = input.event.id;
      if (typeof id !== 'string' || id === '') throw new TypeError('append: every event needs an id');
      const audience = normaliseAudience(input.audience);
      const known = byId.get(id) ?? turn.byId.get(id) ?? stored.get(id);
      if (known !== undefined) {
        const entry: StreamEntry =
          typeof known === 'number'
            ? { event: { ...input.event, seq: known } as StreamEvent, ...(audience ? { audience } : {}) }
            : known;
        results.push({ entry, duplicate: true });
        continue;
      }
      seq += 1;
      const event = { ...input.event, seq } as StreamEvent;
      if (event.kind === 'metrics') {
        const t = epochSeconds(event.at, created);
        const refusal = metricTimeRefusal(t, created, retention.metricsSeconds);
        if (refusal) throw new EventRefusedError(index, 'at', refusal);
        for (const [name, value] of Object.entries(event.values)) {
          if (!Number.isFinite(value)) continue;
          if (!turn.names.has(name) && !names.has(name)) {
            if (turn.names.size + names.size >= STORAGE_LIMITS.metricNames) {
              throw new EventRefusedError(index, 'values', metricNameRefusal(name, retention.metricsSeconds));
            }
            names.add(name);
          }
          samples.set(`${t}\u0000${name}`, { t, name, value });
        }
      }
      if (event.kind === 'notification' && input.escalate?.length) escalate.push({ seq, steps: input.escalate });
      const entry: StreamEntry = audience ? { event, audience } : { event };
      byId.set(id, entry);
      results.push({ entry, duplicate: false });
      fresh.push(entry);
    }
    // Accepted: it joins the turn.
    for (const [id, entry] of byId) turn.byId.set(id, entry);
    for (const name of names) turn.names.add(name);
    turn.escalate.push(...escalate);
    for (const [key, sample] of samples) {
      turn.samples.set(key, sample);
      turn.nameLast.set(sample.name, Math.max(turn.nameLast.get(sample.name) ?? sample.t, sample.t));
    }
    return { results, fresh, seq };
  }

  /** The rows of fresh entries, a statement per table (arrays through unnest). */
  async function insertRows(
    client: pg.PoolClient,
    runs: StreamEntry[][],
    created: number,
    samples: Map<string, Sample>,
    nameLast: Map<string, number>,
  ): Promise<void> {
    const fresh = runs.flat();
    const json = fresh.map((e) => JSON.stringify(e.event));
    const audienceJson = fresh.map((e) => (e.audience ? JSON.stringify(e.audience) : null));
    const seqs = fresh.map((e) => e.event.seq);
    const ids = fresh.map((e) => e.event.id);
    await client.query(
      `INSERT INTO event_ids (id, seq, created) SELECT id, seq, $3 FROM unnest($1::text[], $2::bigint[]) AS x(id, seq)`,
      [ids, seqs, created],
    );
    await client.query(
      `INSERT INTO stream (seq, event_id, kind, json, audience, created)
       SELECT seq, id, kind, json, audience, $6 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])
         AS x(seq, id, kind, json, audience)`,
      [seqs, ids, fresh.map((e) => e.event.kind), json, audienceJson, created],
    );
    const notes = fresh.flatMap((e, i) => (e.event.kind === 'notification' ? [{ e, i, event: e.event }] : []));
    if (notes.length) {
      await client.query(
        `INSERT INTO notifications (seq, id, category, priority, aud_all, audience, json, created)
         SELECT seq, id, category, priority, aud_all, audience, json, $8
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[])
           AS x(seq, id, category, priority, aud_all, audience, json)`,
        [
          notes.map((n) => n.event.seq),
          notes.map((n) => n.event.id),
          notes.map((n) => n.event.category),
          notes.map((n) => n.event.priority),
          notes.map((n) => !n.e.audience),
          notes.map((n) => audienceJson[n.i]),
          notes.map((n) => json[n.i]),
          created,
        ],
      );
      const aud = notes.flatMap((n) => [
        ...(n.e.audience?.userIds ?? []).map((v) => [n.event.seq, 'u', v] as const),
        ...(n.e.audience?.roles ?? []).map((v) => [n.event.seq, 'r', v] as const),
      ]);
      if (aud.length) {
        await client.query(
          `INSERT INTO notification_audience (seq, kind, value)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
          [aud.map((a) => a[0]), aud.map((a) => a[1]), aud.map((a) => a[2])],
        );
      }
    }
    const acts = fresh.flatMap((e, i) => (e.event.kind === 'activity' ? [i] : []));
    if (acts.length) {
      await client.query('INSERT INTO activity (seq, json) SELECT * FROM unnest($1::bigint[], $2::text[])', [
        acts.map((i) => seqs[i]),
        acts.map((i) => json[i]),
      ]);
    }
    const latest = new Map<string, number>();
    fresh.forEach((e, i) => {
      if (e.event.kind === 'status' || e.event.kind === 'agents') latest.set(e.event.kind, i);
    });
    for (const [kind, i] of latest) {
      await client.query(
        `INSERT INTO latest (kind, seq, json) VALUES ($1, $2, $3)
         ON CONFLICT (kind) DO UPDATE SET seq = excluded.seq, json = excluded.json`,
        [kind, seqs[i], json[i]],
      );
    }
    if (samples.size) {
      const list = [...samples.values()];
      await client.query(
        `INSERT INTO metric_samples (t, name, value) SELECT * FROM unnest($1::bigint[], $2::text[], $3::float8[])
         ON CONFLICT (t, name) DO UPDATE SET value = excluded.value`,
        [list.map((s) => s.t), list.map((s) => s.name), list.map((s) => s.value)],
      );
      await client.query(
        `INSERT INTO metric_names (name, last_t) SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (name) DO UPDATE SET last_t = GREATEST(metric_names.last_t, excluded.last_t)`,
        [[...nameLast.keys()], [...nameLast.values()]],
      );
      writtenSincePrune.samples += list.length;
    }
    writtenSincePrune.stream += fresh.length;
    // Heard by every node at commit, in commit order, one notification per publish: the run
    // itself when it fits, else its seqs (the node reads them from the log).
    const payloads = runs.map((run) => {
      const whole = JSON.stringify({ run });
      return Buffer.byteLength(whole) <= NOTIFY_MAX_BYTES
        ? whole
        : JSON.stringify({ first: run[0]!.event.seq, last: run.at(-1)!.event.seq });
    });
    await client.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [CHANNEL, payloads]);
  }

  /**
   * Writes one batch of publishes in one transaction, a statement per table for all of it; a
   * publish refused while planning is left out and answered alone.
   */
  async function flush(batch: QueuedAppend[]): Promise<void> {
    type Outcome = { ok: true; results: AppendResult[]; fresh: StreamEntry[] } | { ok: false; err: unknown };
    let outcomes: Outcome[] = [];
    try {
      await transaction(async (client) => {
        outcomes = [];
        // Held until commit: seqs are assigned in commit order across every node.
        const counter = await client.query<{ last_seq: number }>('SELECT last_seq FROM seq_counter FOR UPDATE');
        let seq = counter.rows[0]!.last_seq;
        const turn = {
          byId: new Map<string, StreamEntry>(),
          names: new Set(
            (await client.query<{ name: string }>('SELECT name FROM metric_names')).rows.map((r) => r.name),
          ),
          samples: new Map<string, Sample>(),
          nameLast: new Map<string, number>(),
          escalate: [] as Array<{ seq: number; steps: readonly EscalationStepPlan[] }>,
        };
        const ids = batch.flatMap((item) => item.entries.map((e) => e.event.id)).filter((id) => typeof id === 'string');
        const stored = await storedByIds(client, [...new Set(ids)]);
        const created = now();
        for (const item of batch) {
          try {
            const planned = planOne(item.entries, seq, created, stored, turn);
            seq = planned.seq;
            outcomes.push({ ok: true, results: planned.results, fresh: planned.fresh });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
        const runs = outcomes.flatMap((o) => (o.ok && o.fresh.length ? [o.fresh] : []));
        if (runs.length === 0) return;
        await insertRows(client, runs, created, turn.samples, turn.nameLast);
        // Escalation (issue 19): the steps exist exactly when the notification does.
        await scheduleSteps(client, turn.escalate, created);
        await client.query('UPDATE seq_counter SET last_seq = $1', [seq]);
      });
    } catch (err) {
      for (const item of batch) item.reject(err);
      throw err;
    }
    // Committed: hand the runs out in order, then answer each publish once its run was.
    for (const outcome of outcomes) if (outcome.ok) sequencer.offer(outcome.fresh);
    await Promise.all(
      batch.map(async (item, i) => {
        const outcome = outcomes[i]!;
        if (!outcome.ok) return item.reject(outcome.err);
        const last = outcome.fresh.at(-1)?.event.seq;
        if (last !== undefined) await sequencer.reached(last);
        item.resolve(outcome.results);
      }),
    );
  }

  /**
   * Group commit: the batch is taken when the previous transaction is done, not when it was
   * queued, so every publish that arrived meanwhile rides in the next transaction. Taking it per
   * turn instead queued one transaction per publish behind a slow commit, and at 50 publishes/s a
   * commit slower than 20 ms (a busy machine) grew a backlog of seconds.
   */
  function scheduleFlush(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(() => {
      flushing = flushing
        .then(() => {
          flushScheduled = false;
          const batch = queue.splice(0, MAX_PUBLISHES_PER_TRANSACTION);
          if (queue.length > 0) scheduleFlush();
          return batch.length === 0 ? undefined : flush(batch);
        })
        .catch(() => {});
    });
  }

  // -------------------------------------------------------------------------------------------
  // Read state
  // -------------------------------------------------------------------------------------------
  async function viewerParams(db: Queryable, viewer: Viewer) {
    const row = await rows<{ cleared_through: number }>(
      db,
      'SELECT cleared_through FROM user_state WHERE user_id = @user',
      {
        user: viewer.userId,
      },
    );
    return { user: viewer.userId, role: viewer.role, cleared: row[0]?.cleared_through ?? 0, now: now() };
  }

  async function countUnread(
    db: Queryable,
    viewer: Viewer,
    opts: { through?: number; categories?: readonly string[] | null; filter?: NotificationFilter } = {},
  ): Promise<UnreadCounts> {
    const base = await viewerParams(db, viewer);
    const mark = await rows<{ through_seq: number }>(
      db,
      `SELECT through_seq FROM read_marks WHERE user_id = @user AND category = '' AND priority = ''`,
      { user: viewer.userId },
    );
    const params = {
      ...base,
      floor: Math.max(base.cleared, mark[0]?.through_seq ?? 0),
      through: opts.through ?? Number.MAX_SAFE_INTEGER,
      category: opts.filter?.category ?? null,
      priority: opts.filter?.priority ?? null,
      cats: opts.categories == null ? null : [...opts.categories],
    };
    type Cell = { category: string; priority: string; c: number };
    const visible = await rows<Cell>(db, sql.COUNT_VISIBLE, params);
    const read = visible.length ? await rows<Cell>(db, sql.COUNT_READ, params) : [];
    const adjust = await rows<Cell>(db, sql.COUNT_ADJUST, params);
    return unreadFromCells(visible, () => read, adjust) as UnreadCounts;
  }

  async function addReadMark(db: Queryable, user: string, through: number, category: string, priority: string) {
    const params = { user, through, category, priority };
    await rows(db, sql.UPSERT_MARK, params);
    await rows(db, sql.DROP_SUBSUMED_MARKS, params);
    await rows(db, sql.DROP_READS_THROUGH, params);
    await rows(db, sql.DROP_OVERRIDES_THROUGH, params);
    await rows(db, sql.DROP_EMPTY_STATE, params);
    await cancelStepsThrough(db, user, through, category, priority);
  }

  /** Per-user writes lock the user's state row, so two nodes changing one user's state take turns. */
  async function lockUser(client: pg.PoolClient, user: string): Promise<void> {
    await client.query(
      `INSERT INTO user_state (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET user_id = excluded.user_id`,
      [user],
    );
  }

  async function listNotifications(
    db: Queryable,
    viewer: Viewer,
    opts: { beforeSeq?: number; limit: number; categories?: readonly string[] | null },
  ) {
    const limit = clampInt(opts.limit, 1, MAX_LIST_LIMIT, 50);
    const found = await rows<{ json: string; read: boolean }>(db, sql.LIST, {
      ...(await viewerParams(db, viewer)),
      before: opts.beforeSeq ?? Number.MAX_SAFE_INTEGER,
      cats: opts.categories == null ? null : [...opts.categories],
      limit: limit + 1,
    });
    const notifications = found
      .slice(0, limit)
      .map((row): ListedNotification => ({ ...(JSON.parse(row.json) as RealtimeNotification), read: row.read }));
    return { notifications, hasMore: found.length > limit };
  }

  async function metricHistory(db: Queryable, sinceEpochSeconds: number): Promise<MetricHistory> {
    const { since, until } = historyWindow(sinceEpochSeconds, now(), retention.metricsSeconds);
    const found = await rows<{ t: number; values: Record<string, number> }>(
      db,
      `SELECT t, json_object_agg(name, value) AS values FROM metric_samples
       WHERE t >= @since AND t <= @until GROUP BY t ORDER BY t`,
      { since, until },
    );
    const names = await rows<{ n: number }>(db, 'SELECT count(*) AS n FROM metric_names');
    return bucketHistory(found, found.length, names[0]?.n ?? 1);
  }

  const recentActivity = async (db: Queryable, limit: number) =>
    (
      await rows<{ json: string }>(db, 'SELECT json FROM activity ORDER BY seq DESC LIMIT @limit', {
        limit: clampInt(limit, 0, activityKeep, 50),
      })
    ).map((row) => JSON.parse(row.json) as ActivityEvent);

  async function latest(db: Queryable, kind: 'status' | 'agents') {
    const row = await rows<{ json: string }>(db, 'SELECT json FROM latest WHERE kind = @kind', { kind });
    return row[0] ? JSON.parse(row[0].json) : null;
  }
  const latestStatus = async (db: Queryable) => {
    const event = (await latest(db, 'status')) as StatusEvent | null;
    return event && { components: event.components, at: event.at };
  };
  const latestAgents = async (db: Queryable) => {
    const event = (await latest(db, 'agents')) as AgentsEvent | null;
    return event && { active: event.active, idle: event.idle, error: event.error, at: event.at };
  };

  // -------------------------------------------------------------------------------------------
  // Audit (fold windows per node: a repeat on another node starts its own row)
  // -------------------------------------------------------------------------------------------
  const folds = new AuditFolds();
  async function writeAudit(record: AuditRecord): Promise<void> {
    const at = now();
    const key = auditFoldKey(record);
    const fold = folds.repeat(key, at);
    if (fold) {
      await pool.query('UPDATE audit SET detail = $1 WHERE id = $2', [
        auditDetailJson(record.detail, { count: fold.count, lastAt: record.at }),
        fold.id,
      ]);
      return;
    }
    const detail = auditDetailJson(record.detail, key === null ? undefined : { count: 1, lastAt: record.at });
    const inserted = await pool.query<{ id: number }>(
      `INSERT INTO audit (at, action, user_id, role, ip, user_agent, detail) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [record.at, record.action, record.userId, record.role, record.ip, record.userAgent, detail],
    );
    writtenSincePrune.audit += 1;
    if (key !== null) folds.started(key, inserted.rows[0]!.id, at);
  }

  // -------------------------------------------------------------------------------------------
  // Pruning (one node at a time)
  // -------------------------------------------------------------------------------------------
  const prefixEnd = (row: { last: number | null; keep: number | null } | undefined): number | null => {
    if (!row || row.last === null) return null;
    if (row.keep === null) return row.last;
    return row.keep > 0 ? row.keep - 1 : null;
  };

  async function pruneTx(client: pg.PoolClient, at: number): Promise<Record<string, number> | null> {
    const lock = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS ok', [
      LOCKS.namespace,
      LOCKS.prune,
    ]);
    if (!lock.rows[0]!.ok) return null; // another node is pruning
    const removed: Record<string, number> = {};
    const batch = pruneBatch + 2 * writtenSincePrune.stream;
    const deleted = async (text: string, values: unknown[]) => (await client.query(text, values)).rowCount ?? 0;
    const end = async (table: 'stream' | 'event_ids' | 'notifications', seqCut: number, createdCut: number) =>
      prefixEnd(
        (
          await rows<{ last: number | null; keep: number | null }>(client, sql.pruneEndSql(table), {
            batch,
            seqCut,
            createdCut,
          })
        )[0],
      );

    const streamEnd = await end(
      'stream',
      (await readLastSeq(client)) - retention.replayCount,
      at - retention.replayAgeMs,
    );
    if (streamEnd !== null) removed.stream = await deleted('DELETE FROM stream WHERE seq <= $1', [streamEnd]);
    const idsEnd = await end('event_ids', 0, at - idempotencyMs);
    if (idsEnd !== null) removed.eventIds = await deleted('DELETE FROM event_ids WHERE seq <= $1', [idsEnd]);
    const notificationsEnd = await end('notifications', 0, at - retention.notificationDays * DAY_MS);
    if (notificationsEnd !== null) {
      removed.notifications = await deleted('DELETE FROM notifications WHERE seq <= $1', [notificationsEnd]);
      await deleted('DELETE FROM notification_audience WHERE seq <= $1', [notificationsEnd]);
      removed.reads = await deleted('DELETE FROM notification_reads WHERE seq <= $1', [notificationsEnd]);
      removed.inboxState = await deleted('DELETE FROM inbox_state WHERE seq <= $1', [notificationsEnd]);
      // Escalation (issue 19): seen flags and steps of notifications no longer kept.
      await deleted('DELETE FROM notification_seen WHERE seq <= $1', [notificationsEnd]);
      await deleted('DELETE FROM escalation_steps WHERE seq <= $1', [notificationsEnd]);
    }
    const nowT = Math.floor(at / 1000);
    const cutoffT = nowT - retention.metricsSeconds;
    const sampleBatch = pruneBatch + 2 * writtenSincePrune.samples;
    const bound = await client.query<{ t: number }>(
      'SELECT t FROM metric_samples WHERE t < $1 ORDER BY t LIMIT 1 OFFSET $2',
      [cutoffT, sampleBatch - 1],
    );
    removed.metricSamples = bound.rows[0]
      ? await deleted('DELETE FROM metric_samples WHERE t <= $1', [bound.rows[0].t])
      : await deleted('DELETE FROM metric_samples WHERE t < $1', [cutoffT]);
    const future = await deleted('DELETE FROM metric_samples WHERE t > $1', [
      nowT + Math.floor(STORAGE_LIMITS.metricFutureSkewMs / 1000),
    ]);
    if (future > 0) {
      removed.futureSamples = future;
      await client.query('DELETE FROM metric_names');
      await client.query(
        'INSERT INTO metric_names (name, last_t) SELECT name, max(t) FROM metric_samples GROUP BY name',
      );
    }
    removed.metricNames = await deleted('DELETE FROM metric_names WHERE last_t < $1', [cutoffT]);
    const activityEnd = await client.query<{ seq: number }>(
      'SELECT seq FROM activity ORDER BY seq DESC LIMIT 1 OFFSET $1',
      [activityKeep],
    );
    if (activityEnd.rows[0]) {
      removed.activity = await deleted(
        'DELETE FROM activity WHERE seq IN (SELECT seq FROM activity WHERE seq <= $1 ORDER BY seq LIMIT $2)',
        [activityEnd.rows[0].seq, batch],
      );
    }
    if (retention.auditDays > 0) {
      const auditEnd = prefixEnd(
        (
          await rows<{ last: number | null; keep: number | null }>(
            client,
            `SELECT
              (SELECT max(id) FROM (SELECT id FROM audit ORDER BY id LIMIT @batch) b) AS last,
              (SELECT min(id) FROM (SELECT id, at FROM audit ORDER BY id LIMIT @batch) b WHERE at >= @cut) AS keep`,
            {
              batch: pruneBatch + 2 * writtenSincePrune.audit,
              cut: new Date(at - retention.auditDays * DAY_MS).toISOString(),
            },
          )
        )[0],
      );
      if (auditEnd !== null) removed.audit = await deleted('DELETE FROM audit WHERE id <= $1', [auditEnd]);
    }
    writtenSincePrune.stream = 0;
    writtenSincePrune.samples = 0;
    writtenSincePrune.audit = 0;
    return removed;
  }

  const inbox = createPgInbox({ pool, transaction, lockUser, viewerParams });

  // -------------------------------------------------------------------------------------------
  // The backend
  // -------------------------------------------------------------------------------------------
  const escalation = createPgEscalation(pool, transaction, now);
  const preferences = createPgPreferences(pool, now);
  const push = createPgPush(pool, transaction, now);
  const backend: HubBackend = {
    append(entries) {
      if (entries.length === 0) return Promise.resolve([]);
      return track(
        'append',
        new Promise<AppendResult[]>((resolve, reject) => {
          queue.push({ entries, resolve, reject });
          scheduleFlush();
        }),
      );
    },

    latestSeq: () => track(null, readLastSeq()),

    streamId: () => streamIdValue,

    replay(afterSeq, limit) {
      return track(
        null,
        (async () => {
          const latestSeq = await readLastSeq();
          if (!Number.isInteger(afterSeq) || afterSeq < 0 || afterSeq > latestSeq) return null;
          if (afterSeq === latestSeq) return [];
          if (afterSeq < latestSeq - retention.replayCount) return null;
          const first = await rows<{ seq: number; created: number }>(
            pool,
            'SELECT seq, created FROM stream WHERE seq > @after ORDER BY seq LIMIT 1',
            { after: afterSeq },
          );
          const f = first[0];
          if (!f || f.seq !== afterSeq + 1 || f.created < now() - retention.replayAgeMs) return null;
          const max = limit === undefined ? null : clampInt(limit, 0, Number.MAX_SAFE_INTEGER, 0);
          const found = await rows<StreamRow>(
            pool,
            'SELECT seq, json, audience FROM stream WHERE seq > @after ORDER BY seq LIMIT @limit',
            { after: afterSeq, limit: max },
          );
          return found.map((row) => parseEntry(row.json, row.audience));
        })(),
      );
    },

    listNotifications: (viewer, opts) => track(null, listNotifications(pool, viewer, opts)),

    unreadCounts: (viewer, categories) => track(null, countUnread(pool, viewer, { categories: categories ?? null })),

    markRead(viewer, ids) {
      const unique = [...new Set(ids.filter((id) => typeof id === 'string'))];
      if (unique.length === 0) return Promise.resolve([]);
      return track(
        'read-state',
        transaction(async (client) => {
          await lockUser(client, viewer.userId);
          const found = await rows<{ seq: number; id: string }>(client, sql.UNREAD_BY_IDS, {
            ...(await viewerParams(client, viewer)),
            ids: unique,
          });
          if (found.length) {
            await client.query(
              `INSERT INTO notification_reads (user_id, seq) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`,
              [viewer.userId, found.map((r) => r.seq)],
            );
            await client.query(
              'UPDATE inbox_state SET unread = 0 WHERE user_id = $1 AND seq = ANY($2::bigint[]) AND unread = 1',
              [viewer.userId, found.map((r) => r.seq)],
            );
            await cancelStepsRead(
              client,
              viewer.userId,
              found.map((r) => r.seq),
            );
          }
          const changed = new Set(found.map((r) => r.id));
          return unique.filter((id) => changed.has(id));
        }),
      );
    },

    knownNotifications(viewer, ids) {
      if (ids.length === 0) return Promise.resolve([]);
      return track(
        null,
        (async () => {
          const known = new Set(
            (await rows<{ id: string }>(pool, sql.KNOWN_BY_IDS, { user: viewer.userId, role: viewer.role, ids })).map(
              (r) => r.id,
            ),
          );
          return ids.filter((id) => known.has(id));
        })(),
      );
    },

    markAllRead(viewer, throughSeq, filter) {
      return track(
        'read-state',
        transaction(async (client) => {
          await lockUser(client, viewer.userId);
          const through = Math.min(Math.floor(throughSeq), await readLastSeq(client));
          if (!(through > 0)) return 0;
          const changed = (await countUnread(client, viewer, { through, ...(filter ? { filter } : {}) })).total;
          if (changed > 0)
            await addReadMark(client, viewer.userId, through, filter?.category ?? '', filter?.priority ?? '');
          return changed;
        }),
      );
    },

    clear(viewer, throughSeq) {
      return track(
        'read-state',
        transaction(async (client) => {
          await lockUser(client, viewer.userId);
          const through = Math.min(Math.floor(throughSeq), await readLastSeq(client));
          if (!(through > 0)) return;
          await client.query(
            `UPDATE user_state SET cleared_through = GREATEST(cleared_through, $2) WHERE user_id = $1`,
            [viewer.userId, through],
          );
          await addReadMark(client, viewer.userId, through, '', '');
        }),
      );
    },

    latestInGroups: (groups) =>
      track(
        null,
        rows<{ json: string }>(pool, sql.LATEST_IN_GROUPS, { groups: [...groups] }).then((found) =>
          found.map((row) => JSON.parse(row.json) as RealtimeNotification),
        ),
      ),
    latestStatus: () => track(null, latestStatus(pool)),
    latestAgents: () => track(null, latestAgents(pool)),
    recentActivity: (limit) => track(null, recentActivity(pool, limit)),
    metricHistory: (since) => track(null, metricHistory(pool, since)),

    snapshot(viewer, opts) {
      // One repeatable-read transaction: every part is read at the same point of the stream.
      return track(
        null,
        transaction(async (client) => {
          const categories = opts.categories ?? null;
          const seq = await readLastSeq(client);
          const { notifications, hasMore } = await listNotifications(client, viewer, {
            limit: opts.notifications,
            categories,
          });
          return {
            seq,
            notifications,
            hasMore,
            unread: await countUnread(client, viewer),
            activity: await recentActivity(client, opts.activity),
            status: await latestStatus(client),
            agents: await latestAgents(client),
            metrics: await metricHistory(client, opts.metricsSince),
          };
        }, 'REPEATABLE READ READ ONLY'),
      );
    },

    audit: (record) => track('audit', writeAudit(boundAuditRecord(record))),

    readAudit(query) {
      const { where, params } = auditWhere(query);
      return track(
        null,
        rows<Parameters<typeof auditRecordFromRow>[0]>(
          pool,
          `SELECT id, at, action, user_id, role, ip, user_agent, detail FROM audit
           ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`,
          params,
        ).then((found) => found.map(auditRecordFromRow)),
      );
    },

    subscribe(fn) {
      listeners.add(fn);
      return () => {
        listeners.delete(fn);
      };
    },

    prune(at = now()) {
      return track(
        'prune',
        transaction((client) => pruneTx(client, at)).then((removed) => {
          const total = removed ? Object.values(removed).reduce((a, b) => a + b, 0) : 0;
          if (removed && total > 0) log({ level: 'debug', msg: 'pruned storage', node, ...removed });
        }),
      );
    },

    async health() {
      if (closed) return { ok: false, detail: 'closed', node };
      try {
        await pool.query('SELECT 1');
      } catch (err) {
        return { ok: false, detail: `storage unreachable: ${err instanceof Error ? err.message : String(err)}`, node };
      }
      const failed = writeErrors.values().next();
      if (!failed.done) return { ok: false, detail: `last write failed: ${failed.value}`, node };
      const heard = listener.state();
      return heard.ok ? { ok: true, node } : { ok: false, detail: heard.detail, node };
    },

    addPushSubscription: (userId, sub) => track(null, push.addPushSubscription(userId, sub)),
    removePushSubscription: (userId, endpoint) => track(null, push.removePushSubscription(userId, endpoint)),
    pushSubscriptions: (userId) => track(null, push.pushSubscriptions(userId)),
    dropPushSubscription: (endpoint) => track(null, push.dropPushSubscription(endpoint)),

    close() {
      closing ??= (async () => {
        // Publishes already queued are written and answered once committed; nothing new is taken.
        // Nothing more is handed out: the hub closed its sessions before its storage.
        scheduleFlush();
        await new Promise((resolve) => setImmediate(resolve));
        sequencer.close();
        do {
          await flushing;
          // A batch past MAX_PUBLISHES_PER_TRANSACTION chained the rest on the next turn.
          await new Promise((resolve) => setImmediate(resolve));
        } while (queue.length > 0 || flushScheduled);
        await flushing;
        closed = true;
        clearInterval(catchUpTimer);
        await Promise.all([...inFlight]);
        listeners.clear();
        await listener.close();
        await pool.end();
      })();
      return closing;
    },

    changeInbox: (viewer, action, ids, until) => track('read-state', inbox.change(viewer, action, ids, until)),
    inboxNotifications: (viewer, ids) => track(null, inbox.notifications(viewer, ids)),
    listArchived: (viewer, opts) => track(null, inbox.listArchived(viewer, opts)),
    nextSnoozeDue: () => track(null, inbox.nextSnoozeDue()),
    wakeSnoozes: (at, limit) => track('read-state', inbox.wakeSnoozes(at, limit)),
    // Escalation (issue 19)
    upsertAdmin: (admin, opts) => track('read-state', escalation.upsertAdmin(admin, opts)),
    getAdmin: (userId) => track(null, escalation.getAdmin(userId)),
    markSeen: (viewer, ids) => track('read-state', escalation.markSeen(viewer, ids)),
    claimEscalationSteps: (opts) => track('read-state', escalation.claimEscalationSteps(opts)),
    finishEscalationStep: (step, node, outcome) =>
      track('read-state', escalation.finishEscalationStep(step, node, outcome)),
    escalationSteps: (filter) => track(null, escalation.escalationSteps(filter)),
    claimDigest: (opts) => track('read-state', escalation.claimDigest(opts)),
    finishDigest: (userId, node, outcome) => track('read-state', escalation.finishDigest(userId, node, outcome)),
    adminsWithEmail: (after, limit) => track(null, escalation.adminsWithEmail(after, limit)),
    getPreferences: (userId) => track(null, preferences.getPreferences(userId)),
    setPreferences: (userId, prefs) => track('read-state', preferences.setPreferences(userId, prefs)),
  };
  return backend;
}
