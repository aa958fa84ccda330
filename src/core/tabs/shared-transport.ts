/**
 * The entry's side of one socket per browser: a small {@link Transport} that loads the sharing
 * code (tab-share.ts: election, relay, follower) as a chunk of its own when the client connects,
 * and hands every call to it from then on. A page that never connects, or cannot share, never
 * loads it; if the chunk cannot be loaded, the tab opens a socket of its own.
 */
import type { TokenProvider } from '../connection.js';
import { defaultTimers, emitTo, listen, report } from '../listeners.js';
import type { ClientAction } from '../protocol.js';
import { StreamCursor } from '../stream-cursor.js';
import { TransportLadder, type TransportLadderOptions } from '../transports/ladder.js';
import { TransportEvents } from '../transports/transport-events.js';
import type { Transport } from '../types.js';

/** Whether this page can share a socket with its other tabs: a document with Web Locks and BroadcastChannel. */
export function canShareTabs(): boolean {
  const g = globalThis as { document?: unknown; navigator?: { locks?: unknown }; BroadcastChannel?: unknown };
  return !!g.document && !!g.navigator?.locks && typeof g.BroadcastChannel === 'function';
}

/** What the loaded implementation offers beyond a {@link Transport}. */
type Loaded = Transport & { readonly lastSeq: number; readonly holdsSocket?: boolean };

/**
 * A {@link Transport} that shares one socket among the tabs of a browser that use the same hub
 * URL, user and categories (see docs/architecture.md, "One socket per browser").
 */
export class SharedTransport extends TransportEvents implements Transport {
  readonly #options: TransportLadderOptions;
  #impl: Loaded | null = null;
  #loading = false;
  #closed = false;

  constructor(options: TransportLadderOptions) {
    super();
    this.#options = { ...options };
  }

  /** Last seq this tab applied. */
  get lastSeq(): number {
    return this.#impl?.lastSeq ?? 0;
  }

  /** Whether this tab holds the socket (the leader, or a tab with a socket of its own). */
  get holdsSocket(): boolean {
    return this.#impl ? (this.#impl.holdsSocket ?? true) : false;
  }

  connect(): void {
    this.#closed = false;
    if (this.#impl) this.#impl.connect();
    else void this.#load();
  }

  reconnectNow(): void {
    if (this.#impl) this.#impl.reconnectNow();
    else this.connect();
  }

  close(): void {
    this.#closed = true;
    if (this.#impl) this.#impl.close();
    else if (this.state.status !== 'idle') this.setState({ status: 'closed' });
  }

  send(action: ClientAction): boolean {
    return this.#impl?.send(action) ?? false;
  }

  setCategories(categories: string[] | null): void {
    this.#options.categories = categories;
    this.#impl?.setCategories(categories);
  }

  setToken(token: string | TokenProvider): void {
    if (typeof token === 'function') this.#options.tokenProvider = token;
    else this.#options.token = token;
    this.#impl?.setToken(token);
  }

  async #load(): Promise<void> {
    if (this.#loading) return;
    this.#loading = true;
    this.setState({ status: 'connecting', attempt: 0 });
    let impl: Loaded;
    try {
      const { TabShare } = await import('./tab-share.js');
      impl = new TabShare(this.#options, {
        Connection: TransportLadder,
        Cursor: StreamCursor,
        emitTo,
        listen,
        report,
        timers: defaultTimers,
      });
    } catch {
      impl = new TransportLadder(this.#options); // the chunk did not load: a socket of its own
    }
    this.#impl = impl;
    impl.onMessage((m) => this.emit('message', m));
    impl.onError((e) => this.emit('error', e));
    impl.onState((s) => {
      // Both said `connecting` while the chunk loaded; the store hears it once.
      if (s.status !== 'connecting' || JSON.stringify(s) !== JSON.stringify(this.state)) this.setState(s);
    });
    if (!this.#closed) impl.connect();
  }
}
