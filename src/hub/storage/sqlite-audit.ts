/**
 * The audit trail on SQLite: rows bounded by `AUDIT_LIMITS`, repeats folded into the row their key
 * wrote less than a minute ago (the fold windows are kept in memory, at most `foldKeys`), and
 * paged reads by id.
 */
import type Database from 'better-sqlite3';
import { AUDIT_LIMITS, auditDetailJson, auditFoldKey } from '../audit.js';
import type { AuditQuery, AuditRecord } from '../backend.js';
import { clampInt, MAX_AUDIT_LIMIT } from './shared.js';
import type { AuditRow, Statements } from './sqlite-statements.js';

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

export function createSqliteAudit(db: Database.Database, q: Statements, now: () => number, onWritten: () => void) {
  const folds = new AuditFolds();
  const statements = new Map<string, Database.Statement<[Record<string, unknown>], AuditRow>>();

  /** Inserts a row, or folds a repeat into the row its key wrote less than `foldMs` ago. */
  function write(record: AuditRecord): void {
    const at = now();
    const key = auditFoldKey(record);
    const fold = folds.repeat(key, at);
    if (fold) {
      q.updateAuditDetail.run(auditDetailJson(record.detail, { count: fold.count, lastAt: record.at }), fold.id);
      return;
    }
    const detail = auditDetailJson(record.detail, key === null ? undefined : { count: 1, lastAt: record.at });
    const { userId, role, ip, userAgent } = record;
    const id = Number(q.insertAudit.run(record.at, record.action, userId, role, ip, userAgent, detail).lastInsertRowid);
    onWritten();
    if (key !== null) folds.started(key, id, at);
  }

  function read(query: AuditQuery): Array<AuditRecord & { id: number }> {
    const { key, where, params } = auditWhere(query);
    let stmt = statements.get(key); // at most 8 shapes
    if (!stmt) {
      stmt = db.prepare<Record<string, unknown>, AuditRow>(
        `SELECT id, at, action, user_id, role, ip, user_agent, detail FROM audit
         ${where.length ? `WHERE ${key}` : ''} ORDER BY id DESC LIMIT @limit`,
      );
      statements.set(key, stmt);
    }
    return stmt.all(params).map(auditRecordFromRow);
  }

  return { write, read };
}
