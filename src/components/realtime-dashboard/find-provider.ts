import type { RealtimeProvider } from '../realtime-provider/realtime-provider.js';

/**
 * The `<realtime-provider>` element an element without its own would use, in discovery order:
 * the nearest ancestor (across shadow roots), the one with id `id`, the only one in the document.
 */
export function findProvider(host: Element, id: string | undefined): RealtimeProvider | null {
  for (let node: Node | null = host.parentNode; node; node = node.parentNode ?? (node as ShadowRoot).host ?? null) {
    if (node instanceof Element && node.localName === 'realtime-provider') return node as RealtimeProvider;
  }
  const doc = host.ownerDocument;
  if (id) return doc.getElementById(id) as RealtimeProvider | null;
  const all = doc.querySelectorAll('realtime-provider');
  return all.length === 1 ? (all[0] as RealtimeProvider) : null;
}
