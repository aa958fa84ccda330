/**
 * `admin-realtime/core`: the client without any element — connection, store, wire protocol and
 * types — for React, Vue, Angular or plain scripts. Importing it has no side effects.
 */
export {
  createRealtimeClient,
  type RealtimeClient,
  type RealtimeClientOptions,
} from './client.js';
export {
  RealtimeConnection,
  type RealtimeConnectionOptions,
  type TimerApi,
  type TokenProvider,
} from './connection.js';
export * from './protocol.js';
export { type CreateStoreOptions, createStore, type ManagedStore, RealtimeRequestError } from './store.js';
export type * from './types.js';
