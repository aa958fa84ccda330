/**
 * Tickets for the one request a browser cannot send a header with: the Server-Sent Events GET.
 * A client trades its JWT (`Authorization: Bearer`) for a ticket, then opens the stream with
 * `?ticket=…`. A ticket is the verified user, the token's expiry and the stream's opening fields
 * (resumeFrom, stream, categories, protocol), sealed with AES-256-GCM under the hub's ticket
 * secret: opaque in access logs, unforgeable, redeemable by any node that shares the secret (no
 * sticky sessions), valid for `ttlMs` and redeemed once per node.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { AuthMessage, SessionUser } from '../../core/protocol.js';

/** What the stream opens with: the `auth` message's fields other than the token. */
export type StreamOpening = Pick<AuthMessage, 'resumeFrom' | 'stream' | 'categories' | 'protocol'>;

/** What a ticket carries. */
export interface TicketClaims {
  user: SessionUser;
  /** The token's `exp`, epoch ms. */
  expiresAt?: number;
  /** When the session is closed with 4001 (exp plus leeway), epoch ms. */
  validUntil?: number;
  opening: StreamOpening;
}

export type Redeemed = { ok: true; claims: TicketClaims } | { ok: false; reason: string };

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class Tickets {
  readonly #key: Buffer;
  /** Nonces redeemed on this node, until their ticket expires. */
  readonly #used = new Map<string, number>();

  constructor(
    secret: string | undefined,
    readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    this.#key = secret === undefined ? randomBytes(32) : createHash('sha256').update(`tickets|${secret}`).digest();
  }

  /** Seals `claims` into a ticket valid for `ttlMs`. */
  issue(claims: TicketClaims): { ticket: string; expiresAt: number } {
    const expiresAt = this.now() + this.ttlMs;
    const body = JSON.stringify({ n: randomBytes(12).toString('base64url'), until: expiresAt, claims });
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const sealed = Buffer.concat([iv, cipher.update(body, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { ticket: sealed.toString('base64url'), expiresAt };
  }

  /** Opens a ticket once: a forged, expired or already redeemed ticket is refused. */
  redeem(ticket: string): Redeemed {
    const t = this.now();
    this.#sweep(t);
    let opened: { n: string; until: number; claims: TicketClaims };
    try {
      const raw = Buffer.from(ticket, 'base64url');
      if (raw.length <= IV_BYTES + TAG_BYTES) throw new Error('short');
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      const body = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]);
      opened = JSON.parse(body.toString('utf8'));
    } catch {
      return { ok: false, reason: 'ticket not valid (not issued by this hub, or its secret changed)' };
    }
    if (opened.until <= t) return { ok: false, reason: 'ticket expired: get a new one with POST /v1/tickets' };
    if (this.#used.has(opened.n)) return { ok: false, reason: 'ticket already used: a ticket opens one stream' };
    this.#used.set(opened.n, opened.until);
    return { ok: true, claims: opened.claims };
  }

  /** Forgets redeemed nonces whose tickets have expired (they can no longer be presented). */
  #sweep(t: number): void {
    // Insertion order is nearly expiry order (one ttl for all), so stop at the first one still valid.
    for (const [nonce, until] of this.#used) {
      if (until > t) break;
      this.#used.delete(nonce);
    }
  }
}
