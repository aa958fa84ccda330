import { ContextProvider } from '@lit/context';
import { html, type PropertyDeclarations, type PropertyValues } from 'lit';
import { createRealtimeClient, type RealtimeClient, type RealtimeClientOptions } from '../../core/client.js';
import type { RealtimeStore, TokenProvider, TransportMode } from '../../core/types.js';
import { PROVIDER_READY, realtimeContext } from '../shared/context.js';
import { setLocale } from '../shared/localize.js';
import { RealtimeBase } from '../shared/realtime-element.js';
import { styles } from './realtime-provider.styles.js';

/** `"a, b"` ⇄ `['a', 'b']`; an absent or empty attribute means every category (null). */
const categoryList = {
  fromAttribute: (value: string | null): string[] | null => {
    const list = (value ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return list.length > 0 ? list : null;
  },
  toAttribute: (value: string[] | null): string | null => (value && value.length > 0 ? value.join(',') : null),
};

const sameList = (a: string[] | null, b: string[] | null): boolean =>
  a === b || (a !== null && b !== null && a.length === b.length && a.every((c, i) => c === b[i]));

/**
 * Owns one connection to the hub and its store, and provides the store to every element inside
 * it (context) and to elements elsewhere that name it with `provider="id"` or find it as the only
 * provider in the document. Opens when connected to the DOM (unless `manual`), closes when
 * removed: no socket, timer or listener is left behind. Tabs of one browser that use the same hub
 * URL, user and categories share one socket (one tab holds it), unless `isolated`.
 *
 * @summary Connection and store for the realtime elements.
 *
 * @tag realtime-provider
 *
 * @attr {string} url - The hub's WebSocket endpoint, e.g. `wss://hub.example.com/v1/ws`. Changing it starts a new connection and store.
 * @attr {string} token - JWT sent in the first message (never in the URL). Changing it re-authenticates in place.
 * @attr {string} categories - Comma-separated categories to receive (absent: all); the hub filters.
 * @attr {string} locale - Language of every element on the page (`en`, `de`, or one added with `addMessages`).
 * @attr {number} max-notifications - Notifications kept in memory (default 100). Read when the client is created.
 * @attr {number} max-activity - Activity entries kept (default 50). Read when the client is created.
 * @attr {number} metrics-window - Seconds of metric history kept (default 3600). Read when the client is created.
 * @attr {number} heartbeat-ms - Interval between heartbeat pings (default: the hub's `welcome.heartbeatMs`). Read when the client is created.
 * @attr {number} pong-timeout-ms - How long a ping may go unanswered before it counts as missed (default 10000). Read when the client is created.
 * @attr {number} connect-timeout-ms - Limit for opening the socket and receiving `welcome` (default 10000). Read when the client is created.
 * @attr {boolean} manual - Do not connect on insertion; call `connect()`.
 * @attr {boolean} isolated - This tab gets a socket of its own instead of sharing one with the other tabs of the browser that use the same hub and user. Read when the client is created.
 * @attr {'auto' | 'websocket' | 'sse' | 'polling'} transport - How to reach the hub (default `auto`: WebSocket, then Server-Sent Events, then long polling where WebSockets are blocked or buffered). The rung in use is `transport` in the connected state. Changing it starts a new connection.
 *
 * @fires realtime-provider-ready - On `document`, whenever this provider's store is created (discovery listens for it).
 * @fires realtime-state-change - The connection state changed; `detail` is the `ConnectionState`.
 * @fires realtime-notification - A new notification arrived; `detail` is the notification.
 * @fires realtime-error - The client surfaced a problem (refused frame or action, close, auth); `detail` is the error.
 *
 * @slot - The page content that uses this provider's store.
 */
export class RealtimeProvider extends RealtimeBase {
  static override styles = styles;
  static override properties: PropertyDeclarations = {
    url: {},
    token: {},
    tokenProvider: { attribute: false },
    categories: { converter: categoryList },
    locale: {},
    maxNotifications: { type: Number, attribute: 'max-notifications' },
    maxActivity: { type: Number, attribute: 'max-activity' },
    metricsWindow: { type: Number, attribute: 'metrics-window' },
    heartbeatMs: { type: Number, attribute: 'heartbeat-ms' },
    pongTimeoutMs: { type: Number, attribute: 'pong-timeout-ms' },
    connectTimeoutMs: { type: Number, attribute: 'connect-timeout-ms' },
    manual: { type: Boolean },
    isolated: { type: Boolean },
    transport: {},
  };

  /** The hub's WebSocket endpoint. */
  url = '';
  /** JWT sent in the first message; changing it re-authenticates in place. */
  token?: string;
  /** Called for a token when none is set, after the hub says it expired, and ahead of expiry. */
  tokenProvider?: TokenProvider;
  /** Categories to receive; null for every category. */
  categories: string[] | null = null;
  /** Language of every element on the page. */
  locale?: string;
  /** Notifications kept in memory. */
  maxNotifications?: number;
  /** Activity entries kept. */
  maxActivity?: number;
  /** Seconds of metric history kept. */
  metricsWindow?: number;
  /** Interval between heartbeat pings in ms (default: the hub's). */
  heartbeatMs?: number;
  /** How long a ping may go unanswered before it counts as missed, in ms. */
  pongTimeoutMs?: number;
  /** Limit for opening the socket and receiving `welcome`, in ms. */
  connectTimeoutMs?: number;
  /** Do not connect on insertion; call `connect()`. */
  manual = false;
  /** A socket of its own instead of one shared with the browser's other tabs. */
  isolated = false;
  /** How to reach the hub: `auto` (WebSocket, then SSE, then long polling), or one rung only. */
  transport: TransportMode = 'auto';

  readonly #context = new ContextProvider(this, { context: realtimeContext });
  #current?: RealtimeClient;
  #clientUrl = '';
  #clientTransport: TransportMode = 'auto';
  /** What the client was last given, so only real changes reach it. */
  #applied: { token?: string; tokenProvider?: TokenProvider; categories: string[] | null } = {
    categories: null,
  };
  #offClient: (() => void)[] = [];

  /** The store shared by the elements using this provider; one stable object per `url`. */
  get store(): RealtimeStore | undefined {
    return this.#current?.store;
  }

  /** The client (store, connection, events), for code that needs more than the store. */
  get client(): RealtimeClient | undefined {
    return this.#current;
  }

  /** Opens the connection (creating the client if needed). */
  connect(): void {
    this.#ensureClient()?.connect();
  }

  /** Closes the connection; the store and its data stay, and `connect()` reopens. */
  disconnect(): void {
    this.#current?.store.disconnect();
  }

  /** Drops the current socket and opens a new one now. */
  reconnect(): void {
    this.disconnect();
    this.connect();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#ensureClient();
    this.#autoConnect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.disconnect();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('locale') && (this.locale || changed.get('locale'))) void setLocale(this.locale || undefined);
    const client = this.#current;
    if (!client) {
      // The url arrived after insertion (a framework setting properties late).
      if (this.isConnected && this.#ensureClient()) this.#autoConnect();
      return;
    }
    if (
      (changed.has('url') && this.url !== this.#clientUrl) ||
      (changed.has('transport') && this.transport !== this.#clientTransport)
    ) {
      if (this.url) this.#replaceClient();
      return;
    }
    if (this.token && this.token !== this.#applied.token) {
      this.#applied.token = this.token;
      client.setToken(this.token);
    }
    if (this.tokenProvider && this.tokenProvider !== this.#applied.tokenProvider) {
      this.#applied.tokenProvider = this.tokenProvider;
      client.setToken(this.tokenProvider);
    }
    if (!sameList(this.#applied.categories, this.categories)) {
      this.#applied.categories = this.categories;
      client.store.setCategories(this.categories);
    }
  }

  protected override render() {
    return html`<slot></slot>`;
  }

  /** Connects after the pending update, so a tokenProvider set right after insertion is in place. */
  #autoConnect(): void {
    if (this.manual) return;
    void this.updateComplete.then(() => {
      if (this.isConnected && !this.manual) this.#current?.connect();
    });
  }

  #ensureClient(): RealtimeClient | undefined {
    if (this.#current || !this.url) return this.#current;
    const options: RealtimeClientOptions = {
      url: this.url,
      categories: this.categories,
      share: !this.isolated,
      transport: this.transport,
    };
    if (this.token) options.token = this.token;
    if (this.tokenProvider) options.tokenProvider = this.tokenProvider;
    if (this.maxNotifications !== undefined) options.maxNotifications = this.maxNotifications;
    if (this.maxActivity !== undefined) options.maxActivity = this.maxActivity;
    if (this.metricsWindow !== undefined) options.metricsWindowSeconds = this.metricsWindow;
    if (this.heartbeatMs !== undefined) options.heartbeatMs = this.heartbeatMs;
    if (this.pongTimeoutMs !== undefined) options.pongTimeoutMs = this.pongTimeoutMs;
    if (this.connectTimeoutMs !== undefined) options.connectTimeoutMs = this.connectTimeoutMs;
    const client = createRealtimeClient(options);
    this.#current = client;
    this.#clientUrl = this.url;
    this.#clientTransport = this.transport;
    this.#applied = { token: this.token, tokenProvider: this.tokenProvider, categories: this.categories };
    this.#offClient = [
      client.on('realtime-state-change', (state) => this.emit('realtime-state-change', state)),
      client.on('realtime-notification', (n) => this.emit('realtime-notification', n)),
      client.on('realtime-error', (error) => this.emit('realtime-error', error)),
    ];
    this.#context.setValue(client.store);
    this.ownerDocument.dispatchEvent(new CustomEvent(PROVIDER_READY, { detail: { provider: this } }));
    return client;
  }

  /** A new endpoint is another hub stream (a new transport, another connection): start over with a fresh client and store. */
  #replaceClient(): void {
    const wasOpen = this.#current && this.#current.store.getState().connection.status !== 'closed';
    for (const off of this.#offClient) off();
    this.#current?.close();
    this.#current = undefined;
    this.#context.setValue(undefined);
    const next = this.#ensureClient();
    if (next && wasOpen && this.isConnected) next.connect();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'realtime-provider': RealtimeProvider;
  }
}
