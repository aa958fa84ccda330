import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { isSafeLink, type ListedNotification } from '../../core/protocol.js';
import { ClockController } from '../shared/clock.js';
import { lazy } from '../shared/lazy.js';
import { enAlerts } from '../shared/locales/en.js';
import { formatDateTime, formatRelative, msg } from '../shared/localize.js';
import { MotionGate } from '../shared/motion-gate.js';
import { RealtimeElement } from '../shared/realtime-element.js';
import { repeat } from '../shared/repeat.js';
import { tokens } from '../shared/tokens.styles.js';
import { watchSeen } from '../shared/watch-seen.js';
import type * as Outputs from './alert-outputs.js';
import { styles } from './critical-alerts.styles.js';
import type { DesktopPermission } from './desktop-notifier.js';

/** The beep and desktop notifications (alert-outputs.ts): once loaded, and their load. */
let outputs: typeof Outputs | undefined;
const loadOutputs = lazy(() => import('./alert-outputs.js').then((m) => (outputs = m)), 'alert-outputs');

/** The current desktop notification permission, or `unsupported` where the API is missing. */
const desktopPermission = (): DesktopPermission =>
  (globalThis as { Notification?: typeof Notification }).Notification?.permission ?? 'unsupported';

/** Alert ids remembered as already seen, so a re-render never sounds twice. */
const SEEN_CAP = 500;

/**
 * Toasts for unread critical notifications, in an assertive live region, fixed to a corner or
 * edge of the viewport, or in the page's flow (`placement="inline"`). Of the notifications sharing
 * a `group` (an incident) only the newest can alert: a later one replaces the toast, and one with
 * `resolved: true` (or a priority below critical) takes it away. Each toast has its title, message, time, link (http/https only, other
 * schemes shown as text), Mark read and Dismiss; Escape on a toast dismisses it. When a toast holding
 * focus leaves, focus moves to the next toast, and after the last one back to where it was before
 * the toasts (else to the alerts list).
 *
 * Optional, both off by default and both only for alerts that arrive after the element
 * connects (never the initial snapshot): a short beep (`sound`; Web Audio, started only after a
 * user gesture) and a desktop notification while the tab is hidden (`browser-notifications`;
 * permission is asked only when the reader presses "Enable desktop alerts"). When tabs share one
 * socket, only the tab holding it sounds and notifies, so an alert is heard once per browser.
 *
 * @tag critical-alerts
 * @summary Dismissable toasts for critical notifications.
 *
 * @fires realtime-alert-dismiss - A toast was dismissed; `detail.notification` is the alert.
 *
 * @csspart base - The stack of toasts.
 * @csspart list - The assertive live region holding the toasts.
 * @csspart toast - One toast (has `data-id`).
 * @csspart icon - A toast's warning icon.
 * @csspart title - A toast's title.
 * @csspart message - A toast's message.
 * @csspart time - A toast's relative time (full time in its title).
 * @csspart link - A toast's http(s) link.
 * @csspart link-text - A link with another scheme, shown as plain text.
 * @csspart actions - A toast's buttons.
 * @csspart mark-read - The Mark read button.
 * @csspart dismiss - The Dismiss button.
 * @csspart more - The "+N more" line.
 * @csspart enable-notifications - The "Enable desktop alerts" button.
 *
 * @cssproperty [--realtime-alerts-width=22rem] - Width of the toast stack.
 * @cssproperty [--realtime-alerts-offset=1rem] - Distance from the viewport edges.
 * @cssproperty [--realtime-alerts-z-index=1000] - Stacking order of the overlay.
 * @cssproperty [--realtime-alerts-accent=var(--realtime-priority-critical)] - Toast accent colour.
 * @cssproperty [--realtime-alerts-background=var(--realtime-surface)] - Toast background.
 */
export class CriticalAlerts extends RealtimeElement {
  static override styles = [tokens, styles];
  static override properties: PropertyDeclarations = {
    max: { type: Number },
    placement: { reflect: true },
    sound: { type: Boolean, reflect: true },
    browserNotifications: { type: Boolean, reflect: true, attribute: 'browser-notifications' },
    permission: { state: true, attribute: false },
  };

  constructor() {
    super(enAlerts);
    // The toasts (or banner) shown, while they can be seen: the hub stops their push escalation.
    watchSeen(this, () => ({
      store: this.#alerts.store,
      ids: (this.#alerts.value ?? []).slice(0, Math.max(1, this.max)).map((n) => n.id),
    }));
  }

  /** How many toasts are visible at once; the rest are counted as "+N more". */
  max = 3;

  /**
   * Where the stack sits: over the page at `top-end` (default), `top`, `bottom-end` or `bottom`,
   * or `inline`: in the page's flow as a banner, covering nothing (an empty stack takes no space).
   */
  placement: 'top-end' | 'top' | 'bottom-end' | 'bottom' | 'inline' = 'top-end';

  /** Beep when a new critical alert arrives (after the first user gesture on the page). */
  sound = false;

  /** Show a desktop notification for new alerts while the tab is hidden (asks permission on click). */
  browserNotifications = false;

  private permission: DesktopPermission = desktopPermission();

  readonly #alerts = this.select((s) => s.criticalAlerts);
  readonly #loading = this.select((s) => s.loading);
  readonly #snapshotSeq = this.select((s) => s.snapshotSeq);
  /** Tabs sharing one socket alert once per browser: the tab that holds the socket sounds and notifies. */
  readonly #follower = this.select((s) => s.connection.status === 'connected' && s.connection.shared === 'follower');
  readonly #clock = new ClockController(this);
  /** The beep (alert-sound.ts, a chunk of its own), once loaded: on the first alert that sounds. */
  #beeper?: Outputs.AlertSound;
  /** Toasts slide in only after a calm spell; during a burst they appear without moving. */
  readonly #motion = new MotionGate();
  /** Whether each shown toast appeared still (decided once, when it first showed). */
  #still = new Map<string, boolean>();
  /** Ids present when the element connected or seen since; undefined until the snapshot is in. */
  #seen: Set<string> | undefined;
  /** Position of the toast whose button was used, to move focus when that toast leaves. */
  #focusIndex: number | undefined;
  /** Where focus was before it entered the toasts: it goes back there when the last toast leaves. */
  #focusOrigin: WeakRef<HTMLElement> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.permission = desktopPermission();
    if (this.sound) this.#attachSound();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#beeper?.detach();
    this.#seen = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('sound') && this.sound && this.isConnected) this.#attachSound();
    // Loaded ahead, so "Enable desktop alerts" asks within the click's user activation.
    if (this.browserNotifications) void loadOutputs();
  }

  /**
   * Gestures are watched from when `sound` is on where `navigator.userActivation` is missing, so
   * there the beep loads at once; elsewhere it loads when an alert first sounds.
   */
  #attachSound(): void {
    if (this.#beeper) this.#beeper.attach();
    else if (!globalThis.navigator?.userActivation) void this.#loadSound();
  }

  /** The beep, attached while `sound` is on and the element connected. */
  async #loadSound(): Promise<Outputs.AlertSound | undefined> {
    const m = await loadOutputs();
    if (m && !this.#beeper) {
      this.#beeper = new m.AlertSound();
      if (this.sound && this.isConnected) this.#beeper.attach();
    }
    return this.#beeper;
  }

  override render() {
    const alerts = this.#alerts.value ?? [];
    const limit = Math.max(1, this.max);
    const visible = alerts.slice(0, limit);
    const more = alerts.length - visible.length;
    // Toasts new in this render appear together: one decision for all of them.
    const fresh = visible.some((a) => !this.#still.has(a.id));
    const freshStill = fresh && !this.#motion.change();
    this.#still = new Map(visible.map((a) => [a.id, this.#still.get(a.id) ?? freshStill]));
    const still = this.#still;
    return html`<div part="base" class="stack" @focusin=${this.#onFocusIn}>
      ${
        this.browserNotifications && this.permission === 'default'
          ? html`<button part="enable-notifications" class="enable" type="button" @click=${this.#enableDesktop}>
            ${msg('alerts.enableDesktop')}
          </button>`
          : nothing
      }
      <ol part="list" class="list" tabindex="-1" aria-live="assertive" aria-relevant="additions" aria-label=${msg('alerts.label')}>
        ${repeat(
          visible,
          (a) => a.id,
          (a, index) => this.#renderToast(a, index, still.get(a.id)!),
        )}
      </ol>
      ${more > 0 ? html`<p part="more" class="more">${msg('alerts.more', { count: more })}</p>` : nothing}
    </div>`;
  }

  #renderToast(alert: ListedNotification, index: number, still: boolean) {
    const titleId = `alert-title-${index}`;
    return html`<li part="toast" class="toast" data-id=${alert.id} ?data-still=${still} @keydown=${(e: KeyboardEvent) => this.#onToastKey(e, alert, index)}>
      <svg part="icon" class="icon" viewBox="0 0 16 16" width="18" height="18" aria-hidden="true" focusable="false">
        <path d="M8 1.2L15.2 14.4H0.8Z" /><path class="mark" d="M8 5.6v4.2M8 11.6v.9" />
      </svg>
      <div class="content">
        <p part="title" class="title" id=${titleId}>${alert.title}</p>
        ${alert.message ? html`<p part="message" class="message">${alert.message}</p>` : nothing}
        <p class="meta">
          <time part="time" datetime=${alert.createdAt} title=${formatDateTime(alert.createdAt)}
            >${formatRelative(alert.createdAt, this.#clock.now)}</time
          >
          ${this.#renderLink(alert, titleId)}
        </p>
      </div>
      <div part="actions" class="actions">
        <button part="mark-read" type="button" aria-describedby=${titleId} @click=${() => this.#markRead(alert, index)}>
          ${msg('alerts.markRead')}
        </button>
        <button part="dismiss" type="button" aria-describedby=${titleId} @click=${() => this.#dismiss(alert, index)}>
          ${msg('alerts.dismiss')}
        </button>
      </div>
    </li>`;
  }

  #renderLink(alert: ListedNotification, titleId: string) {
    if (!alert.link) return nothing;
    if (!isSafeLink(alert.link)) return html`<span part="link-text" class="link-text">${alert.link}</span>`;
    return html`<a part="link" href=${alert.link} target="_blank" rel="noopener noreferrer" aria-describedby=${titleId}
      >${msg('alerts.open')}</a
    >`;
  }

  protected override updated(): void {
    this.#noticeArrivals();
    this.#restoreFocus();
  }

  /**
   * Sounds and notifies for alerts not seen before. The snapshot at connect sets the baseline: an
   * alert that came after it (even in the same frame, before the first render) is news.
   */
  #noticeArrivals(): void {
    if (this.#loading.value !== false) return;
    const alerts = this.#alerts.value ?? [];
    if (!this.#seen) {
      const snapshotSeq = this.#snapshotSeq.value ?? 0;
      this.#seen = new Set(alerts.filter((a) => a.seq <= snapshotSeq).map((a) => a.id));
    }
    const fresh = alerts.filter((a) => !this.#seen?.has(a.id));
    if (fresh.length === 0) return;
    for (const a of fresh) this.#seen.add(a.id);
    for (const id of this.#seen) {
      if (this.#seen.size <= SEEN_CAP) break;
      this.#seen.delete(id);
    }
    if (this.#follower.value) return;
    // A beep asked for before its chunk loaded plays once it has.
    if (this.sound) void this.#loadSound().then((beeper) => beeper?.play());
    if (this.browserNotifications)
      void loadOutputs().then((m) => {
        if (m) for (const a of fresh) m.showDesktopNotification(a);
      });
  }

  /** When the toast holding focus goes away, focus moves to the toast that took its place. */
  #restoreFocus(): void {
    if (this.#focusIndex === undefined) return;
    const root = this.renderRoot as ShadowRoot;
    if (root.activeElement) return;
    const toasts = root.querySelectorAll<HTMLElement>('[part="toast"]');
    const index = this.#focusIndex;
    this.#focusIndex = undefined;
    const next = toasts[Math.min(index, toasts.length - 1)];
    if (next) {
      next.querySelector<HTMLButtonElement>('[part="dismiss"]')?.focus();
      return;
    }
    // The last toast left: back to where the reader was, else to the (now empty) alerts region.
    const origin = this.#focusOrigin?.deref();
    this.#focusOrigin = undefined;
    origin?.focus();
    if (!origin?.isConnected || !origin.matches(':focus, :focus-within')) {
      root.querySelector<HTMLElement>('[part="list"]')?.focus();
    }
  }

  readonly #onFocusIn = (event: FocusEvent): void => {
    const from = event.relatedTarget;
    if (from instanceof HTMLElement && !this.contains(from) && from !== this) this.#focusOrigin = new WeakRef(from);
  };

  #dismiss(alert: ListedNotification, index: number): void {
    this.#focusIndex = index;
    this.#alerts.store?.dismissAlert(alert.id);
    this.emit('realtime-alert-dismiss', { notification: alert });
  }

  #markRead(alert: ListedNotification, index: number): void {
    this.#focusIndex = index;
    // A refusal rolls the read back in the store and surfaces as lastError; the toast returns.
    this.#alerts.store?.markRead([alert.id]).catch(() => undefined);
  }

  #onToastKey(event: KeyboardEvent, alert: ListedNotification, index: number): void {
    if (event.key !== 'Escape') return;
    event.stopPropagation();
    this.#dismiss(alert, index);
  }

  async #enableDesktop(): Promise<void> {
    const m = outputs ?? (await loadOutputs());
    if (m) this.permission = await m.requestDesktopPermission();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'critical-alerts': CriticalAlerts;
  }
}
