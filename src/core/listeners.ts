/**
 * Plumbing shared by the transports: listener sets whose throwing members are reported instead of
 * breaking the transport, and the default timer functions.
 */
import type { TimerApi } from './connection.js';

export type Listener<T> = (value: T) => void;

/** The global timer functions. */
export const defaultTimers: TimerApi = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Reports an error without throwing (`reportError` where there is one, else the console). */
export function report(error: unknown): void {
  const g = globalThis as { reportError?: (e: unknown) => void };
  if (g.reportError) g.reportError(error);
  else console.error(error);
}

/** Adds `listener` to `set`; returns the function that removes it. */
export function listen<T>(set: Set<Listener<T>>, listener: Listener<T>): () => void {
  set.add(listener);
  return () => set.delete(listener);
}

/** Calls every listener in `set`; one that throws is reported and the others still run. */
export function emitTo<T>(set: Set<Listener<T>>, value: T): void {
  for (const listener of [...set]) {
    try {
      listener(value);
    } catch (error) {
      report(error);
    }
  }
}
