/**
 * A chunk loaded on first use: every call until it settles shares one load; a failed load is
 * logged (`what` names it, e.g. `admin-notification-center: the inbox actions`), gives
 * undefined, and is tried again by the next call.
 */
export function lazy<T>(load: () => Promise<T>, what: string): () => Promise<T | undefined> {
  let loading: Promise<T | undefined> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      console.warn(`${what} could not be loaded`, error);
      return undefined;
    }));
}
