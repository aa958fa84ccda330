/**
 * Lit bindings: the context key and a reactive controller that binds a component to one slice of
 * the store. `admin-realtime/lit`.
 */
import { ContextConsumer } from '@lit/context';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RealtimeStore, Selector } from '../../core/types.js';
import { findProvider, PROVIDER_READY, realtimeContext } from './context.js';

export { PROVIDER_READY, realtimeContext } from './context.js';

/** An element that can be given a store directly and may name its provider by id. */
export type StoreHost = ReactiveControllerHost & HTMLElement & { store?: RealtimeStore | undefined; provider?: string };

/** One resolver per element, shared by all its controllers (see `StoreResolver.of`). */
const resolvers = new WeakMap<StoreHost, StoreResolver>();

/**
 * Finds the host's store, in the order docs/architecture.md fixes: the host's `store` property; the nearest
 * ancestor provider (context); the provider named by the host's `provider` attribute; the only
 * provider in the document. Calls its listeners whenever the resolved store changes.
 */
export class StoreResolver implements ReactiveController {
  #contextStore: RealtimeStore | undefined;
  #current: RealtimeStore | undefined;
  #waiting = false;
  readonly #listeners = new Set<(store: RealtimeStore | undefined) => void>();

  /**
   * The host's resolver, made on first use. An element reading several slices looks its store up
   * once (one context request, one provider listener), however many controllers it has.
   */
  static of(host: StoreHost): StoreResolver {
    let resolver = resolvers.get(host);
    if (!resolver) {
      resolver = new StoreResolver(host);
      resolvers.set(host, resolver);
    }
    return resolver;
  }

  readonly #host: StoreHost;

  constructor(host: StoreHost, onStore?: (store: RealtimeStore | undefined) => void) {
    this.#host = host;
    if (onStore) this.#listeners.add(onStore);
    host.addController(this);
    new ContextConsumer(host, {
      context: realtimeContext,
      subscribe: true,
      callback: (store) => {
        this.#contextStore = store;
        this.#resolve();
      },
    });
  }

  /** The store in use, if one was found. */
  get store(): RealtimeStore | undefined {
    return this.#current;
  }

  /** Calls `onStore` whenever the resolved store changes (for the host's lifetime). */
  listen(onStore: (store: RealtimeStore | undefined) => void): void {
    this.#listeners.add(onStore);
  }

  hostConnected(): void {
    this.#resolve();
  }

  hostUpdate(): void {
    // The `store` property may have been set since the last render.
    if (this.#host.store !== undefined && this.#host.store !== this.#current) this.#resolve();
  }

  hostDisconnected(): void {
    this.#stopWaiting();
  }

  readonly #onProviderReady = (): void => this.#resolve();

  #resolve(): void {
    const own = this.#host.store ?? this.#contextStore;
    const store = own ?? this.#fromDocument();
    // A store found in the document can be replaced (its provider's url changed): keep listening.
    if (!own && this.#host.isConnected) this.#startWaiting();
    else this.#stopWaiting();
    if (store !== this.#current) {
      this.#current = store;
      for (const listener of this.#listeners) listener(store);
    }
  }

  #fromDocument(): RealtimeStore | undefined {
    return findProvider(this.#host, this.#host.provider ?? this.#host.getAttribute('provider'))?.store;
  }

  #startWaiting(): void {
    if (this.#waiting) return;
    this.#waiting = true;
    this.#host.ownerDocument.addEventListener(PROVIDER_READY, this.#onProviderReady);
  }

  #stopWaiting(): void {
    if (!this.#waiting) return;
    this.#waiting = false;
    this.#host.ownerDocument.removeEventListener(PROVIDER_READY, this.#onProviderReady);
  }
}

/**
 * Binds a component to one slice of the store: `value` holds the selected slice and the host
 * re-renders only when that slice changes (at most once per animation frame).
 *
 * ```ts
 * private unread = new RealtimeController(this, (s) => s.unread.total);
 * render() { return html`${this.unread.value ?? 0}`; }
 * ```
 */
export class RealtimeController<T> implements ReactiveController {
  /** The selected slice; undefined until a store is found. */
  value: T | undefined;
  readonly #resolver: StoreResolver;
  #unsubscribe: (() => void) | undefined;
  #connected = false;

  readonly #host: StoreHost;
  readonly #selector: Selector<T>;
  readonly #equals: ((a: T, b: T) => boolean) | undefined;

  constructor(host: StoreHost, selector: Selector<T>, equals?: (a: T, b: T) => boolean) {
    this.#host = host;
    this.#selector = selector;
    this.#equals = equals;
    this.#resolver = StoreResolver.of(host);
    this.#resolver.listen(() => this.#bind());
    host.addController(this);
  }

  /** The store this controller reads, once found. */
  get store(): RealtimeStore | undefined {
    return this.#resolver.store;
  }

  hostConnected(): void {
    this.#connected = true;
    this.#bind();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  #bound: RealtimeStore | undefined;

  #bind(): void {
    const store = this.#connected ? this.#resolver.store : undefined;
    if (store === this.#bound && (this.#unsubscribe || !store)) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#bound = store;
    if (!store) return;
    this.value = this.#selector(store.getState());
    this.#unsubscribe = store.subscribe(
      this.#selector,
      (value) => {
        this.value = value;
        this.#host.requestUpdate();
      },
      this.#equals,
    );
    this.#host.requestUpdate();
  }
}
