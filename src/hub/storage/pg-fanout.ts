/**
 * How a PostgreSQL node hears the cluster: one listener connection (LISTEN) per node, runs handed
 * out strictly in seq order whatever order they arrive in (NOTIFY, this node's own commits, reads
 * of the log), gaps repaired from the log by seq, and a probe the node must hear back to know its
 * listener still works.
 */
import pg from 'pg';
import type { StreamEntry } from '../backend.js';

/** Entries held back behind a gap before they are dropped and read from the log instead. */
const MAX_HELD_ENTRIES = 10_000;
/** Rows read from the log per repair step. */
const REPAIR_PAGE = 1000;
/** Wait before a repair that could not read the log (the database is down) tries again. */
const REPAIR_RETRY_MS = 250;

/**
 * Hands out runs in seq order, each entry once. A run that arrives ahead of a gap is held and the
 * gap read from the log: seqs are assigned in commit order, so everything below a committed seq is
 * committed and readable.
 */
export class RunSequencer {
  private held = new Map<number, StreamEntry[]>();
  private heldEntries = 0;
  private repairing: Promise<void> | null = null;
  private repairAgain = false;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    /** The last seq handed out. */
    private delivered: number,
    /** Log entries after `afterSeq`, below `beforeSeq` when given, oldest first, at most `limit`. */
    private readonly readAfter: (afterSeq: number, limit: number, beforeSeq?: number) => Promise<StreamEntry[]>,
    private readonly emit: (run: StreamEntry[]) => void,
    private readonly log: (obj: Record<string, unknown>) => void,
  ) {}

  /** The last seq handed out. */
  get position(): number {
    return this.delivered;
  }

  /** A run heard or committed; handed out now when it follows what was, else after a repair. */
  offer(run: readonly StreamEntry[]): void {
    if (this.closed || run.length === 0) return;
    const first = run[0]!.event.seq;
    if (run[run.length - 1]!.event.seq <= this.delivered || this.held.has(first)) return;
    this.held.set(first, [...run]);
    this.heldEntries += run.length;
    if (this.heldEntries > MAX_HELD_ENTRIES) {
      // Far behind: forget what is held, the log has it.
      this.held.clear();
      this.heldEntries = 0;
      this.repair();
      return;
    }
    this.drain();
  }

  /** Resolves once every entry through `seq` was handed out (or the sequencer closed). */
  reached(seq: number): Promise<void> {
    if (seq <= this.delivered || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push({ seq, resolve });
      this.drain();
    });
  }

  /** Reads the log past what was handed out (a missed notification, a reconnected listener). */
  repair(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.repairing) {
      this.repairAgain = true;
      return this.repairing;
    }
    let failed = false;
    this.repairing = (async () => {
      do {
        this.repairAgain = false;
        for (;;) {
          let page: StreamEntry[];
          try {
            // Up to the first run held (it follows on its own, as the frame of its publish).
            const before = this.held.size ? Math.min(...this.held.keys()) : undefined;
            page = await this.readAfter(this.delivered, REPAIR_PAGE, before);
          } catch (err) {
            this.log({ level: 'warn', msg: 'reading the log to repair a gap failed', err: String(err) });
            failed = true;
            return;
          }
          if (this.closed) return;
          const fresh = page.filter((e) => e.event.seq > this.delivered);
          if (fresh.length === 0) break;
          const expected = this.delivered + 1;
          if (fresh[0]!.event.seq !== expected) {
            // Pruned before this node read it (a node far behind): nothing left to send for it.
            this.log({
              level: 'warn',
              msg: 'log entries gone before delivery',
              from: expected,
              to: fresh[0]!.event.seq - 1,
            });
          }
          this.handOut(fresh);
          this.drain(false);
          if (page.length < REPAIR_PAGE) break;
        }
      } while (this.repairAgain && !this.closed);
    })().finally(() => {
      this.repairing = null;
      if (!failed) this.drain();
      else if (!this.closed) {
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.drain(), REPAIR_RETRY_MS);
        this.retryTimer.unref();
      }
    });
    return this.repairing;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.held.clear();
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private handOut(run: StreamEntry[]): void {
    this.delivered = run[run.length - 1]!.event.seq;
    try {
      this.emit(run);
    } catch (err) {
      this.log({ level: 'error', msg: 'backend listener failed', seq: run[0]!.event.seq, err: String(err) });
    }
  }

  /** Hands out held runs that follow what was handed out; repairs when a gap remains. */
  private drain(repairGaps = true): void {
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (const [first, run] of this.held) {
        const last = run[run.length - 1]!.event.seq;
        if (last <= this.delivered) {
          this.held.delete(first);
          this.heldEntries -= run.length;
          progressed = true;
        } else if (first <= this.delivered + 1) {
          this.held.delete(first);
          this.heldEntries -= run.length;
          this.handOut(run.filter((e) => e.event.seq > this.delivered));
          progressed = true;
        }
      }
    }
    if (this.waiters.length) {
      const waiting = this.waiters;
      this.waiters = [];
      for (const w of waiting) {
        if (w.seq <= this.delivered) w.resolve();
        else this.waiters.push(w);
      }
    }
    if (repairGaps && (this.held.size > 0 || this.waiters.length > 0) && !this.repairing) void this.repair();
  }
}

export interface ListenerOptions {
  url: string;
  channel: string;
  node: string;
  /** A notification's payload (JSON) other than this node's probe. */
  onPayload: (payload: unknown) => void;
  /** The listener (re)connected: read the log for what may have been missed. */
  onConnected: () => void;
  /** Sends a probe through the storage connection: `pg_notify(channel, payload)`. */
  sendProbe: (payload: string) => Promise<void>;
  log: (obj: Record<string, unknown>) => void;
  probeMs: number;
  probeTimeoutMs: number;
  reconnectMs: number;
}

/**
 * The node's one LISTEN connection: reconnects after a drop (the node's clients stay connected
 * meanwhile; a repair follows), and probes itself every `probeMs` so a connection that is open but
 * no longer hears anything is noticed too.
 */
export class ClusterListener {
  private client: pg.Client | null = null;
  private connected = false;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private probeCounter = 0;
  /** The oldest probe not heard back yet. */
  private unanswered: { k: number; sentAt: number } | null = null;
  private lastError = '';

  constructor(private readonly o: ListenerOptions) {}

  /** Connects (throws when it cannot) and starts probing. */
  async start(): Promise<void> {
    await this.connect();
    this.probeTimer = setInterval(() => this.probe(), this.o.probeMs);
    this.probeTimer.unref();
  }

  /** Does this node hear the cluster? */
  state(): { ok: boolean; detail?: string } {
    if (!this.connected) return { ok: false, detail: `cluster listener down (${this.lastError || 'connecting'})` };
    if (this.unanswered && Date.now() - this.unanswered.sentAt > this.o.probeTimeoutMs) {
      return {
        ok: false,
        detail: `cluster listener has not heard its probe back for ${Date.now() - this.unanswered.sentAt} ms`,
      };
    }
    return { ok: true };
  }

  /** Sends a probe now (tests, and every `probeMs`). */
  probe(): void {
    if (this.closed) return;
    const k = ++this.probeCounter;
    this.unanswered ??= { k, sentAt: Date.now() };
    this.o.sendProbe(JSON.stringify({ probe: this.o.node, k })).catch((err: unknown) => {
      this.o.log({ level: 'debug', msg: 'cluster probe not sent', err: String(err) });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.probeTimer);
    const client = this.client;
    this.client = null;
    this.connected = false;
    if (client) await client.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.o.url,
      application_name: `admin-realtime listener ${this.o.node}`,
    });
    const lost = (why: string) => {
      if (this.client !== client) return;
      this.client = null;
      this.connected = false;
      this.lastError = why;
      client.end().catch(() => {});
      if (this.closed) return;
      this.o.log({ level: 'warn', msg: 'cluster listener lost; reconnecting', err: why });
      this.scheduleReconnect();
    };
    client.on('error', (err) => lost(err.message));
    client.on('end', () => lost('connection ended'));
    client.on('notification', (msg) => {
      if (msg.channel !== this.o.channel || msg.payload === undefined) return;
      let payload: unknown;
      try {
        payload = JSON.parse(msg.payload);
      } catch {
        return;
      }
      const probe = payload as { probe?: string; k?: number };
      if (probe.probe !== undefined) {
        if (probe.probe === this.o.node && this.unanswered && (probe.k ?? 0) >= this.unanswered.k)
          this.unanswered = null;
        return;
      }
      this.o.onPayload(payload);
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${this.o.channel}`);
    } catch (err) {
      if (this.client === client) this.client = null;
      client.end().catch(() => {});
      this.lastError = err instanceof Error ? err.message : String(err);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.connected = true;
    this.lastError = '';
    this.unanswered = null;
    this.o.onConnected();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((err: unknown) => {
        this.o.log({ level: 'debug', msg: 'cluster listener reconnect failed', err: String(err) });
        if (!this.closed) this.scheduleReconnect();
      });
    }, this.o.reconnectMs);
  }
}
