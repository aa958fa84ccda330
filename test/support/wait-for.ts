/**
 * Waiting helpers for tests: wait for a condition or a state, never for a fixed time. Each wait
 * is bounded and fails with a message naming what did not happen.
 */
import type { ConnectionState, Transport } from '../../src/core/types.js';

export interface WaitOptions {
  /** Give up after this long (default 5000 ms). */
  timeoutMs?: number;
  /** What is awaited, for the failure message. */
  message?: string;
}

/**
 * Resolves with the first truthy value `check` returns; re-checks every few ms. `check` runs in a
 * promise continuation, never inside a timer callback, so a check that counts active timers does
 * not see the poll's own timer.
 */
export async function waitFor<T>(check: () => T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 5000, message = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves when the transport is (or enters) a state that matches; event-driven. */
export function waitForState<S extends ConnectionState['status']>(
  transport: Transport,
  status: S,
  options: WaitOptions & { where?: (state: Extract<ConnectionState, { status: S }>) => boolean } = {},
): Promise<Extract<ConnectionState, { status: S }>> {
  const { timeoutMs = 5000, where = () => true } = options;
  type Target = Extract<ConnectionState, { status: S }>;
  const matches = (state: ConnectionState): state is Target => state.status === status && where(state as Target);
  if (matches(transport.state)) return Promise.resolve(transport.state);
  return new Promise<Target>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for state ${options.message ?? status}; last: ${JSON.stringify(transport.state)}`,
        ),
      );
    }, timeoutMs);
    const off = transport.onState((state) => {
      if (!matches(state)) return;
      clearTimeout(timer);
      off();
      resolve(state);
    });
  });
}
