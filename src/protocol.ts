/**
 * `admin-realtime/protocol`: the wire contract without the client, for servers and other clients —
 * every message as a type, the parsers both sides run at their edge (`parseClientMessage`,
 * `parseHubMessage`, `validatePublishBody`, …), close codes and limits, and the field checks they
 * are built from (`src/core/validate.ts`). Node-safe and free of side effects; the hub package
 * (`admin-realtime-hub`) imports its protocol from here.
 */
export * from './core/protocol.js';
export * from './core/validate.js';
