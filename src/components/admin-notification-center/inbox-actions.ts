/**
 * The center's per-notification inbox actions, a chunk of their own that the center loads the
 * first time a "More actions" menu, an inbox shortcut or the Archived tab is used: the row menu
 * (mark read/unread, archive or move to inbox, snooze presets, delete for me), the shortcuts on a
 * focused row, and the undo bar whose status line (the shared announcer) says what was done.
 */
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ListedNotification } from '../../core/protocol.js';
import type { RealtimeStore } from '../../core/types.js';
import { Announcer } from '../shared/announcer.js';
import { enInbox } from '../shared/locales/en-inbox.js';
import { formatDate, LocaleController, type MessageKey, msg } from '../shared/localize.js';
import type { ListKeyboard } from './list-keyboard.js';

/** How long Undo is offered after archive, snooze or delete; the wait stops while pointer or focus is on the bar. */
export const UNDO_MS = 8000;

const TIME: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };
const DAY_TIME: Intl.DateTimeFormatOptions = { weekday: 'short', hour: 'numeric', minute: '2-digit' };

/** The snooze presets as epoch ms: in an hour, tomorrow 08:00 local, next Monday 08:00 local. */
export function snoozePresets(now = Date.now()): { hour: number; tomorrow: number; nextWeek: number } {
  const at8 = (days: number) => {
    const day = new Date(now);
    day.setDate(day.getDate() + days);
    return day.setHours(8, 0, 0, 0);
  };
  // Sunday (0) → tomorrow, Monday (1) → in a week, Saturday (6) → in two days.
  return { hour: now + 3_600_000, tomorrow: at8(1), nextWeek: at8((8 - new Date(now).getDay()) % 7 || 7) };
}

type Action = 'read' | 'unread' | 'archive' | 'snooze' | 'delete';
type Undo = 'unarchive' | 'unsnooze' | 'restore';

/** The center, as the inbox actions see it. */
export type InboxHost = ReactiveControllerHost &
  HTMLElement & { tab: 'unread' | 'all' | 'archived'; category: string; priority: string };

export interface InboxActionsOptions {
  store(): RealtimeStore | undefined;
  /** The notifications listed, in order. */
  items(): ListedNotification[];
}

/** A refused or failed action is in the store's `lastError`, which the center's banner shows. */
const surfaced = (): void => {};

export class InboxActions implements ReactiveController {
  /** Id of the notification whose menu is open. */
  #menuId?: string;
  /** What Undo would do, while it is offered. */
  #undo?: { ids: string[]; run: Undo };
  /** The bar shows (its status line and, while offered, Undo). */
  #open = false;
  /** Pointer or focus on the bar: it waits. */
  #held = false;
  #timer?: ReturnType<typeof setTimeout>;
  /** The Archived view's first page was asked for since the tab opened. */
  #archivedAsked = false;
  /** The notification leaving the list (archived, snoozed, deleted) and the one after it, else before it. */
  #leaving?: { id: string; next: string | undefined };
  /** A notification expected back (an undo), to focus when it is listed again. */
  #returning?: string;
  readonly #announcer: Announcer;

  readonly #host: InboxHost;
  readonly #keyboard: Pick<ListKeyboard, 'focusItem'>;
  readonly #o: InboxActionsOptions;

  /** `keyboard`: the list's, which moves its tab stop to where focus goes. */
  constructor(host: InboxHost, keyboard: Pick<ListKeyboard, 'focusItem'>, o: InboxActionsOptions) {
    this.#host = host;
    this.#keyboard = keyboard;
    this.#o = o;
    const root = host.shadowRoot!;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, inboxStyles.styleSheet!];
    new LocaleController(host, enInbox);
    this.#announcer = new Announcer(host, { summary: () => '' });
    host.addController(this);
    // Rendered again with what this adds (the Archived view's list, an open menu).
    host.requestUpdate();
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    clearTimeout(this.#timer);
    this.#open = false;
    this.#undo = undefined;
  }

  /**
   * Asks the store for the Archived view's first page when the tab shows and the store has none
   * (then its `inbox` events keep it current); moves focus after a notification left the list, or came back.
   */
  hostUpdated(): void {
    const state = this.#o.store()?.getState();
    if (this.#host.tab !== 'archived') this.#archivedAsked = false;
    else if (!this.#archivedAsked && state?.archived === null && state.connection.status === 'connected') {
      this.#archivedAsked = true;
      this.#o.store()?.loadArchived().catch(surfaced);
    }
    const active = this.#host.shadowRoot?.activeElement;
    if (this.#returning && this.#row(this.#returning)) {
      // Unless the reader went elsewhere than the list or the panel meanwhile.
      if (!active || active.closest('.scroller')) void this.#keyboard.focusItem(this.#returning);
      this.#returning = undefined;
    }
    // A menu whose row went (moved by another session) is closed.
    if (this.#menuId !== undefined && !this.#row(this.#menuId)) this.#menuId = undefined;
    const leaving = this.#leaving;
    if (!leaving || this.#row(leaving.id)) return;
    this.#leaving = undefined;
    // Focus was in the row that went (else the reader moved it, and it stays).
    if (active) return;
    const next = leaving.next && this.#row(leaving.next) ? leaving.next : this.#o.items()[0]?.id;
    if (next) void this.#keyboard.focusItem(next);
    else this.#panel()?.focus();
  }

  /** What the Archived view says when it lists nothing. */
  empty(): string {
    if (!this.#o.store()?.getState().archived) return msg('center.loading');
    return msg(this.#host.category || this.#host.priority ? 'center.emptyFiltered' : 'inbox.emptyArchived');
  }

  /** Opens the menu of `n` (focus on its first or last item, or the first snooze preset), or closes it. */
  async toggleMenu(n: ListedNotification, focus: 'first' | 'last' | 'snooze'): Promise<void> {
    if (this.#menuId === n.id && focus !== 'snooze') return this.#closeMenu();
    this.#menuId = n.id;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    const menu = this.#row(n.id)?.querySelector('[role="menu"]');
    const items = [...(menu?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const target = focus === 'snooze' ? menu?.querySelector<HTMLElement>('[role="group"] [role="menuitem"]') : null;
    (target ?? (focus === 'last' ? items.at(-1) : items[0]))?.focus();
    // The menu opens inside the row: in a list that scrolls, bring all of it into view.
    menu?.scrollIntoView?.({ block: 'nearest' });
  }

  /**
   * A shortcut on the focused row `n` (U, E, S, # or Delete, Z), or on its menu button: `More`
   * (a click) or Arrow Down opens the menu on its first item, Arrow Up on its last.
   */
  key(key: string, n: ListedNotification): void {
    const k = key.toLowerCase();
    if (k === 'more' || k === 'arrowdown') void this.toggleMenu(n, 'first');
    else if (k === 'arrowup') void this.toggleMenu(n, 'last');
    else if (k === 'z') this.undo();
    else if (k === 'u') this.#run(n, n.read ? 'unread' : 'read');
    else if (k === 'e') this.#run(n, 'archive');
    else if (k === 's') {
      if (this.#host.tab !== 'archived') void this.toggleMenu(n, 'snooze');
    } else this.#run(n, 'delete');
  }

  /** Takes back the last archive, snooze or delete while Undo is offered. */
  readonly undo = (): void => {
    const undo = this.#undo;
    const store = this.#o.store();
    if (!undo || !store) return;
    // The Undo button is about to go: focus waits on the panel until the row is back.
    if (this.#host.shadowRoot?.activeElement?.closest('.undo-bar')) this.#panel()?.focus();
    this.#returning = undo.ids[0];
    store[undo.run](undo.ids).catch(surfaced);
    this.#say('inbox.done.undo');
  };

  /** The open menu of `n`'s row; undefined while it is closed. */
  menu(n: ListedNotification) {
    if (this.#menuId !== n.id) return undefined;
    const archived = this.#host.tab === 'archived';
    const presets = snoozePresets();
    const item = (label: string, run: () => void, keys?: string, hint?: string) =>
      html`<button class="menu-item" part="menu-item" role="menuitem" type="button" tabindex="-1"
        aria-keyshortcuts=${keys ?? nothing} @click=${run}>${label}${hint ? html`<kbd aria-hidden="true">${hint}</kbd>` : nothing}</button>`;
    const snooze = (label: string, until: number) => item(label, () => this.#fromMenu(n, 'snooze', until));
    return html`<div class="menu" part="menu" role="menu" id="n-${n.id}-menu" aria-label=${msg('inbox.menu', { title: n.title })}
      @keydown=${this.#onMenuKey} @focusout=${this.#onMenuFocusOut}>
      ${item(msg(n.read ? 'inbox.markUnread' : 'inbox.markRead'), () => this.#fromMenu(n, n.read ? 'unread' : 'read'), 'U', 'U')}
      ${item(msg(archived ? 'inbox.unarchive' : 'inbox.archive'), () => this.#fromMenu(n, 'archive'), 'E', 'E')}
      ${
        archived
          ? nothing
          : html`<div class="menu-group" role="group" aria-label=${msg('inbox.snooze')}>
            <span class="menu-label" aria-hidden="true">${msg('inbox.snooze')}<kbd>S</kbd></span>
            ${snooze(msg('inbox.snooze.hour'), presets.hour)}
            ${snooze(msg('inbox.snooze.tomorrow', { time: formatDate(presets.tomorrow, TIME) }), presets.tomorrow)}
            ${snooze(msg('inbox.snooze.nextWeek', { time: formatDate(presets.nextWeek, DAY_TIME) }), presets.nextWeek)}
          </div>`
      }
      ${item(msg('inbox.delete'), () => this.#fromMenu(n, 'delete'), 'Delete', '#')}
    </div>`;
  }

  /** The undo bar: the status line that says what was done, and Undo while it is offered. */
  renderUndo() {
    return html`<div class=${this.#open ? 'undo-bar' : 'undo-bar visually-hidden'} part="undo-bar"
      @pointerenter=${this.#hold} @pointerleave=${this.#release} @focusin=${this.#hold} @focusout=${this.#release}
      @keydown=${(e: KeyboardEvent) => e.key.toLowerCase() === 'z' && this.undo()}>
      ${this.#announcer.render('undo-message', 'undo-message')}
      ${
        this.#undo
          ? html`<button class="action" part="action undo" type="button" aria-keyshortcuts="Z" @click=${this.undo}>${msg('inbox.undo')}</button>`
          : nothing
      }
    </div>`;
  }

  /** A menu item: focus goes back to the menu button (the menu closes), then the action runs. */
  #fromMenu(n: ListedNotification, action: Action, until?: number): void {
    this.#closeMenu();
    this.#run(n, action, until);
  }

  #run(n: ListedNotification, action: Action, until = 0): void {
    const store = this.#o.store();
    if (!store) return;
    const ids = [n.id];
    const tab = this.#host.tab;
    const archived = tab === 'archived';
    // What leaves the list shown: all but marking unread, and marking read only on the Unread tab.
    if (action !== 'unread' && (action !== 'read' || tab === 'unread')) {
      const items = this.#o.items();
      const at = items.findIndex((i) => i.id === n.id);
      this.#leaving = { id: n.id, next: (items[at + 1] ?? items[at - 1])?.id };
    }
    const done = {
      read: () => store.markRead(ids),
      unread: () => store.markUnread(ids),
      archive: () => (archived ? store.unarchive(ids) : store.archive(ids)),
      snooze: () => store.snooze(ids, until),
      delete: () => store.deleteForMe(ids),
    }[action]();
    const undo: Undo | undefined =
      action === 'delete' ? 'restore' : action === 'snooze' ? 'unsnooze' : archived ? undefined : 'unarchive';
    const offered =
      action === 'archive' || action === 'snooze' || action === 'delete' ? undo && { ids, run: undo } : undefined;
    done.catch(() => {
      this.#leaving = undefined;
      if (offered && this.#undo === offered) this.#undo = undefined;
      this.#host.requestUpdate();
    });
    const key = action === 'archive' && archived ? 'inbox.done.unarchive' : (`inbox.done.${action}` as MessageKey);
    this.#say(key, action === 'snooze' ? { time: formatDate(until, DAY_TIME) } : undefined, offered);
  }

  #say(key: MessageKey, params?: Record<string, string>, undo?: { ids: string[]; run: Undo }): void {
    this.#undo = undo;
    this.#open = true;
    this.#announcer.add([msg(key, params)]);
    this.#wait();
  }

  /** (Re)starts the bar's time, unless pointer or focus holds it. */
  #wait(): void {
    clearTimeout(this.#timer);
    if (!this.#held)
      this.#timer = setTimeout(() => {
        this.#open = false;
        this.#undo = undefined;
        this.#host.requestUpdate();
      }, UNDO_MS);
    this.#host.requestUpdate();
  }

  readonly #hold = (): void => {
    this.#held = true;
    clearTimeout(this.#timer);
  };

  readonly #release = (event: Event): void => {
    const next = (event as FocusEvent).relatedTarget as Node | null;
    if (next && (event.currentTarget as Node).contains(next)) return;
    this.#held = false;
    if (this.#open) this.#wait();
  };

  /** Closes the menu, focus back on its button first, so it never falls to the page with the menu. */
  #closeMenu(): void {
    const id = this.#menuId;
    if (id === undefined) return;
    this.#row(id)?.querySelector<HTMLElement>('[data-action="more"]')?.focus();
    this.#menuId = undefined;
    this.#host.requestUpdate();
  }

  #row(id: string): HTMLElement | null {
    return this.#host.shadowRoot?.querySelector<HTMLElement>(`.item[data-id="${CSS.escape(id)}"]`) ?? null;
  }

  /** The tab panel around the list: where focus goes when no notification is left, or waits for one. */
  #panel(): HTMLElement | null {
    return this.#host.shadowRoot?.querySelector<HTMLElement>('[role="tabpanel"]') ?? null;
  }

  /** The menu button pattern: arrows, Home and End move, Escape closes back to the button, Tab leaves. */
  readonly #onMenuKey = (event: KeyboardEvent): void => {
    const menu = event.currentTarget as HTMLElement;
    const items = [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const at = items.indexOf(event.target as HTMLElement);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[event.key];
    if (to !== undefined) items[(to + items.length) % items.length]?.focus();
    else if (event.key === 'Escape') this.#closeMenu();
    else return;
    // Not the list's keys, nor the popover's Escape around the center.
    event.preventDefault();
    event.stopPropagation();
  };

  /** Focus leaving the menu closes it (its own button toggles it on the click that follows). */
  readonly #onMenuFocusOut = (event: FocusEvent): void => {
    const menu = event.currentTarget as HTMLElement;
    const next = event.relatedTarget as Element | null;
    if (next && (menu.contains(next) || next === menu.closest('.item')?.querySelector('[data-action="more"]'))) return;
    // Focus leaving the window (another tab or app) is not the reader leaving the menu.
    if (!next && !this.#host.ownerDocument.hasFocus()) return;
    this.#menuId = undefined;
    this.#host.requestUpdate();
  };
}

/** The menu, its items and the undo bar. */
const inboxStyles = css`
  :host {
    --_undo-bg: var(--realtime-undo-background, var(--_surface-2));
  }
  .menu {
    display: flex;
    flex-direction: column;
    inline-size: max-content;
    max-inline-size: 100%;
    margin-block-start: 0.4rem;
    padding: 0.25rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    box-shadow: var(--_shadow);
    cursor: default;
  }
  .menu-group {
    display: flex;
    flex-direction: column;
    margin-block: 0.25rem;
    padding-block: 0.25rem;
    border-block: 1px solid var(--_border);
  }
  .menu-label {
    padding: 0.2rem 0.6rem;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .menu-item {
    display: flex;
    justify-content: space-between;
    gap: 1rem;
    padding: 0.4rem 0.6rem;
    border: 0;
    border-radius: calc(var(--_radius) - 2px);
    background: none;
    text-align: start;
    cursor: pointer;
  }
  .menu-item:hover,
  .menu-item:focus {
    background: var(--_surface-2);
  }
  kbd {
    margin-inline-start: 0.5rem;
    font: inherit;
    color: var(--_muted);
  }
  .undo-bar {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    align-items: center;
    padding: 0.5rem 0.75rem;
    border-block-start: 1px solid var(--_border);
    background: var(--_undo-bg);
  }
  .undo-message {
    flex: 1 1 10rem;
  }
  @media (forced-colors: active) {
    .menu,
    .menu-group {
      border-color: CanvasText;
    }
  }
`;
