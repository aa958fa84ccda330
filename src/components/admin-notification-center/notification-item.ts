import { html, nothing } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import { isSafeLink, type ListedNotification } from '../../core/protocol.js';
import { categoryColour, categoryLabel } from '../shared/categories.js';
import { formatDateTime, type MessageKey, msg } from '../shared/localize.js';

/** The priority's name for people. */
export function priorityLabel(priority: string): string {
  return msg(`center.priority.${priority}` as MessageKey);
}

export interface ItemOptions {
  active: boolean;
  /** The relative time shown ("just now"). */
  time: string;
  linkTarget: string;
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
  return html`<li
    class="item"
    part="item ${state} item-${n.priority}"
    data-id=${n.id}
    data-priority=${n.priority}
    data-category=${n.category}
    ?data-unread=${!n.read}
    tabindex=${tab}
    aria-labelledby="${id}-title"
    aria-describedby=${n.message ? `${id}-message ${id}-meta` : `${id}-meta`}
    style=${styleMap({ '--_category': categoryColour(n.category) })}
  >
    <span class="marker" aria-hidden="true"></span>
    <div class="body">
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
        <span class="category" part="category"><span class="dot" aria-hidden="true"></span>${categoryLabel(n.category)}</span>
        <span class="priority" part="priority">${priorityLabel(n.priority)}</span>
        <time part="time" datetime=${n.createdAt} title=${formatDateTime(n.createdAt)}>${o.time}</time>
      </p>
    </div>
    ${
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
    }
  </li>`;
}
