/**
 * The audit trail on SQLite: rows bounded by `AUDIT_LIMITS`, repeats folded into the row their key
 * wrote less than a minute ago (the fold windows are kept in memory, at most `foldKeys`), and
 * paged reads by id.
 */
import type Database from 'better-sqlite3';
import { auditDetailJson, auditFoldKey } from '../audit.js';
import type { AuditQuery, AuditRecord } from '../backend.js';
import { AuditFolds, auditRecordFromRow, auditWhere } from './audit-rows.js';
import type { AuditRow, Statements } from './sqlite-statements.js';

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
