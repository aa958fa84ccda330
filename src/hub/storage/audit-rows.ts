/**
 * The audit trail as every backend stores it: the fold windows (a repeat within a minute updates
 * the row its key wrote), the WHERE clause of a paged read, and a row as read back.
 */
import { AUDIT_LIMITS } from '../audit.js';
import type { AuditQuery, AuditRecord } from '../backend.js';
import { clampInt, MAX_AUDIT_LIMIT } from './shared.js';

/** An audit row as stored. */
export interface AuditRow {
  id: number;
  at: string;
  action: string;
  user_id: string | null;
  role: string | null;
  ip: string;
  user_agent: string | null;
  detail: string | null;
}

/** An audit row as read back. */
export function auditRecordFromRow(row: AuditRow): AuditRecord & { id: number } {
  const record: AuditRecord & { id: number } = {
    id: Number(row.id),
    at: row.at,
    action: row.action as AuditRecord['action'],
    userId: row.user_id,
    role: row.role,
    ip: row.ip,
    userAgent: row.user_agent,
  };
  if (row.detail !== null) record.detail = JSON.parse(row.detail) as Record<string, unknown>;
  return record;
}

/** The WHERE clause (named parameters) and parameters of an audit query. */
export function auditWhere(query: AuditQuery) {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: clampInt(query.limit, 1, MAX_AUDIT_LIMIT, 100) };
  if (query.beforeId !== undefined) {
    where.push('id < @beforeId');
    params.beforeId = query.beforeId;
  }
  if (query.userId !== undefined) {
    where.push('user_id = @userId');
    params.userId = query.userId;
  }
  if (query.action !== undefined) {
    where.push('action = @action');
    params.action = query.action;
  }
  return { key: where.join(' AND '), where, params };
}

/**
 * Remembers, per fold key, the row later repeats fold into (insertion order = oldest first),
 * bounded by `AUDIT_LIMITS.foldKeys`.
 */
export class AuditFolds {
  private readonly folds = new Map<string, { id: number; until: number; count: number }>();

  /** The count to write into the live row of `key` at `at`, or null when a new row is due. */
  repeat(key: string | null, at: number): { id: number; count: number } | null {
    const fold = key === null ? undefined : this.folds.get(key);
    if (!fold || at >= fold.until) return null;
    fold.count += 1;
    return fold;
  }

  /** A new row `id` was written for `key` at `at`. */
  started(key: string, id: number, at: number): void {
    this.folds.delete(key);
    if (this.folds.size >= AUDIT_LIMITS.foldKeys) {
      for (const [k, f] of this.folds) if (f.until <= at) this.folds.delete(k);
      if (this.folds.size >= AUDIT_LIMITS.foldKeys) this.folds.delete(this.folds.keys().next().value as string);
    }
    this.folds.set(key, { id, until: at + AUDIT_LIMITS.foldMs, count: 1 });
  }
}
