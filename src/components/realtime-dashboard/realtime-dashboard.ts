import { html, nothing, type PropertyDeclarations } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { DEFAULT_CATEGORIES } from '../../core/protocol.js';
import type { ConnectionStatusName, RealtimeStore, TokenProvider } from '../../core/types.js';
import '../admin-notification-center/index.js';
import '../connection-status/index.js';
import '../critical-alerts/index.js';
import '../live-activity/index.js';
import '../realtime-metrics/index.js';
import '../realtime-provider/index.js';
import type { RealtimeProvider } from '../realtime-provider/realtime-provider.js';
import '../system-status/index.js';
import { findProvider, PROVIDER_READY } from '../shared/context.js';
import { lazy } from '../shared/lazy.js';
import { enDashboard } from '../shared/locales/en.js';
import { msg } from '../shared/localize.js';
import { RealtimeElement } from '../shared/realtime-element.js';
import type { AutoRefreshController } from './auto-refresh.js';
import { categoryToggles, intervalLabel } from './dashboard-controls.js';
import { styles } from './realtime-dashboard.styles.js';

const loadAutoRefresh = lazy(() => import('./auto-refresh.js'), 'auto-refresh');

/** Connection states in which the toggle offers "Disconnect". */
const OPEN: ReadonlySet<ConnectionStatusName> = new Set(['connecting', 'connected', 'reconnecting', 'offline']);

/**
 * The whole real-time admin view in one tag: connection state and controls in a header, the
 * critical banner, and the metrics, system status, activity and notification panels in a
 * responsive grid (container queries, so it adapts to its column, not the viewport).
 *
 * Where its connection comes from: with `url` it renders its own `<realtime-provider>` around its
 * content (with `token` / `tokenProvider`), so one tag is a working dashboard; without `url` it
 * uses the provider found like any element (its `store` property, an ancestor provider,
 * `provider="id"`, or the only provider in the document). Connect / Disconnect call the store's
 * `connect()` / `disconnect()` and are hidden when only a bare `store` was given.
 *
 * @tag realtime-dashboard
 * @summary Composes every realtime element with connect, refresh, auto-refresh and category controls.
 *
 * @fires realtime-categories-change - The reader changed the subscribed categories; `detail.categories` is the new list (null: all).
 *
 * @csspart base - The wrapper of everything.
 * @csspart header - The header row with connection state and controls.
 * @csspart controls - The group of buttons and the interval select.
 * @csspart connect-button - The Connect / Disconnect button.
 * @csspart refresh-button - The Refresh button.
 * @csspart interval - The auto-refresh select.
 * @csspart categories - The fieldset of category checkboxes.
 * @csspart category - One category checkbox with its label.
 * @csspart banner - The inline `<critical-alerts>`.
 * @csspart panels - The grid of panels.
 * @csspart metrics - The `<realtime-metrics>` panel.
 * @csspart status - The `<system-status>` panel.
 * @csspart activity - The `<live-activity>` panel.
 * @csspart notifications - The `<admin-notification-center>` panel.
 *
 * @cssproperty [--realtime-dashboard-gap=1rem] - Space between panels.
 * @cssproperty [--realtime-dashboard-panel-background=var(--realtime-surface)] - Background of each panel.
 * @cssproperty [--realtime-dashboard-header-background=var(--realtime-surface-raised)] - Background of the header.
 */
export class RealtimeDashboard extends RealtimeElement {
  static override styles = styles;
  static override properties: PropertyDeclarations = {
    url: { reflect: true },
    token: {},
    tokenProvider: { attribute: false },
    provider: { reflect: true },
    autoRefresh: { type: Number, attribute: 'auto-refresh', reflect: true },
    refreshIntervals: { attribute: false },
    categoryOptions: { attribute: false },
    errorThreshold: { type: Number, attribute: 'error-threshold' },
    refreshError: { state: true, attribute: false },
  };

  /** Hub WebSocket endpoint; when set, the dashboard renders and owns its own provider. */
  url?: string;

  /** JWT for the dashboard's own provider (with `url`). */
  token?: string;

  /** Token provider for the dashboard's own provider (with `url`). */
  tokenProvider?: TokenProvider;

  /** Id of the `<realtime-provider>` to use when it is not an ancestor (without `url`). */
  declare provider?: string;

  /** Seconds between automatic refreshes; 0 is off. */
  autoRefresh = 0;

  /** The intervals (seconds) the auto-refresh select offers besides Off. */
  refreshIntervals: number[] = [30, 60, 300];

  /** The categories offered as subscription toggles. */
  categoryOptions: string[] = [...DEFAULT_CATEGORIES];

  /** Error rate (0–1) above which the metrics panel alerts. */
  errorThreshold = 0.05;

  private refreshError = '';
  #explicitStore: RealtimeStore | undefined;

  readonly #connection = this.select((s) => s.connection.status);
  readonly #categories = this.select((s) => s.categories);
  /** The auto-refresh timer (auto-refresh.ts, a chunk of its own), from the first interval chosen. */
  #autoRefreshTimer?: AutoRefreshController;
  /** Its load, which `updateComplete` waits for (with the update that starts it). */
  #timerLoad?: Promise<unknown>;

  constructor() {
    super(enDashboard);
  }

  protected override willUpdate(): void {
    if (this.autoRefresh > 0 && !this.#autoRefreshTimer)
      this.#timerLoad ??= loadAutoRefresh().then((m) => {
        this.#timerLoad = undefined;
        if (!m || this.#autoRefreshTimer) return;
        // Added to a connected host it starts at once; the update it asks for starts the timer.
        this.#autoRefreshTimer = new m.AutoRefreshController(this, {
          seconds: () => this.autoRefresh,
          active: () => this.#connection.value === 'connected',
          refresh: () => void this.refresh(),
        });
        this.requestUpdate();
      });
  }

  /** Also waits for the auto-refresh timer's chunk, once an interval is chosen, and the update that starts it. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const done = await super.getUpdateComplete();
    const loading = this.#timerLoad;
    if (!loading) return done;
    await loading;
    return super.getUpdateComplete();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.ownerDocument.addEventListener(PROVIDER_READY, this.#onProviderReady);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.ownerDocument.removeEventListener(PROVIDER_READY, this.#onProviderReady);
  }

  /** The own provider made a new store (its url changed): re-render so the controllers rebind. */
  readonly #onProviderReady = (event: Event): void => {
    const provider = (event as CustomEvent<{ provider?: Element }>).detail?.provider;
    if (provider && provider === this.#ownProvider()) this.requestUpdate();
  };

  /** The store given directly; with `url` and none given, reads as the dashboard's own provider's store. */
  override get store(): RealtimeStore | undefined {
    return this.#explicitStore ?? (this.url ? this.#ownProvider()?.store : undefined);
  }
  override set store(store: RealtimeStore | undefined) {
    const old = this.#explicitStore;
    this.#explicitStore = store;
    this.requestUpdate('store', old);
  }

  /** Whether the auto-refresh timer is running (an interval is chosen and the connection is up). */
  get autoRefreshing(): boolean {
    return this.#autoRefreshTimer?.running ?? false;
  }

  /** The provider whose connection the toggle opens and closes, if any. */
  get providerElement(): RealtimeProvider | null {
    if (this.url) return this.#ownProvider();
    return this.#explicitStore ? null : (findProvider(this, this.provider) as RealtimeProvider | null);
  }

  /** Asks the hub for a fresh snapshot; a failure is shown, not thrown. */
  async refresh(): Promise<void> {
    const store = this.#connection.store;
    if (!store) return;
    try {
      await store.refresh();
      this.refreshError = '';
    } catch (error) {
      this.refreshError = msg('dashboard.refreshFailed', { reason: (error as Error).message });
    }
  }

  #ownProvider(): RealtimeProvider | null {
    return this.renderRoot?.querySelector?.('realtime-provider') ?? null;
  }

  #toggleConnection(): void {
    const store = this.#connection.store;
    if (!store || !this.providerElement) return;
    if (OPEN.has(this.#connection.value ?? 'idle')) store.disconnect();
    else store.connect();
  }

  #onInterval(event: Event): void {
    this.autoRefresh = Number((event.target as HTMLSelectElement).value);
  }

  #onCategory(): void {
    const boxes = [...this.renderRoot.querySelectorAll<HTMLInputElement>('input[name="category"]')];
    const ticked = boxes.filter((box) => box.checked).map((box) => box.value);
    // Every box ticked means "everything", including categories the toggles do not list.
    const categories = ticked.length === boxes.length ? null : ticked;
    this.#connection.store?.setCategories(categories);
    this.emit('realtime-categories-change', { categories });
  }

  protected override render() {
    const content = this.#renderContent();
    if (!this.url) return content;
    return html`<realtime-provider url=${this.url} token=${ifDefined(this.token)} .tokenProvider=${this.tokenProvider}
      >${content}</realtime-provider
    >`;
  }

  #renderContent() {
    const provider = this.url ? undefined : this.provider;
    const store = this.#explicitStore;
    return html`
      <div part="base" class="base" role="region" aria-label=${msg('dashboard.label')}>
        <div part="header" class="header">
          <connection-status provider=${ifDefined(provider)} .store=${store}></connection-status>
          ${this.#renderControls()}
        </div>
        ${categoryToggles(this.categoryOptions, this.#categories.value, () => this.#onCategory())}
        <critical-alerts part="banner" class="banner" provider=${ifDefined(provider)} .store=${store}></critical-alerts>
        <div part="panels" class="panels">
          <realtime-metrics
            part="metrics"
            class="panel wide"
            provider=${ifDefined(provider)}
            .store=${store}
            error-threshold=${this.errorThreshold}
          ></realtime-metrics>
          <system-status part="status" class="panel" variant="detailed" provider=${ifDefined(provider)} .store=${store}></system-status>
          <live-activity part="activity" class="panel" provider=${ifDefined(provider)} .store=${store}></live-activity>
          <admin-notification-center
            part="notifications"
            class="panel"
            provider=${ifDefined(provider)}
            .store=${store}
          ></admin-notification-center>
        </div>
      </div>
    `;
  }

  #renderControls() {
    const status = this.#connection.value;
    const canToggle = !!(this.url || this.providerElement);
    const intervals = [0, ...this.refreshIntervals.filter((s) => s > 0 && s !== this.autoRefresh), this.autoRefresh];
    const options = [...new Set(intervals)].sort((a, b) => a - b);
    return html`
      <div part="controls" class="controls">
        ${
          canToggle
            ? html`<button part="connect-button" type="button" @click=${this.#toggleConnection}>
              ${msg(OPEN.has(status ?? 'idle') ? 'dashboard.disconnect' : 'dashboard.connect')}
            </button>`
            : nothing
        }
        <button part="refresh-button" type="button" ?disabled=${status !== 'connected'} @click=${this.refresh}>
          ${msg('dashboard.refresh')}
        </button>
        <label class="interval">
          ${msg('dashboard.autoRefresh')}
          <select part="interval" @change=${this.#onInterval}>
            ${options.map(
              (seconds) =>
                html`<option value=${seconds} ?selected=${seconds === this.autoRefresh}>${intervalLabel(seconds)}</option>`,
            )}
          </select>
        </label>
        <span class="refresh-message" role="status">${this.refreshError}</span>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'realtime-dashboard': RealtimeDashboard;
  }
}
