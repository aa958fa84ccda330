/**
 * Server commands for browser tests, keyed by name. Each takes the JSON payload the test sent and
 * returns JSON. Everything started here listens on 127.0.0.1 with port 0 and is stopped by
 * `stop-all` when the runner ends.
 */
type Handler = (payload: Record<string, unknown>) => unknown | Promise<unknown>;

const stoppers = new Set<() => Promise<void>>();

/** Registers cleanup that `stop-all` runs. */
export function onStopAll(stop: () => Promise<void>): () => void {
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}

export const commands: Record<string, Handler> = {
  ping: () => ({ pong: true }),
  'stop-all': async () => {
    const all = [...stoppers];
    stoppers.clear();
    await Promise.allSettled(all.map((stop) => stop()));
    return null;
  },
};
