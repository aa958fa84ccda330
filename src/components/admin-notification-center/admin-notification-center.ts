import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { guard } from 'lit/directives/guard.js';
import type { ListedNotification, Priority } from '../../core/protocol.js';
import type { RealtimeError } from '../../core/types.js';
import { Announcer } from '../shared/announcer.js';
import { ARRIVALS_EVERY_MS, ArrivalPacer } from '../shared/arrival-pacer.js';
import { categoryColours } from '../shared/categories.js';
import { ClockController } from '../shared/clock.js';
import { lazy } from '../shared/lazy.js';
import { enCenter } from '../shared/locales/en.js';
import { formatRelative, localeRevision, msg } from '../shared/localize.js';
import { RealtimeElement } from '../shared/realtime-element.js';
import { repeat } from '../shared/repeat.js';
import { priorityColors, tokens } from '../shared/tokens.styles.js';
import { watchSeen } from '../shared/watch-seen.js';
import { styles } from './admin-notification-center.styles.js';
import { Arrivals } from './arrivals.js';
import type { ClearConfirm } from './center-confirm.js';
import { renderFilters } from './center-filters.js';
import {
  arrivalsOnly,
  type CenterView,
  emptyText,
  renderBanner,
  renderFooter,
  sameView,
  selectView,
} from './center-states.js';
import type * as InboxChunk from './inbox-actions.js';
import { ListKeyboard } from './list-keyboard.js';
import { ListWindow } from './list-window.js';
import { type NotificationRenderer, renderItem, rowExtrasPending, rowExtrasSheet } from './notification-item.js';

/** Arrivals this close together are one announcement ("5 new notifications", not five); above `ARRIVALS_EVERY_MS`. */
const ANNOUNCE_SETTLE_MS = 400;

/** Scrolled further than this (px) from the top, the reader is reading down the list. */
const SCROLLED_DOWN_PX = 4;

/** The chunks of the inbox actions (menu, shortcuts, undo, Archived view) and of the "Clear" question. */
const loadInbox = lazy(() => import('./inbox-actions.js'), 'inbox-actions');
const loadConfirm = lazy(() => import('./center-confirm.js'), 'center-confirm');

/** A refused or failed action is already in the store's `lastError`, which the banner shows. */
const surfaced = (): void => {};

/** Keys on a focused row that the inbox actions take (see the class docs), and on its menu button. */
const INBOX_KEYS = /^([uesz#]|delete)$/i;
const MENU_KEYS = /^(arrowup|arrowdown|more)$/i;

type Tab = 'unread' | 'all' | 'archived';

/**
 * The notification center: Unread / All tabs, category and priority filters, mark one / mark all
 * (within the active filter) / clear, paging into the hub's history, and a list that never jumps
 * under the reader: while they are scrolled down or working in the list, arrivals wait behind an
 * "N new" button. Keyboard: Arrow Up/Down, Home, End move between notifications; Enter opens the
 * notification (its link, if http/https) after firing a cancelable `realtime-notification-click`;
 * M or Space marks the focused notification read. "Clear" asks first; Escape (or focus leaving the
 * center) withdraws the question. When "Mark all read" disables itself, focus moves to the selected tab.
 *
 * Each notification has a "More actions" button (Enter, Space or Arrow Down opens its menu on the
 * first item, Arrow Up on the last; Arrow keys, Home and End move in it; Escape closes it back to
 * the button): Mark read / Mark unread, Archive (Move to inbox in the Archived view), Snooze for 1
 * hour, until tomorrow 08:00 or until next Monday 08:00 (local time; a snoozed notification is
 * hidden and not counted unread until then, when it comes back unread in every session), and
 * Delete for me. The same on the focused notification, by key:
 *
 * | Key | Action |
 * | --- | --- |
 * | U | Mark unread (on an unread notification: mark read) |
 * | E | Archive; in the Archived view, move back to the inbox |
 * | S | Open the menu on the snooze presets |
 * | # or Delete | Delete for me |
 * | Z | Undo the last archive, snooze or delete |
 *
 * What an action did is said in the undo bar's status line (a polite live region), e.g.
 * "Archived. Press Z to undo."; after archive, snooze and delete the bar offers Undo for 8 seconds
 * (longer while the pointer or focus is on it). When a notification leaves the list, focus moves to
 * the next one, else the previous one, else the list's panel; after Undo, to the notification
 * back in the list. The Archived tab lists the notifications archived by this admin (loaded from
 * the hub each time the tab opens). The menu, shortcuts, undo bar and Archived view are a chunk of
 * their own, loaded the first time one is used.
 *
 * The list renders the first 25 notifications (`ROWS_PAGE`), followed by a "Show N more" button
 * that adds 25 more; scrolling near the end adds them without a click, and the arrow keys, Home
 * and End reach every notification (rows are added before focus moves). When arrivals come in
 * while the reader is at the top, or a tab or filter changes, the list goes back to 25 rows.
 *
 * Rows show the notification's `actor` (an https avatar, or initials when there is none or it
 * fails to load) and its `actions` as buttons (an http(s) `url` makes the action a link opened
 * with `noopener noreferrer`); using one fires `realtime-notification-action` and does not mark
 * the notification read.
 *
 * To draw the content of a row your own way, set `renderNotification` to a function that returns
 * a Lit template or a DOM node. The row around it stays the center's: Arrow keys, Home, End,
 * Enter (fires `realtime-notification-click` and marks read; it follows an `<a class="link">` in
 * your content, as the default row does with the notification's link), M / Space (mark read), the
 * mark-read and action buttons, and the unread styling (`[data-unread]`, `item-unread` part).
 * A click anywhere in your content opens the notification as a click on the row does; give your
 * own controls `tabindex="-1"` and stop their clicks' propagation, or prefer `actions`. Content
 * renders inside the center's shadow root: style it inline, or give your elements `part` names
 * and style them with `::part()`. A renderer that throws costs only that row (the default content
 * is drawn and the error logged).
 *
 * ```js
 * import { html } from 'lit';
 * center.renderNotification = (n, { time }) => html`<strong part="row-title">${n.title}</strong>
 *   <small>${n.data?.ticket ?? ''} · ${time}</small>`;
 * // or without Lit:
 * center.renderNotification = (n) => Object.assign(document.createElement('span'), { textContent: n.title });
 * ```
 *
 * @summary Notification list with tabs, filters, bulk actions and keyboard navigation.
 *
 * @tag admin-notification-center
 *
 * @attr {'unread'|'all'|'archived'} tab - Which tab is shown (reflected; default `unread`).
 * @attr {string} category - Category filter; empty for every category (reflected).
 * @attr {string} priority - Priority filter (`low`, `medium`, `high`, `critical`); empty for any (reflected).
 * @attr {string} heading - Optional title above the tabs.
 * @attr {string} provider - Id of the `<realtime-provider>` to use when not inside one.
 * @attr {string} link-target - Browsing context for notification links (default `_blank`).
 *
 * @fires realtime-notification-click - A notification was opened (Enter or click); cancel to stop the link being followed.
 * @fires realtime-notification-action - An action button was used; `detail` has the `notification` and the `action`; cancel to stop an action's `url` being followed.
 *
 * @csspart base - The whole center.
 * @csspart header - Heading, tabs, filters and actions.
 * @csspart tabs - The tab list.
 * @csspart tab - A tab (also `tab-selected`).
 * @csspart filters - The filter controls.
 * @csspart action - A bulk action button (mark all read, clear, confirm, cancel).
 * @csspart banner - Loading, offline or error message.
 * @csspart new - The "N new" button.
 * @csspart list - The notification list.
 * @csspart item - A notification (also `item-unread` / `item-read` and `item-<priority>`).
 * @csspart title - A notification's title.
 * @csspart link - A notification's link (only for http/https links).
 * @csspart message - A notification's message.
 * @csspart meta - Category, priority and time of a notification.
 * @csspart category - A notification's category chip.
 * @csspart priority - A notification's priority.
 * @csspart time - A notification's relative time.
 * @csspart mark-read - A notification's mark-read button.
 * @csspart more - A notification's "More actions" button (opens its menu).
 * @csspart menu - A notification's open action menu.
 * @csspart menu-item - An item of the action menu.
 * @csspart undo-bar - The bar after an action: its status line and, for a few seconds after archive, snooze or delete, Undo.
 * @csspart undo-message - The undo bar's status line (a polite live region).
 * @csspart undo - The Undo button (also `action`).
 * @csspart avatar - The actor's avatar (image or initials).
 * @csspart avatar-image - The actor's https avatar image.
 * @csspart avatar-initials - The actor's initials, shown when there is no image or it failed to load.
 * @csspart actor - The actor's name in the row's meta line.
 * @csspart actions - A notification's action buttons.
 * @csspart notification-action - One action button (a link when the action has an http(s) `url`).
 * @csspart content - A row's content drawn by `renderNotification`.
 * @csspart empty - The empty-state text.
 * @csspart show-more - The "Show N more" button after the rendered notifications (also `action`).
 * @csspart load-older - The "load older" button (shown once every loaded notification is rendered).
 *
 * @cssproperty [--realtime-center-max-height=32rem] - Height limit; the list scrolls inside it.
 * @cssproperty [--realtime-center-unread-background] - Background of unread notifications.
 * @cssproperty [--realtime-avatar-size=2rem] - Size of an actor's avatar.
 * @cssproperty [--realtime-undo-background=var(--realtime-surface-raised)] - Background of the undo bar.
 * @cssproperty [--realtime-avatar-background] - Background behind an actor's initials (default: the accent colour mixed into the surface).
 * @cssproperty [--realtime-category-system=#6e7781] - Colour of the `system` category (also `security`, `billing`, `agents`, `users`, `calls`, or any category name).
 * @cssproperty [--realtime-priority-critical=var(--realtime-color-danger)] - Colour of critical notifications (also `-low`, `-medium`, `-high`).
 */
export class AdminNotificationCenter extends RealtimeElement {
  static override styles = [tokens, priorityColors, categoryColours, styles];
  static override properties: PropertyDeclarations = {
    tab: { reflect: true },
    category: { reflect: true },
    priority: { reflect: true },
    heading: {},
    linkTarget: { attribute: 'link-target' },
    renderNotification: { attribute: false },
    confirming: { state: true, attribute: false },
    dismissedError: { state: true, attribute: false },
  };

  constructor() {
    super(enCenter);
    // The rows rendered, while the list can be seen: the hub stops their push escalation.
    watchSeen(this, () => ({
      store: this.#data.store,
      ids: this.#visible()
        .slice(0, this.#listWindow.rows)
        .map((n) => n.id),
    }));
  }

  /** Which tab is shown. */
  tab: 'unread' | 'all' | 'archived' = 'unread';
  /** Category filter; empty for every category. */
  category = '';
  /** Priority filter; empty for any priority. */
  priority: Priority | '' = '';
  /** Optional title above the tabs. */
  heading = '';
  /** Browsing context for notification links. */
  linkTarget = '_blank';
  /**
   * Draws the content of each row your own way: `(notification, { time }) => TemplateResult | Node`.
   * The center keeps the row (keys, selection, read styling, mark-read and action buttons).
   */
  renderNotification: NotificationRenderer | undefined = undefined;

  private confirming = false;
  private dismissedError?: RealtimeError;
  get #scroller(): HTMLElement | null {
    return this.renderRoot?.querySelector<HTMLElement>('.scroller') ?? null;
  }
  get #listEl(): HTMLElement | null {
    return this.renderRoot?.querySelector<HTMLElement>('.list') ?? null;
  }
  get #showMoreButton(): HTMLElement | null {
    return this.renderRoot?.querySelector<HTMLElement>('.show-more') ?? null;
  }

  readonly #data = this.select(selectView, sameView);
  readonly #pacer = new ArrivalPacer<CenterView>(this, ARRIVALS_EVERY_MS, arrivalsOnly);
  /** The store's view as this render shows it (arrivals paced). */
  #view: CenterView | undefined;
  readonly #clock = new ClockController(this);
  readonly #arrivals = new Arrivals();
  readonly #announcer = new Announcer(this, {
    summary: (count) => msg('center.arrived', { count }),
    settleMs: ANNOUNCE_SETTLE_MS,
  });
  readonly #keyboard = new ListKeyboard(this, {
    items: () => this.#visible(),
    reveal: (index) => this.#listWindow.include(index),
    list: () => this.#listEl,
    open: (n) => this.#openNotification(n),
    markRead: (n) => this.#markRead(n),
    action: (n, actionId) => this.#onAction(n, actionId),
    inbox: (key, n, more) => (more ? MENU_KEYS : INBOX_KEYS).test(key) && this.#withInbox((inbox) => inbox.key(key, n)),
  });
  /** The inbox actions (menu, shortcuts, undo, Archived view), once their chunk is loaded. */
  #inbox?: InboxChunk.InboxActions;

  /** How many of `visible()` are rendered. */
  readonly #listWindow = new ListWindow(this, {
    scroller: () => this.#scroller,
    showMore: () => this.#showMoreButton,
  });
  #lastList?: readonly ListedNotification[];
  /** "Mark all read" had focus when used: if it becomes disabled, focus moves to the selected tab. */
  #markAllFocused = false;
  /** The "Clear" question (center-confirm.ts, a chunk of its own), once loaded. */
  #confirm?: ClearConfirm;
  /** "Clear" used: the load of the question and the asking, which `updateComplete` waits for. */
  #asked?: Promise<unknown>;
  /** Whether the list was scrolled away from the top, as of the last scroll event. */
  #scrolledDown = false;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A scroller taken out of the document loses its position without a scroll event.
    this.#scrolledDown = false;
  }

  /** Also waits for arrivals held back for the list's turn, so the DOM shows the store after it. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#asked;
    const done = await super.getUpdateComplete();
    if (!this.#pacer.holding) return done;
    await this.#pacer.caughtUp;
    return super.getUpdateComplete();
  }

  /** Renders once the rows' avatars, actions and custom content can be drawn (see rowExtrasPending). */
  protected override scheduleUpdate(): Promise<void> | undefined {
    const pending = rowExtrasPending(this.#data.value?.notifications ?? [], !!this.renderNotification);
    if (pending) return pending.then(() => this.#update());
    this.#update();
    return undefined;
  }

  #update(): void {
    const sheet = rowExtrasSheet();
    const root = this.shadowRoot;
    if (sheet && root && !root.adoptedStyleSheets.includes(sheet)) {
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    }
    super.scheduleUpdate();
  }

  /** Focuses the selected tab. */
  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus(options);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const view = this.#data.value && this.#pacer.pass(this.#data.value);
    this.#view = view;
    if (view && view.notifications !== this.#lastList) {
      this.#lastList = view.notifications;
      const fresh = this.#arrivals.take(view.notifications, view.loading);
      if (fresh.length > 0) {
        if (this.#readerIsBusy()) this.#arrivals.hold(fresh);
        else this.#takeArrivals();
        this.#announcer.add(fresh.length);
      }
    }
    if (changed.has('tab') || changed.has('category') || changed.has('priority')) {
      this.confirming = false;
      this.#listWindow.reset();
    }
    if (this.tab === 'archived') this.#withInbox(() => {});
  }

  /** Runs `use` with the inbox actions, loading their chunk first if needed; returns true. */
  #withInbox(use: (inbox: InboxChunk.InboxActions) => unknown): true {
    void loadInbox().then((m) => {
      if (!m) return;
      this.#inbox ??= new m.InboxActions(this, this.#keyboard, {
        store: () => this.#data.store,
        items: () => this.#visible(),
      });
      use(this.#inbox);
    });
    return true;
  }

  protected override updated(): void {
    if (!this.#markAllFocused) return;
    const active = this.shadowRoot?.activeElement as HTMLButtonElement | null;
    const markAll = this.renderRoot.querySelector<HTMLButtonElement>('.actions .action');
    if (active === markAll && !markAll?.disabled) return; // still useful where it is
    this.#markAllFocused = false;
    // Nothing left to mark disables the button, and a disabled button drops focus to the page: it
    // goes to the selected tab instead, as after clearing. Focus the reader moved elsewhere stays.
    const page = this.ownerDocument.activeElement;
    if (active === markAll || (!active && (page === this || !page || page === this.ownerDocument.body))) this.focus();
  }

  protected override render() {
    const view = this.#view;
    const unread = view?.unread.total ?? 0;
    const items = this.#visible();
    const rendered = items.slice(0, this.#listWindow.rows);
    // The tab stop is a rendered row: one that arrivals pushed beyond the window falls back to the first.
    const activeId = this.#keyboard.activeId(rendered);
    const now = this.#clock.now;
    // Arrivals join the inbox tabs, not the Archived view.
    const heldCount =
      view && this.tab !== 'archived'
        ? this.#arrivals.count(view.notifications.filter((n) => this.#passesFilters(n)))
        : 0;
    return html`<section class="base" part="base" aria-labelledby=${this.heading ? 'heading' : nothing} aria-label=${this.heading ? nothing : msg('center.label')} @focusout=${this.#confirm?.onFocusOut}>
      <div class="header" part="header">
        ${this.heading ? html`<h2 class="heading" id="heading">${this.heading}</h2>` : nothing}
        <div class="tabs" part="tabs" role="tablist" aria-label=${msg('center.tabsLabel')} @keydown=${this.#onTabKey}>
          ${this.#renderTab('unread', msg('center.tab.unread', { count: unread }))}
          ${this.#renderTab('all', msg('center.tab.all'))}
          ${this.#renderTab('archived', msg('center.tab.archived'))}
        </div>
        ${renderFilters(view, { category: this.category, priority: this.priority }, (change) => Object.assign(this, change))}
        ${
          this.tab === 'archived'
            ? nothing
            : this.confirming
              ? this.#confirm?.render()
              : html`<div class="actions">
          <button class="action" part="action" type="button" ?disabled=${this.#unreadInFilter() === 0} @click=${this.#markAll}>
            ${this.category || this.priority ? msg('center.markAllFiltered') : msg('center.markAll')}
          </button>
          <button class="action" part="action" type="button" ?disabled=${(view?.notifications.length ?? 0) === 0} @click=${this.#askClear}>${msg('center.clear')}</button>
        </div>`
        }
      </div>
      ${renderBanner(view, this.dismissedError, this.#dismissError)}
      ${heldCount > 0 ? html`<button class="new" part="new" type="button" @click=${this.#reveal}>${msg('center.showNew', { count: heldCount })}</button>` : nothing}
      <div class="scroller" role="tabpanel" id="panel" tabindex="-1" aria-labelledby="tab-${this.tab}" @scroll=${this.#onScroll}>
        ${
          items.length > 0
            ? html`<ul class="list" part="list" role="list" aria-label=${msg('center.listLabel')} aria-busy=${view?.loadingOlder ? 'true' : 'false'} @keydown=${this.#keyboard.onKeyDown} @click=${this.#keyboard.onClick} @focusin=${this.#keyboard.onFocusIn}>
              ${repeat(
                rendered,
                (n) => n.id,
                (n) => {
                  const o = {
                    active: n.id === activeId,
                    time: formatRelative(n.createdAt, now),
                    linkTarget: this.linkTarget,
                    content: this.renderNotification,
                    menu: this.#inbox?.menu(n),
                  };
                  // Rows are immutable per notification: only render one again when what it shows changed.
                  return guard([n, o.active, o.time, o.linkTarget, o.content, o.menu, localeRevision()], () =>
                    renderItem(n, o),
                  );
                },
              )}
            </ul>`
            : html`<p class="empty" part="empty">${this.tab === 'archived' ? (this.#inbox?.empty() ?? msg('center.loading')) : emptyText(view, this.tab, Boolean(this.category || this.priority))}</p>`
        }
        ${renderFooter(view && this.tab === 'archived' ? { ...view, hasMore: view.archivedHasMore, loadingOlder: false } : view, items.length - rendered.length, this.#showMore, this.#loadOlder)}
      </div>
      ${this.#inbox?.renderUndo() ?? nothing}
      ${this.#announcer.render()}
    </section>`;
  }

  #renderTab(tab: Tab, label: string) {
    const selected = this.tab === tab;
    return html`<button class="tab" part=${selected ? 'tab tab-selected' : 'tab'} role="tab" id="tab-${tab}" type="button"
      aria-selected=${selected ? 'true' : 'false'} aria-controls="panel" tabindex=${selected ? 0 : -1} data-tab=${tab}
      @click=${() => (this.tab = tab)}>${label}</button>`;
  }

  /** In the view of the tab and the filters (the store's `notifications` hold no archived or snoozed ones). */
  #passesFilters(n: ListedNotification): boolean {
    return (
      (this.tab !== 'unread' || !n.read) &&
      (!this.category || n.category === this.category) &&
      (!this.priority || n.priority === this.priority)
    );
  }

  /** Unread notifications the active filter covers, from the hub's counts where they say it. */
  #unreadInFilter(): number {
    const view = this.#view;
    if (!view) return 0;
    const { category, priority } = this;
    if (!category && !priority) return view.unread.total;
    if (!priority) return view.unread.byCategory[category] ?? 0;
    if (!category) return view.unread.byPriority[priority] ?? 0;
    // Both: only the loaded list can say; with older pages on the hub, stay enabled when it might.
    const loaded = view.notifications.filter((n) => !n.read && n.category === category && n.priority === priority);
    if (loaded.length > 0 || !view.hasMore) return loaded.length;
    return Math.min(view.unread.byCategory[category] ?? 0, view.unread.byPriority[priority] ?? 0);
  }

  #visible(): ListedNotification[] {
    const view = this.#view;
    const list = this.tab === 'archived' ? (view?.archived ?? []) : (view?.notifications ?? []);
    return list.filter((n) => this.#passesFilters(n) && !this.#arrivals.isHeld(n.id));
  }

  /**
   * Reader scrolled down or working in the list (a row, or the "show more" / "load older" button
   * after it): arrivals must not move what they are reading, nor the window shrink under them.
   * Runs while the page renders, so it reads no layout (scrollTop here forced a synchronous
   * layout of every element rendered before this one): the scroll position comes from the last
   * scroll event, and focus is not layout.
   */
  #readerIsBusy(): boolean {
    const active = this.shadowRoot?.activeElement;
    return this.#scrolledDown || Boolean(active && this.#scroller?.contains(active));
  }

  /**
   * Shows the held arrivals, and with the reader at the top the window goes back to its first
   * page: a flood then rebuilds 25 rows per turn, however far the reader had expanded the list.
   */
  #takeArrivals(): void {
    this.#arrivals.release();
    this.#listWindow.reset();
  }

  readonly #onTabKey = (event: KeyboardEvent): void => {
    const order: Tab[] = ['unread', 'all', 'archived'];
    const index = order.indexOf(this.tab);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: order.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    this.tab = order[(next + order.length) % order.length]!;
    this.updateComplete.then(() => this.focus());
  };

  readonly #onScroll = (): void => {
    this.#scrolledDown = (this.#scroller?.scrollTop ?? 0) > SCROLLED_DOWN_PX;
    if (!this.#readerIsBusy() && this.#arrivals.count(this.#lastList ?? []) > 0) {
      this.#takeArrivals();
      this.requestUpdate();
    }
  };

  readonly #reveal = async (): Promise<void> => {
    const first = this.#view?.notifications.find((n) => this.#arrivals.isHeld(n.id) && this.#passesFilters(n));
    this.#takeArrivals();
    this.requestUpdate();
    await this.updateComplete;
    if (this.#scroller) this.#scroller.scrollTop = 0;
    this.#scrolledDown = false;
    if (first) this.#keyboard.focusItem(first.id);
  };

  readonly #markAll = (event: Event): void => {
    const filter: { category?: string; priority?: Priority } = {};
    if (this.category) filter.category = this.category;
    if (this.priority) filter.priority = this.priority;
    this.#markAllFocused = this.shadowRoot?.activeElement === event.currentTarget;
    this.#data.store?.markAllRead(filter).catch(surfaced);
  };

  readonly #askClear = (): void => {
    this.#asked = loadConfirm().then((m) => {
      if (!m) return;
      this.#confirm ??= new m.ClearConfirm(this, {
        show: (open) => (this.confirming = open),
        isShown: () => this.confirming,
        clear: () => this.#data.store?.clear().catch(surfaced),
      });
      this.#confirm.ask();
    });
  };

  readonly #dismissError = (): void => {
    this.dismissedError = this.#view?.lastError ?? undefined;
  };

  /**
   * Focus goes to the first row it adds rather than staying on the button: keyboard and
   * screen-reader readers go on reading where the new rows start (Arrow Down), and that row becomes
   * the list's tab stop. Left on the button, which moves below the new rows, they would be past
   * what they asked to see (a second Enter would only pile up more rows unread), and would reach it
   * only by going back to the list's tab stop and arrowing down.
   */
  readonly #showMore = async (): Promise<void> => {
    const next = this.#visible()[this.#listWindow.rows];
    this.#listWindow.grow();
    if (next) await this.#keyboard.focusItem(next.id);
  };

  readonly #loadOlder = (): void => {
    // Asked for explicitly, the older page shows where the button was (as the button, when the hub
    // has more still, stays where it is with focus on it), not behind another "show more".
    this.#listWindow.showAll();
    const store = this.#data.store;
    (this.tab === 'archived' ? store?.loadArchived() : store?.loadOlder())?.catch(surfaced);
  };

  #markRead(n: ListedNotification): void {
    if (!n.read) this.#data.store?.markRead([n.id]).catch(surfaced);
  }

  /** Fires the action event; returns whether to follow the action's link (when it has one). */
  #onAction(n: ListedNotification, actionId: string): boolean {
    const action = n.actions?.find((a) => a.id === actionId);
    if (!action) return false;
    return this.emit('realtime-notification-action', { notification: n, action }, { cancelable: true });
  }

  /** Fires the click event and, unless cancelled, marks read; returns whether to follow the link. */
  #openNotification(n: ListedNotification): boolean {
    const ok = this.emit('realtime-notification-click', { notification: n }, { cancelable: true });
    if (ok) this.#markRead(n);
    return ok;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'admin-notification-center': AdminNotificationCenter;
  }
}
