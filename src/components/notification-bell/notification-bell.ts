import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { UnreadCounts } from '../../core/protocol.js';
import { enBell } from '../shared/locales/en.js';
import { formatNumber, msg } from '../shared/localize.js';
import { RealtimeElement } from '../shared/realtime-element.js';
import { tokens } from '../shared/tokens.styles.js';
import { anchorStyles, styles } from './notification-bell.styles.js';

const sameUnread = (a: UnreadCounts, b: UnreadCounts): boolean =>
  a.total === b.total && (a.byPriority.critical ?? 0) === (b.byPriority.critical ?? 0);

/** An element the bell can toggle with `for`: a popover, a `<dialog>`/`<details>`-like `open`, or `hidden`. */
type Toggleable = HTMLElement & { open?: boolean };

/**
 * A bell button with the unread count, highlighted while unread critical notifications exist. It
 * opens a built-in popover holding an `<admin-notification-center>` on the same store (created
 * when the popover first opens), or, with `for="id"`, toggles the element with that id (a `popover` element, an element with `open`, or
 * else its `hidden`). Escape closes and returns focus to the bell.
 *
 * @summary Unread badge that opens the notification center.
 *
 * @tag notification-bell
 *
 * @attr {string} provider - Id of the `<realtime-provider>` to use when not inside one.
 * @attr {number} max - Highest count shown before `N+` (default 99).
 * @attr {string} for - Id of an element to toggle instead of the built-in popover.
 * @attr {boolean} open - Whether the center is open (reflected).
 * @attr {boolean} data-critical - Present while unread critical notifications exist (set by the element).
 *
 * @fires realtime-toggle - The center opened or closed; `detail.open`.
 *
 * @csspart base - The bell button.
 * @csspart icon - The bell icon.
 * @csspart badge - The unread count badge (also `badge-critical` while critical ones are unread).
 * @csspart panel - The built-in popover panel.
 * @csspart center - The `<admin-notification-center>` inside the panel (from its first opening on).
 *
 * @cssproperty [--realtime-bell-size=2.5rem] - Size of the round button.
 * @cssproperty [--realtime-bell-badge-background=var(--realtime-accent)] - Badge background.
 * @cssproperty [--realtime-bell-badge-color=#ffffff] - Badge text colour.
 * @cssproperty [--realtime-bell-critical-color=var(--realtime-color-danger)] - Bell and badge colour while critical notifications are unread.
 * @cssproperty [--realtime-bell-panel-width=26rem] - Width of the built-in panel.
 */
export class NotificationBell extends RealtimeElement {
  static override styles = [tokens, styles, anchorStyles];
  static override properties: PropertyDeclarations = {
    max: { type: Number },
    for: {},
    open: { type: Boolean, reflect: true },
    panelUsed: { state: true, attribute: false },
  };

  constructor() {
    super(enBell);
  }

  /** Highest count shown before `N+`. */
  max = 99;
  /** Id of an element to toggle instead of the built-in popover. */
  for?: string;
  /** Whether the center is open. */
  open = false;

  /**
   * Whether the built-in panel has opened once. Its center is created then, not before: a closed
   * panel is not displayed, yet a center inside it would rebuild its whole list on every frame
   * that brings notifications.
   */
  private panelUsed = false;

  get #button(): HTMLButtonElement | null {
    return this.renderRoot?.querySelector<HTMLButtonElement>('.button') ?? null;
  }
  get #panel(): HTMLElement | null {
    return this.renderRoot?.querySelector<HTMLElement>('.panel') ?? null;
  }

  readonly #unread = this.select((s) => s.unread, sameUnread);
  #watched?: HTMLElement;

  /** Unread notifications (the hub's count). */
  get unreadCount(): number {
    return this.#unread.value?.total ?? 0;
  }

  /** Whether unread critical notifications exist. */
  get critical(): boolean {
    return (this.#unread.value?.byPriority.critical ?? 0) > 0;
  }

  /** Opens or closes the center; `force` picks the state. */
  toggle(force?: boolean): void {
    const next = force ?? !this.#isOpen();
    const target = this.#target();
    if (target) {
      this.#watch(target);
      if (target.hasAttribute('popover')) this.#showOrHide(target, next);
      else if (typeof target.open === 'boolean') target.open = next;
      else target.hidden = !next;
      this.#sync(next);
      return;
    }
    if (this.#panel) this.#showOrHide(this.#panel, next);
  }

  /** Moves focus to the bell button. */
  override focus(options?: FocusOptions): void {
    this.#button?.focus(options);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unwatch();
    this.ownerDocument.removeEventListener('keydown', this.#onDocumentKey);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('for')) this.#unwatch();
  }

  protected override updated(): void {
    this.toggleAttribute('data-critical', this.critical);
    // aria-controls cannot name an element outside this shadow root; element reflection can.
    const target = this.#target();
    if (target) this.#watch(target);
    const el = this.#button as HTMLButtonElement & { ariaControlsElements?: Element[] | null };
    if (target && 'ariaControlsElements' in el) el.ariaControlsElements = [target];
    // The browser toggles a popover from its invoker: no light dismiss by the invoker's own click,
    // Escape handled, focus returned to the bell.
    el.popoverTargetElement = target ? (target.hasAttribute('popover') ? target : null) : (this.#panel ?? null);
  }

  protected override render() {
    const count = this.unreadCount;
    const critical = this.critical;
    const criticalCount = this.#unread.value?.byPriority.critical ?? 0;
    const shown = count > this.max ? msg('bell.overflow', { max: this.max }) : formatNumber(count);
    // A capped badge reads the same as it looks ("99+"), so the visible text is in the name.
    let label =
      count === 0
        ? msg('bell.labelNone')
        : count > this.max
          ? msg('bell.labelOverflow', { shown })
          : msg('bell.label', { count });
    if (critical) label += msg('bell.criticalSuffix', { count: criticalCount });
    return html`
      <button
        class="button"
        part="base"
        type="button"
        aria-label=${label}
        aria-haspopup="dialog"
        aria-expanded=${this.open ? 'true' : 'false'}
        aria-controls=${this.for ? nothing : 'panel'}
        @click=${this.#onClick}
      >
        <svg class="icon" part="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        ${
          count > 0
            ? html`<span class="badge" part=${critical ? 'badge badge-critical' : 'badge'} aria-hidden="true"
              >${shown}</span
            >`
            : nothing
        }
      </button>
      ${
        this.for
          ? nothing
          : html`<div
            class="panel"
            part="panel"
            id="panel"
            popover="auto"
            role="dialog"
            aria-label=${msg('bell.panelLabel')}
            @beforetoggle=${this.#onPanelBeforeToggle}
            @toggle=${this.#onPanelToggle}
          >
            ${
              this.panelUsed
                ? html`<admin-notification-center part="center" .store=${this.#unread.store}></admin-notification-center>`
                : nothing
            }
          </div>`
      }
    `;
  }

  #isOpen(): boolean {
    const target = this.#target();
    if (!target) return this.#panel?.matches(':popover-open') ?? false;
    if (target.hasAttribute('popover')) return target.matches(':popover-open');
    return typeof target.open === 'boolean' ? target.open : !target.hidden;
  }

  /**
   * The bell is the popover's source (invoker): a click on it while open is not a light dismiss
   * that the same click would then undo, and the browser returns focus to it on close.
   */
  #showOrHide(popover: HTMLElement, open: boolean): void {
    if (popover.matches(':popover-open') === open) return;
    if (open) (popover.showPopover as (options?: { source?: HTMLElement }) => void)({ source: this.#button! });
    else popover.hidePopover();
  }

  #target(): Toggleable | null {
    if (!this.for) return null;
    const root = this.getRootNode() as Document | ShadowRoot;
    return (root.getElementById?.(this.for) ?? this.ownerDocument.getElementById(this.for)) as Toggleable | null;
  }

  readonly #onClick = (): void => {
    if (!this.#button!.popoverTargetElement) this.toggle();
  };

  /** Before the panel shows: the center renders in this task's microtasks, before the panel paints. */
  readonly #onPanelBeforeToggle = (event: ToggleEvent): void => {
    if (event.newState === 'open') this.panelUsed = true;
  };

  readonly #onPanelToggle = (event: ToggleEvent): void => {
    const open = event.newState === 'open';
    if (open) (this.#panel?.querySelector('admin-notification-center') as HTMLElement | null)?.focus();
    this.#sync(open);
  };

  readonly #onTargetToggle = (event: Event): void => {
    const open = (event as ToggleEvent).newState ? (event as ToggleEvent).newState === 'open' : this.#isOpen();
    this.#sync(open);
  };

  readonly #onDocumentKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !this.open) return;
    const target = this.#target();
    if (target && !target.hasAttribute('popover')) {
      event.preventDefault();
      this.toggle(false);
    }
  };

  #sync(open: boolean): void {
    if (open === this.open) return;
    const returnFocus = !open && this.#focusIsInside();
    this.open = open;
    if (open) this.ownerDocument.addEventListener('keydown', this.#onDocumentKey);
    else this.ownerDocument.removeEventListener('keydown', this.#onDocumentKey);
    if (returnFocus) this.focus();
    this.emit('realtime-toggle', { open });
  }

  /** Focus was in the closing surface (or fell to body), so it belongs back on the bell. */
  #focusIsInside(): boolean {
    let active: Element | null = this.ownerDocument.activeElement;
    if (!active || active === this.ownerDocument.body) return true;
    const surface = this.#target() ?? this.#panel;
    while (active) {
      if (surface?.contains(active) || active === this) return true;
      active = (active.getRootNode() as ShadowRoot).host ?? null;
    }
    return false;
  }

  #watch(target: HTMLElement): void {
    if (this.#watched === target) return;
    this.#unwatch();
    this.#watched = target;
    target.addEventListener('toggle', this.#onTargetToggle);
  }

  #unwatch(): void {
    this.#watched?.removeEventListener('toggle', this.#onTargetToggle);
    this.#watched = undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'notification-bell': NotificationBell;
  }
}
