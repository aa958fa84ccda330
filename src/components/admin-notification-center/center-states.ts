import { html, nothing } from 'lit';
import { CloseCode, DEFAULT_CATEGORIES } from '../../core/protocol.js';
import type { RealtimeError, RealtimeState } from '../../core/types.js';
import { msg } from '../shared/localize.js';

/** The slice of the store the center renders. */
const VIEW_KEYS = [
  'notifications',
  'unread',
  'hasMore',
  'loadingOlder',
  'loading',
  'connection',
  'lastError',
  'categories',
  'archived',
  'archivedHasMore',
] as const;
export type CenterView = Pick<RealtimeState, (typeof VIEW_KEYS)[number]>;

export const selectView = (s: RealtimeState): CenterView =>
  Object.fromEntries(VIEW_KEYS.map((k) => [k, s[k]])) as CenterView;

export const sameView = (a: CenterView, b: CenterView): boolean => VIEW_KEYS.every((k) => a[k] === b[k]);

/** New notifications at the top and nothing else that must show at once (counts follow arrivals). */
export const arrivalsOnly = (shown: CenterView, latest: CenterView): boolean =>
  (latest.notifications[0]?.seq ?? 0) > (shown.notifications[0]?.seq ?? 0) &&
  // loadingOlder, loading, connection, lastError, categories, archived: unchanged.
  VIEW_KEYS.slice(3, 9).every((k) => latest[k] === shown[k]);

/**
 * The line above the list for what is not the normal live state: no store, not connected,
 * offline or reconnecting, refused by the hub, sign-in expired or not allowed, or an action the hub refused (dismissable).
 */
export function renderBanner(view: CenterView | undefined, dismissed: RealtimeError | undefined, dismiss: () => void) {
  if (!view) return html`<p class="banner" part="banner">${msg('center.noProvider')}</p>`;
  const { connection } = view;
  const status = connection.status;
  if (status === 'auth-error') {
    const text = connection.code === CloseCode.Forbidden ? msg('center.forbidden') : msg('center.authError');
    return html`<p class="banner error" part="banner">${text}</p>`;
  }
  if ((status === 'reconnecting' || status === 'connecting') && connection.refused)
    return html`<p class="banner error" part="banner">${msg('center.refused')}</p>`;
  if (status === 'offline' || status === 'reconnecting' || status === 'closed')
    return html`<p class="banner" part="banner">${msg('center.offline')}</p>`;
  if (status === 'idle') return html`<p class="banner" part="banner">${msg('state.idle')}</p>`;
  const error = view.lastError;
  if (error && error.kind === 'action' && error !== dismissed)
    return html`<div class="banner error" part="banner" role="alert">
      <span>${msg('center.error', { message: error.message })}</span>
      <button class="action" part="action" type="button" @click=${dismiss}>${msg('center.dismiss')}</button>
    </div>`;
  return nothing;
}

/**
 * After the list: "Show N more" while loaded notifications are not rendered yet (`unrendered`),
 * else "Load older" when the hub has older ones.
 */
export function renderFooter(
  view: CenterView | undefined,
  unrendered: number,
  showMore: () => void,
  loadOlder: () => void,
) {
  if (unrendered > 0)
    return html`<div class="footer"><button class="action show-more" part="action show-more" type="button" @click=${showMore}>
      ${msg('center.showMore', { count: unrendered })}
    </button></div>`;
  if (!view?.hasMore) return nothing;
  return html`<div class="footer"><button class="action" part="action load-older" type="button" ?disabled=${view.loadingOlder} @click=${loadOlder}>
    ${view.loadingOlder ? msg('center.loadingOlder') : msg('center.loadOlder')}
  </button></div>`;
}

/** What an empty list says: loading, nothing matching the filters, or nothing at all. */
export function emptyText(view: CenterView | undefined, tab: 'unread' | 'all', filtered: boolean): string {
  const status = view?.connection.status;
  if (!view || (view.loading && (status === 'connecting' || status === 'connected'))) return msg('center.loading');
  if (filtered) return msg('center.emptyFiltered');
  return tab === 'unread' ? msg('center.emptyUnread') : msg('center.empty');
}

/** Categories to filter by: the defaults, the subscribed ones, and any seen in data. */
export function categoryOptions(view: CenterView | undefined, current: string): string[] {
  const names = new Set<string>(DEFAULT_CATEGORIES);
  for (const c of view?.categories ?? []) names.add(c);
  for (const n of view?.notifications ?? []) names.add(n.category);
  for (const c of Object.keys(view?.unread.byCategory ?? {})) names.add(c);
  if (current) names.add(current);
  return [...names];
}
