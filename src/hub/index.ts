/**
 * The hub as a library: `createHub(options)` plus the storage seam. No side effects on import;
 * the CLI is `cli.ts`.
 */

export type { AlertRuleInput } from './alert-rules/rules.js';
export { AlertRulesError, readAlertRulesFile } from './alert-rules/rules.js';
export { AUDIT_LIMITS } from './audit.js';
export type { AuthOptions, AuthResult } from './auth.js';
export { AuthConfigError, createDemoTokenSigner, createVerifier } from './auth.js';
export type {
  AdminRecord,
  AppendResult,
  AuditQuery,
  AuditRecord,
  ClaimedEscalationStep,
  EscalationChannelName,
  EscalationStepPlan,
  EscalationStepRow,
  HubBackend,
  NewEntry,
  PushSubscriptionRecord,
  RetentionOptions,
  SnapshotParts,
  StreamEntry,
  Viewer,
} from './backend.js';
export { EventRefusedError, PUSH_LIMITS, STORAGE_LIMITS } from './backend.js';
export type {
  DigestChannel,
  DigestMode,
  EmailChannelOptions,
  EscalationChannel,
  EscalationDecision,
  EscalationLadder,
  EscalationPolicy,
  EscalationTarget,
  HubEscalationOptions,
} from './escalation/index.js';
export {
  createEmailChannel,
  DEFAULT_ESCALATION_JSON,
  ESCALATION_DEFAULTS,
  parseDuration,
  parseEscalation,
} from './escalation/index.js';
export type { FallbackOptions } from './fallback/endpoints.js';
export type { PublishResult } from './http.js';
export { InvalidEventError } from './http.js';
export type { Hub, HubOptions, MaskingOptions } from './hub.js';
export { createHub } from './hub.js';
export type { Logger, LoggerOptions, LogLevel } from './log.js';
export { createLogger } from './log.js';
export type { PostgresBackendOptions } from './postgres-backend.js';
export { createPostgresBackend } from './postgres-backend.js';
export type { PreferenceSource } from './preferences.js';
export { channelAllowed, mutedCategories, preferencePolicy, quietUntil } from './preferences.js';
export type { PushChannelOptions, PushPayload } from './push/channel.js';
export { createPushChannel, PUSH_DELIVERY, pushTopic } from './push/channel.js';
export { PUSH_PATHS } from './push/endpoints.js';
export type { VapidOptions } from './push/vapid.js';
export { VapidConfigError } from './push/vapid.js';
export type { RateLimit } from './rate-limit.js';
export type { TokenCheck } from './session.js';
export type { SqliteBackendOptions } from './sqlite-backend.js';
export { createSqliteBackend } from './sqlite-backend.js';
export { StorageStartError } from './storage/sqlite-open.js';
