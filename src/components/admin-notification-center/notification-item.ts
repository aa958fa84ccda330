import { html, nothing } from 'lit';
import { isSafeLink, type ListedNotification } from '../../core/protocol.js';
import { categoryColour, categoryLabel } from '../shared/categories.js';
import { lazy } from '../shared/lazy.js';
import { formatDateTime, type MessageKey, msg } from '../shared/localize.js';
import { styleProperty } from '../shared/style-property.js';
import type * as RowExtras from './row-extras.js';

/**
 * Avatars, action buttons and content drawn by `renderNotification`: a chunk of their own, loaded
 * the first time a row has an avatar or actions, or a renderer is set.
 */
let extras: typeof RowExtras | undefined;
const loadExtras = lazy(() => import('./row-extras.js'), 'row-extras');

const hasExtras = (n: ListedNotification): boolean => n.actor !== undefined || !!n.actions?.length;

/**
 * Null when every row of `list` can render now; else the load of the row extras, which the list
 * waits for, so a row never shows without its avatar, actions or custom content (`custom`: a
 * renderer is set). A failed load is logged (the rows render without them, in the default
 * content) and tried again on the next update that needs it.
 */
export function rowExtrasPending(list: readonly ListedNotification[], custom: boolean): Promise<unknown> | null {
  if (extras || !(custom || list.some(hasExtras))) return null;
  return loadExtras().then((m) => {
    extras = m;
  });
}

/** The stylesheet of the row extras, once loaded. */
export const rowExtrasSheet = (): CSSStyleSheet | undefined => extras?.rowExtrasStyles.styleSheet;

const renderActions = (n: ListedNotification, tab: number, linkTarget: string) =>
  extras?.renderActions(n, tab, linkTarget) ?? nothing;

/** What a custom row renderer gets besides the notification. */
export interface NotificationRenderContext {
  /** The relative time the default row shows ("just now", "5 minutes ago"), localised. */
  time: string;
}

/**
 * Draws the content of one row: returns a Lit template, a DOM node, or text. The center keeps
 * the row around it (selection, keys, read styling, mark-read and action buttons).
 */
export type NotificationRenderer = (notification: ListedNotification, context: NotificationRenderContext) => unknown;

/** The priority's name for people. */
export function priorityLabel(priority: string): string {
  return msg(`center.priority.${priority}` as MessageKey);
}

export interface ItemOptions {
  active: boolean;
  /** The relative time shown ("just now"). */
  time: string;
  linkTarget: string;
  /** Draws the row's content instead of the default title, message, meta and avatar. */
  content?: NotificationRenderer | undefined;
  /** The row's open "More actions" menu (drawn by the inbox-actions chunk); absent while closed. */
  menu?: unknown;
}

/**
 * One notification as a list item. The item is the roving tab stop; its link and button are
 * reachable with Tab only while the item is the active one. Unsafe links render as plain text.
 */
export function renderItem(n: ListedNotification, o: ItemOptions) {
  const tab = o.active ? 0 : -1;
  // Keyed to the notification, not its position: a position-based id changed on every row each
  // time a notification arrived at the top, and each change is a DOM write. Ids never hold
  // whitespace (the protocol allows printable ASCII only), so they are safe in IDREF lists.
  const id = `n-${n.id}`;
  const safe = n.link !== undefined && isSafeLink(n.link);
  const state = n.read ? 'item-read' : 'item-unread';
  const custom = o.content && extras?.customContent(n, o.content, o.time);
  const described = custom ? nothing : n.message ? `${id}-message ${id}-meta` : `${id}-meta`;
  return html`<li
    class="item"
    part="item ${state} item-${n.priority}"
    data-id=${n.id}
    data-priority=${n.priority}
    data-category=${n.category}
    ?data-unread=${!n.read}
    tabindex=${tab}
    aria-labelledby=${custom ? `${id}-content` : `${id}-title`}
    aria-describedby=${described}
    style=${styleProperty('--_category', categoryColour(n.category))}
  >
    <span class="marker" aria-hidden="true"></span>
    ${
      custom
        ? extras?.renderCustomBody(n, custom.value, id, tab, o.linkTarget, o.menu)
        : renderDefault(n, o, id, safe, tab)
    }
    <div class="tools">${
      n.read
        ? nothing
        : html`<button
          class="mark"
          part="mark-read"
          type="button"
          tabindex=${tab}
          aria-label=${msg('center.markOne', { title: n.title })}
          title=${msg('center.markOneShort')}
          data-action="mark"
        >
          <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M20 6 9 17l-5-5" /></svg>
        </button>`
    }<button class="more" part="more" type="button" tabindex=${tab} aria-label=${msg('center.more', { title: n.title })}
        aria-haspopup="menu" aria-expanded=${o.menu ? 'true' : 'false'} aria-controls=${o.menu ? `${id}-menu` : nothing} data-action="more">
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M5 12h.01M12 12h.01M19 12h.01" /></svg>
      </button></div>
  </li>`;
}

/** The default content: avatar, title (a link when http/https), message, meta and actions. */
function renderDefault(n: ListedNotification, o: ItemOptions, id: string, safe: boolean, tab: number) {
  return html`${extras?.renderAvatar(n) ?? nothing}<div class="body">
      <p class="title" part="title" id="${id}-title">
        ${
          safe
            ? html`<a class="link" part="link" href=${n.link!} target=${o.linkTarget} rel="noopener noreferrer" tabindex=${tab}
              >${n.title}</a
            >`
            : n.title
        }
      </p>
      ${n.message ? html`<p class="message" part="message" id="${id}-message">${n.message}</p>` : nothing}
      <p class="meta" part="meta" id="${id}-meta">
        ${n.read ? nothing : html`<span class="visually-hidden">${msg('center.unreadMarker')}</span>`}
        ${n.actor ? html`<span class="actor" part="actor">${n.actor.name}</span>` : nothing}
        <span class="category" part="category"><span class="dot" aria-hidden="true"></span>${categoryLabel(n.category)}</span>
        <span class="priority" part="priority">${priorityLabel(n.priority)}</span>
        <time part="time" datetime=${n.createdAt} title=${formatDateTime(n.createdAt)}>${o.time}</time>
      </p>
      ${renderActions(n, tab, o.linkTarget)}${o.menu ?? nothing}
    </div>`;
}
