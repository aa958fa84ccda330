/**
 * The wire contract between the browser client and the hub, one concern a module under
 * `protocol/`: close codes, stream events, messages, publish inputs, parsing. Every type is the
 * type of the runtime check that both sides run at their edge; nothing else parses frames.
 * `docs/protocol.md` describes the same contract for people. The hub imports from here;
 * `admin-realtime/core` re-exports only what a browser client needs (see `index.ts`).
 */

export * from './protocol/close.js';
export {
  ACTIVITY_TYPES,
  type ActivityEvent,
  type ActivityUser,
  type AgentSummary,
  type AgentsEvent,
  type ClearedEvent,
  COMPONENT_STATES,
  type ComponentState,
  type ComponentStatus,
  DEFAULT_CATEGORIES,
  EVENT_KINDS,
  type EventKind,
  INBOX_ACTIONS,
  type InboxAction,
  type InboxEvent,
  type ListedNotification,
  type MetricHistory,
  type MetricsEvent,
  type NotificationAction,
  type NotificationActor,
  type NotificationFilter,
  noUnread,
  PRIORITIES,
  type PreferencesEvent,
  type Priority,
  type PublicEvent,
  type ReadEvent,
  type RealtimeNotification,
  type StatusEvent,
  type StreamEvent,
  type SystemStatusSnapshot,
  type UnreadCounts,
} from './protocol/events.js';
export { isSafeLink, LIMITS } from './protocol/fields.js';
export {
  type AckMessage,
  type AuthMessage,
  type ClearMessage,
  type ClientAction,
  type ClientMessage,
  ERROR_CODES,
  type ErrorCode,
  type ErrorMessage,
  type EventMessage,
  type EventsMessage,
  encode,
  encodeEvent,
  encodeEvents,
  type GetPreferencesMessage,
  type HistoryMessage,
  type HistoryResultMessage,
  type HubMessage,
  INBOX_REQUESTS,
  type InboxMessage,
  type MarkAllReadMessage,
  type MarkReadMessage,
  MIN_PROTOCOL_VERSION,
  type PingMessage,
  type PongMessage,
  PROTOCOL_VERSION,
  type PreferencesMessage,
  type RefreshMessage,
  type SeenMessage,
  type SessionUser,
  type SetPreferencesMessage,
  type Snapshot,
  type SnapshotMessage,
  type SnoozeMessage,
  type SubscribeMessage,
  type WelcomeMessage,
} from './protocol/messages.js';
export {
  type Parsed,
  type ParsedClientMessage,
  parseClientMessage,
  parseHubMessage,
  validateClientMessage,
  validateHubMessage,
} from './protocol/parse.js';
export {
  CHANNELS,
  type Channel,
  type ChannelSwitches,
  defaultPreferences,
  EMAIL_DIGESTS,
  type EmailDigest,
  PREFERENCE_LIMITS,
  type Preferences,
  type QuietHours,
  type QuietWindow,
  validatePreferences,
} from './protocol/preferences.js';
export * from './protocol/publish.js';
export { ValidationError } from './validate.js';
