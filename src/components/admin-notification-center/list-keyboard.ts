import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ListedNotification } from '../../core/protocol.js';

export interface ListKeyboardOptions {
  /** The notifications currently listed, in order (the list may render only the first ones). */
  items(): ListedNotification[];
  /** Renders the item at `index` of `items()` if it is not rendered yet. */
  reveal(index: number): void;
  /** The list element. */
  list(): HTMLElement | null;
  /** Opens a notification; returns false when the click event was cancelled. */
  open(n: ListedNotification): boolean;
  markRead(n: ListedNotification): void;
  /** One of the notification's action buttons was used; returns false when its link must not be followed. */
  action(n: ListedNotification, actionId: string): boolean;
  /**
   * Any other key on the item itself, or a key on its "More actions" button (`more`; `key` is
   * `More` for a click): returns true when it was an inbox action (see the center's docs).
   */
  inbox(key: string, n: ListedNotification, more: boolean): boolean;
}

/**
 * Roving tab stop and keys for the notification list: one item is in the tab order; Arrow
 * Up/Down, Home and End move it (over every listed item, rendered or not: the host renders the
 * target first); Enter opens; M or Space marks read; other keys, and the "More actions" button,
 * go to `inbox`. Marking read on the Unread tab removes the
 * item, so focus moves on to its neighbour instead of falling to the page.
 */
export class ListKeyboard implements ReactiveController {
  #active?: string;
  #pendingFocus?: { removed: string; next: string | undefined };
  #following = false;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #o: ListKeyboardOptions;

  constructor(host: ReactiveControllerHost & HTMLElement, o: ListKeyboardOptions) {
    this.#host = host;
    this.#o = o;
    host.addController(this);
  }

  /** Id of the item that is the tab stop. */
  activeId(items: ListedNotification[]): string | undefined {
    return items.some((n) => n.id === this.#active) ? this.#active : items[0]?.id;
  }

  /** Makes `id` the tab stop and focuses it after the next render. */
  async focusItem(id: string): Promise<void> {
    this.#active = id;
    this.#host.requestUpdate();
    await (this.#host as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    this.#element(id)?.focus();
  }

  hostUpdated(): void {
    const pending = this.#pendingFocus;
    if (!pending) return;
    const still = this.#element(pending.removed);
    if (still) {
      // Still listed (the All tab): nothing to move once it shows as read.
      if (!still.hasAttribute('data-unread')) this.#pendingFocus = undefined;
      return;
    }
    this.#pendingFocus = undefined;
    const next = pending.next && this.#element(pending.next) ? pending.next : this.#o.items()[0]?.id;
    if (next) void this.focusItem(next);
  }

  readonly onFocusIn = (event: FocusEvent): void => {
    const li = this.#itemOf(event);
    if (li?.dataset.id) this.#active = li.dataset.id;
  };

  readonly onKeyDown = (event: KeyboardEvent): void => {
    const li = this.#itemOf(event);
    if (!li) return;
    const items = this.#o.items();
    const index = items.findIndex((n) => n.id === li.dataset.id);
    const n = items[index];
    if (!n) return;
    const origin = event.composedPath()[0] as Element;
    const onItem = origin === li;
    const more = origin.matches('[data-action="more"]');
    // Arrow Up/Down on the menu button open its menu (the menu button pattern).
    const move = more
      ? undefined
      : { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: items.length - 1 }[event.key];
    if (move !== undefined) {
      event.preventDefault();
      const to = Math.max(0, Math.min(items.length - 1, move));
      const target = items[to];
      if (!target) return;
      this.#o.reveal(to);
      void this.focusItem(target.id);
    } else if (onItem && event.key === 'Enter') {
      event.preventDefault();
      this.#activate(n, li, items, index);
    } else if (onItem && (event.key === 'm' || event.key === 'M' || event.key === ' ')) {
      event.preventDefault();
      this.#markRead(n, items, index);
    } else if (
      (onItem || more) &&
      !event.ctrlKey &&
      !event.metaKey &&
      !event.altKey &&
      this.#o.inbox(event.key, n, more)
    ) {
      event.preventDefault();
    }
  };

  readonly onClick = (event: MouseEvent): void => {
    const li = this.#itemOf(event);
    const items = this.#o.items();
    const index = items.findIndex((n) => n.id === li?.dataset.id);
    const n = items[index];
    if (!li || !n) return;
    const origin = event.composedPath()[0] as Element;
    const action = origin.closest?.<HTMLElement>('[data-action-id]');
    if (origin.closest?.('[role="menu"]')) return;
    if (origin.closest?.('[data-action="more"]')) {
      this.#active = n.id;
      this.#o.inbox('More', n, true);
    } else if (action) {
      this.#active = n.id;
      if (!this.#o.action(n, action.dataset.actionId ?? '')) event.preventDefault();
    } else if (origin.closest?.('[data-action="mark"]')) {
      this.#markRead(n, items, index);
    } else if (origin.closest?.('a')) {
      if (this.#following) return;
      this.#expectRemoval(n, items, index);
      if (!this.#o.open(n)) {
        this.#pendingFocus = undefined;
        event.preventDefault();
      }
    } else {
      this.#active = n.id;
      this.#activate(n, li, items, index);
    }
  };

  /** Opens `n`: the click event first, then its link (only http/https links are rendered as links). */
  #activate(n: ListedNotification, li: HTMLElement, items: ListedNotification[], index: number): void {
    this.#expectRemoval(n, items, index);
    if (!this.#o.open(n)) {
      this.#pendingFocus = undefined;
      return;
    }
    const link = li.querySelector<HTMLAnchorElement>('a.link');
    if (!link) return;
    this.#following = true;
    try {
      link.click();
    } finally {
      this.#following = false;
    }
  }

  #markRead(n: ListedNotification, items: ListedNotification[], index: number): void {
    if (n.read) return;
    this.#expectRemoval(n, items, index);
    this.#o.markRead(n);
  }

  /** Reading `n` may remove it from the list (Unread tab): focus then goes to its neighbour. */
  #expectRemoval(n: ListedNotification, items: ListedNotification[], index: number): void {
    if (!n.read) this.#pendingFocus = { removed: n.id, next: (items[index + 1] ?? items[index - 1])?.id };
  }

  #itemOf(event: Event): HTMLElement | null {
    for (const node of event.composedPath()) {
      if (node === this.#o.list()) return null;
      if (node instanceof HTMLElement && node.classList.contains('item')) return node;
    }
    return null;
  }

  #element(id: string): HTMLElement | null {
    const list = this.#o.list();
    if (!list) return null;
    for (const li of list.querySelectorAll<HTMLElement>('.item')) if (li.dataset.id === id) return li;
    return null;
  }
}
