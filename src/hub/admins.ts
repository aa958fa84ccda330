/**
 * The admin registry's inputs (issue 19): every authenticated session records its admin's latest
 * role, name and email claim; a publisher registers admins the hub has never seen online with
 * `PUT /v1/admins/{id}` (publish key). Escalation reaches the admins recorded here.
 */
import type { ServerResponse } from 'node:http';
import type { SessionUser } from '../core/protocol.js';
import { isRecord } from '../core/validate.js';
import type { AdminRecord, HubBackend } from './backend.js';
import type { Logger } from './log.js';

/** Bounds of a registered admin's fields. */
export const ADMIN_LIMITS = { id: 200, role: 64, name: 200, email: 254 } as const;

/** The path prefix of the registry endpoint. */
export const ADMINS_PATH = '/v1/admins/';

/**
 * An address nodemailer may send to: one mailbox, `local@domain.tld`, no spaces, angle brackets,
 * quotes, commas or control characters (so it can never carry a second recipient or a header).
 */
export function isEmailAddress(value: string): boolean {
  const part = String.raw`[^\s@<>()[\]",;:\\]+`;
  return (
    value.length <= ADMIN_LIMITS.email &&
    !/\p{Cc}/u.test(value) &&
    new RegExp(`^${part}@${part}\\.${part}$`).test(value)
  );
}

/** What a session records of its token: an email claim that is no usable address is left out. */
export function adminFromClaims(user: SessionUser): AdminRecord {
  return {
    userId: user.id,
    role: user.role,
    ...(user.name ? { name: user.name.slice(0, ADMIN_LIMITS.name) } : {}),
    ...(user.email && isEmailAddress(user.email) ? { email: user.email } : {}),
  };
}

/** How long a session's identity, once written, is not written again when unchanged (ms). */
const RECORD_AGAIN_MS = 60_000;
/** Identities remembered for that (the map starts over past it). */
const RECORD_CACHE = 10_000;

/**
 * Records each authenticated session's admin (role, name, email claim) as their latest. A session
 * that authenticates again with the same identity within a minute writes nothing (the HTTP
 * fallback authenticates every poll and command); a write that fails is logged, never thrown.
 */
export function createAdminRecorder(backend: HubBackend, log: Logger, now: () => number): (user: SessionUser) => void {
  let recent = new Map<string, { identity: string; at: number }>();
  return (user) => {
    const admin = adminFromClaims(user);
    const identity = JSON.stringify(admin);
    const last = recent.get(admin.userId);
    const at = now();
    if (last && last.identity === identity && at - last.at < RECORD_AGAIN_MS) return;
    if (recent.size >= RECORD_CACHE) recent = new Map();
    recent.set(admin.userId, { identity, at });
    backend.upsertAdmin(admin).catch((err: unknown) => {
      recent.delete(admin.userId);
      log.error('admin registry write failed', { user: admin.userId, err });
    });
  };
}

/** A body of `PUT /v1/admins/{id}` checked; the error names the field. */
export function validateAdminBody(
  id: string,
  body: unknown,
  allowedRoles: readonly string[] | null,
): { ok: true; admin: AdminRecord } | { ok: false; error: string } {
  if (id.length < 1 || id.length > ADMIN_LIMITS.id)
    return { ok: false, error: `id: must be 1 to ${ADMIN_LIMITS.id} characters (the token's sub)` };
  if (!isRecord(body)) return { ok: false, error: 'body: must be a JSON object {role, email?, name?}' };
  for (const key of Object.keys(body)) {
    if (!['role', 'email', 'name'].includes(key))
      return { ok: false, error: `${key}: unknown field (expected role, email, name)` };
  }
  const { role, email, name } = body;
  if (typeof role !== 'string' || role.length < 1 || role.length > ADMIN_LIMITS.role)
    return { ok: false, error: `role: required, a string of 1 to ${ADMIN_LIMITS.role} characters` };
  if (allowedRoles && !allowedRoles.includes(role))
    return { ok: false, error: `role: must be one of ${allowedRoles.join(', ')} (the roles allowed to connect)` };
  if (email !== undefined && (typeof email !== 'string' || !isEmailAddress(email)))
    return {
      ok: false,
      error: `email: must be one address such as ops@example.com (at most ${ADMIN_LIMITS.email} characters)`,
    };
  if (name !== undefined && (typeof name !== 'string' || name.length < 1 || name.length > ADMIN_LIMITS.name))
    return { ok: false, error: `name: must be a string of 1 to ${ADMIN_LIMITS.name} characters` };
  return {
    ok: true,
    admin: {
      userId: id,
      role,
      ...(email !== undefined ? { email: email as string } : {}),
      ...(name !== undefined ? { name: name as string } : {}),
    },
  };
}

/**
 * `PUT /v1/admins/{id}`, after the caller's publish key was accepted: stores the admin (every
 * field replaced; a later session's token adds its email and name back when it carries them).
 */
export async function putAdmin(
  res: ServerResponse,
  send: (res: ServerResponse, status: number, body: unknown) => void,
  opts: { backend: HubBackend; rawId: string; body: unknown; allowedRoles: readonly string[] | null },
): Promise<void> {
  let id: string;
  try {
    id = decodeURIComponent(opts.rawId);
  } catch {
    return send(res, 400, { error: 'id: is not valid percent-encoding' });
  }
  const checked = validateAdminBody(id, opts.body, opts.allowedRoles);
  if (!checked.ok) return send(res, 400, { error: checked.error });
  await opts.backend.upsertAdmin(checked.admin, { replace: true });
  send(res, 200, checked.admin);
}

/** The `{id}` of a registry path, or null when the path is not the registry's. */
export function adminIdOf(path: string): string | null {
  if (!path.startsWith(ADMINS_PATH)) return null;
  const rest = path.slice(ADMINS_PATH.length);
  return rest.includes('/') ? null : rest;
}
