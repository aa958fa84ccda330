import { createContext } from '@lit/context';
import type { RealtimeStore } from '../../core/types.js';

/** The context key a `<realtime-provider>` provides its store under. One stable store object. */
export const realtimeContext = createContext<RealtimeStore | undefined>(Symbol.for('admin-realtime/store'));

/** Fired on `document` by a provider once its store exists, so far-away elements can find it. */
export const PROVIDER_READY = 'realtime-provider-ready';

/** What a provider element exposes to discovery (avoids importing the element class here). */
export interface StoreHolder extends HTMLElement {
  readonly store: RealtimeStore | undefined;
}

/**
 * The `<realtime-provider>` an element without its own store uses, in discovery order: the
 * nearest ancestor (across shadow roots), the one with id `id`, the only one in the document.
 * The one provider lookup; elements inside a provider get its store through context first.
 */
export function findProvider(host: Element, id: string | null | undefined): StoreHolder | null {
  for (let node: Node | null = host.parentNode; node; node = node.parentNode ?? (node as ShadowRoot).host ?? null) {
    if (node instanceof Element && node.localName === 'realtime-provider') return node as StoreHolder;
  }
  const doc = host.ownerDocument;
  if (id) return doc.getElementById(id) as StoreHolder | null;
  const all = doc.querySelectorAll('realtime-provider');
  return all.length === 1 ? (all[0] as StoreHolder) : null;
}
