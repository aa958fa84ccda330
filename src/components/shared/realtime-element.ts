/**
 * The base classes of the elements, as Shoelace has `ShoelaceElement`: what every element
 * declared for itself before, written once.
 *
 * - `RealtimeBase`: the locale controller (re-render on a language change, register the element's
 *   English) and a typed `emit` for `realtime-*` events.
 * - `RealtimeElement`: adds the `store` and `provider` properties every element that reads the
 *   store has, and `select()`, which binds one slice of the store found for it (the `store`
 *   property, the enclosing provider, `provider="id"`, or the only provider in the document).
 */
import { LitElement, type PropertyDeclarations } from 'lit';
import type { RealtimeStore, Selector } from '../../core/types.js';
import { emit, type RealtimeEventDetails, type RealtimeEventName } from './events.js';
import { RealtimeController } from './lit.js';
import { LocaleController, type Messages } from './localize.js';

/** Locale controller and typed events; the base of every element. */
export class RealtimeBase extends LitElement {
  /** @param english - The element's part of the English catalogue (registered once). */
  constructor(english?: Messages) {
    super();
    new LocaleController(this, english);
  }

  /** Dispatches a typed, bubbling, composed event; false when a listener cancelled it. */
  protected emit<K extends RealtimeEventName>(
    name: K,
    detail: RealtimeEventDetails[K],
    options: { cancelable?: boolean } = {},
  ): boolean {
    return emit(this, name, detail, options);
  }
}

/** An element that reads the store: `store` / `provider` and slices bound with `select()`. */
export class RealtimeElement extends RealtimeBase {
  static override properties: PropertyDeclarations = {
    store: { attribute: false },
    provider: {},
  };

  #store?: RealtimeStore;

  /** Store to read; found through the provider when not set. */
  get store(): RealtimeStore | undefined {
    return this.#store;
  }
  set store(store: RealtimeStore | undefined) {
    this.#store = store;
  }

  /** Id of the `<realtime-provider>` to use when not inside one. */
  provider?: string;

  /**
   * Binds one slice of the store: the controller's `value` follows it and the element re-renders
   * when it changes (by `equals`, default `Object.is`), at most once per frame.
   */
  protected select<T>(selector: Selector<T>, equals?: (a: T, b: T) => boolean): RealtimeController<T> {
    return new RealtimeController(this, selector, equals);
  }
}
