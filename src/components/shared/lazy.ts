/**
 * A chunk loaded on first use: every call until it settles shares one load; a failed load is
 * logged (`chunk` names it, e.g. `inbox-actions`), gives undefined, and is tried again by the
 * next call.
 */
export function lazy<T>(load: () => Promise<T>, chunk: string): () => Promise<T | undefined> {
  let loading: Promise<T | undefined> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      console.warn(`admin-realtime: the ${chunk} chunk could not be loaded`, error);
      return undefined;
    }));
}
