import { css, html, nothing } from 'lit';
import { isSafeLink, type ListedNotification } from '../../core/protocol.js';
import { msg } from '../shared/localize.js';
import type { NotificationRenderer } from './notification-item.js';

/** Up to two letters for an actor without a usable avatar: first and last word ("Ada Lovelace" → "AL"). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = (word: string | undefined) => (word ? (Array.from(word)[0] ?? '') : '');
  const letters = words.length > 1 ? first(words[0]) + first(words.at(-1)) : first(words[0]);
  return letters.toLocaleUpperCase();
}

/** An avatar that failed to load gives way to the initials beside it (CSS hides the image). */
const onAvatarError = (event: Event): void => {
  (event.currentTarget as HTMLElement).setAttribute('data-failed', '');
};

/**
 * The actor's avatar: the https image, or the initials when there is none or it fails to load.
 * Decorative (the actor's name is in the row's text), so hidden from assistive technology.
 */
export function renderAvatar(n: ListedNotification) {
  const actor = n.actor;
  if (!actor) return nothing;
  const avatar = actor.avatarUrl !== undefined && isHttps(actor.avatarUrl) ? actor.avatarUrl : undefined;
  return html`<span class="avatar" part="avatar" aria-hidden="true">
    ${
      avatar
        ? html`<img part="avatar-image" src=${avatar} alt="" referrerpolicy="no-referrer" loading="lazy" @error=${onAvatarError} />`
        : nothing
    }<span class="initials" part="avatar-initials">${initials(actor.name)}</span>
  </span>`;
}

/**
 * A notification's action buttons. One with an http(s) `url` is a link (opened with
 * `noopener noreferrer`); any other `url` (an older or hostile hub) is dropped and the action is a
 * plain button. The list's click handler fires `realtime-notification-action` for both.
 */
export function renderActions(n: ListedNotification, tab: number, linkTarget: string) {
  if (!n.actions?.length) return nothing;
  return html`<div class="actions-row" part="actions" role="group" aria-label=${msg('center.actionsLabel', { title: n.title })}>
    ${n.actions.map((a) =>
      a.url !== undefined && isSafeLink(a.url)
        ? html`<a class="notification-action" part="notification-action" href=${a.url} target=${linkTarget}
            rel="noopener noreferrer" tabindex=${tab} data-action-id=${a.id}>${a.label}</a>`
        : html`<button class="notification-action" part="notification-action" type="button" tabindex=${tab}
            data-action-id=${a.id}>${a.label}</button>`,
    )}
  </div>`;
}

/**
 * The integrator's content for `n`; null when the renderer threw (logged), so one bad row falls
 * back to the default content instead of breaking the list.
 */
export function customContent(
  n: ListedNotification,
  renderer: NotificationRenderer,
  time: string,
): { value: unknown } | null {
  try {
    return { value: renderer(n, { time }) };
  } catch (err) {
    console.error('admin-notification-center: renderNotification threw; showing the default row', err);
    return null;
  }
}

/** The body of a row whose content `renderNotification` drew: that content, the actions and the menu. */
export function renderCustomBody(
  n: ListedNotification,
  content: unknown,
  id: string,
  tab: number,
  linkTarget: string,
  menu: unknown,
) {
  return html`<div class="body">
    <div class="content" part="content" id="${id}-content">
      ${n.read ? nothing : html`<span class="visually-hidden">${msg('center.unreadMarker')}</span> `}${content}
    </div>
    ${renderActions(n, tab, linkTarget)}${menu ?? nothing}
  </div>`;
}

function isHttps(url: string): boolean {
  return isSafeLink(url) && new URL(url).protocol === 'https:';
}

/** Avatar and action buttons of a row. */
export const rowExtrasStyles = css`
  :host {
    --_avatar-size: var(--realtime-avatar-size, 2rem);
    --_avatar-bg: var(--realtime-avatar-background, color-mix(in srgb, var(--_accent) 18%, var(--_surface)));
  }
  .avatar {
    flex: none;
    display: inline-grid;
    inline-size: var(--_avatar-size);
    block-size: var(--_avatar-size);
    border-radius: 50%;
    overflow: hidden;
    background: var(--_avatar-bg);
    color: var(--_text);
    font-size: calc(var(--_avatar-size) * 0.4);
    font-weight: 600;
  }
  .avatar > * {
    grid-area: 1 / 1;
    inline-size: 100%;
    block-size: 100%;
  }
  .avatar img {
    object-fit: cover;
  }
  .avatar img[data-failed] {
    display: none;
  }
  .avatar img:not([data-failed]) + .initials {
    visibility: hidden;
  }
  .initials {
    display: grid;
    place-items: center;
  }
  .actions-row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    margin-block-start: 0.4rem;
  }
  .notification-action {
    display: inline-flex;
    align-items: center;
    min-block-size: 1.75rem;
    padding: 0.15rem 0.6rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_accent);
    font: inherit;
    font-size: 0.9em;
    text-decoration: none;
    cursor: pointer;
  }
  .notification-action:hover {
    background: var(--_surface-2);
  }
  @media (forced-colors: active) {
    .notification-action {
      border-color: ButtonText;
    }
  }
`;
