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
