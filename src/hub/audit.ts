/**
 * What one audit row may hold, and which rows fold into one: the audit trail is written by
 * unauthenticated clients too (`auth-failed`), so neither the size of a row nor the number of
 * rows may follow what a client sends. Pure policy; a backend applies it when it stores a row.
 */
import type { AuditRecord } from './backend.js';

/** Documented in docs/hub.md ("Audit trail"). */
export const AUDIT_LIMITS = {
  /** Characters kept of the user agent. */
  userAgent: 256,
  /** Characters kept of the user id, role and IP. */
  field: 256,
  /** Characters of a row's `detail` JSON; a larger detail is replaced by a truncated preview. */
  detailJson: 1024,
  /** Repeats of a folded row within this time after it was first written update that row. */
  foldMs: 60_000,
  /** Fold windows remembered at once (the oldest is forgotten first). */
  foldKeys: 10_000,
} as const;

const cut = (value: string | null, max: number): string | null =>
  value === null || value.length <= max ? value : value.slice(0, max);

/** The record with every text field cut to its limit (the detail is bounded by `detailJson`). */
export function boundAuditRecord(record: AuditRecord): AuditRecord {
  return {
    ...record,
    userId: cut(record.userId, AUDIT_LIMITS.field),
    role: cut(record.role, AUDIT_LIMITS.field),
    ip: cut(record.ip, AUDIT_LIMITS.field) ?? '',
    userAgent: cut(record.userAgent, AUDIT_LIMITS.userAgent),
  };
}

/** What a folded row adds to its detail: how many occurrences it stands for, and the last one's time. */
export interface AuditFold {
  count: number;
  lastAt: string;
}

/**
 * `detail` as stored (with the fold's fields, when folded): its JSON when that fits `detailJson`
 * characters, else `{truncated: <original length>, preview: "<start of the JSON>"}`, which fits.
 */
export function auditDetailJson(detail: Record<string, unknown> | undefined, fold?: AuditFold): string | null {
  if (detail === undefined && fold === undefined) return null;
  const withFold = (body: Record<string, unknown>) => JSON.stringify(fold ? { ...body, ...fold } : body);
  const whole = withFold(detail ?? {});
  if (whole.length <= AUDIT_LIMITS.detailJson) return whole;
  const json = JSON.stringify(detail);
  // Escaping can lengthen the preview; halve it until the whole fits (at most ~10 rounds).
  for (let keep = AUDIT_LIMITS.detailJson - 128; keep > 0; keep = Math.floor(keep / 2)) {
    const bounded = withFold({ truncated: json.length, preview: json.slice(0, keep) });
    if (bounded.length <= AUDIT_LIMITS.detailJson) return bounded;
  }
  return withFold({ truncated: json.length });
}

/**
 * Rows that repeat fold into one per key and minute: failed auths per IP (a flood of bad tokens
 * from one address is one row with a count), subscription changes per user and client. Null:
 * every occurrence is its own row.
 */
export function auditFoldKey(record: AuditRecord): string | null {
  switch (record.action) {
    case 'auth-failed':
      return `auth-failed\u0000${record.ip}`;
    case 'subscribe':
      return `subscribe\u0000${record.userId ?? ''}\u0000${record.ip}\u0000${record.userAgent ?? ''}`;
    default:
      return null;
  }
}
