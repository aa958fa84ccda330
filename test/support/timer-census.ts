/**
 * Browser-only census of timers, animation frames and window/document listeners, for leak tests.
 * Import it before anything else in a test module: it wraps `setTimeout`, `setInterval`,
 * `requestAnimationFrame` (and their clears) and `addEventListener`/`removeEventListener` on
 * `window` and `document`, and remembers what is live, with the stack that created it.
 */
type Entry = { kind: 'timeout' | 'interval' | 'frame'; stack: string; since: number };

const live = new Map<string, Entry>();
const listeners = new Map<string, { target: string; type: string; stack: string; since: number }>();
let epoch = 0;
const listenerIds = new WeakMap<object, number>();
let nextListenerId = 0;

const g = window as unknown as Record<string, (...args: unknown[]) => unknown>;
const stack = () => (new Error().stack ?? '').split('\n').slice(3, 9).join('\n');

function wrapTimer(set: string, clear: string, kind: Entry['kind'], once: boolean) {
  const originalSet = g[set]!.bind(window);
  const originalClear = g[clear]!.bind(window);
  g[set] = (handler: unknown, ...rest: unknown[]) => {
    let key = '';
    const run =
      typeof handler === 'function'
        ? (...args: unknown[]) => {
            if (once) live.delete(key);
            return (handler as (...a: unknown[]) => unknown)(...args);
          }
        : handler;
    const id = originalSet(run, ...rest) as number;
    key = `${kind}:${id}`;
    live.set(key, { kind, stack: stack(), since: epoch });
    return id;
  };
  g[clear] = (id: unknown) => {
    live.delete(`${kind}:${String(id)}`);
    return originalClear(id);
  };
}

wrapTimer('setTimeout', 'clearTimeout', 'timeout', true);
wrapTimer('setInterval', 'clearInterval', 'interval', false);
wrapTimer('requestAnimationFrame', 'cancelAnimationFrame', 'frame', true);

function listenerKey(target: string, type: string, listener: unknown, options: unknown) {
  if (listener === null || (typeof listener !== 'function' && typeof listener !== 'object')) return null;
  let id = listenerIds.get(listener as object);
  if (id === undefined) {
    id = ++nextListenerId;
    listenerIds.set(listener as object, id);
  }
  const capture = typeof options === 'boolean' ? options : Boolean((options as { capture?: boolean })?.capture);
  return `${target}|${type}|${id}|${capture}`;
}

for (const [name, target] of [
  ['window', window],
  ['document', document],
] as const) {
  const add = target.addEventListener.bind(target);
  const remove = target.removeEventListener.bind(target);
  target.addEventListener = ((type: string, listener: unknown, options?: unknown) => {
    const key = listenerKey(name, type, listener, options);
    if (key && !listeners.has(key)) listeners.set(key, { target: name, type, stack: stack(), since: epoch });
    const signal = (options as { signal?: AbortSignal } | undefined)?.signal;
    signal?.addEventListener('abort', () => key && listeners.delete(key), { once: true });
    return add(type, listener as EventListener, options as AddEventListenerOptions);
  }) as typeof target.addEventListener;
  target.removeEventListener = ((type: string, listener: unknown, options?: unknown) => {
    const key = listenerKey(name, type, listener, options);
    if (key) listeners.delete(key);
    return remove(type, listener as EventListener, options as EventListenerOptions);
  }) as typeof target.removeEventListener;
}

/** Starts a new epoch: later queries report only what was created after this mark. */
export function mark(): void {
  epoch++;
}

/** Timers, intervals and frames created since the last `mark()` that are still pending. */
export function liveTimers(): Entry[] {
  return [...live.values()].filter((e) => e.since === epoch);
}

/** Window and document listeners added since the last `mark()` and not removed. */
export function liveListeners(): Array<{ target: string; type: string; stack: string }> {
  return [...listeners.values()].filter((e) => e.since === epoch);
}
