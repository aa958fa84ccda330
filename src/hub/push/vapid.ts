/**
 * VAPID (RFC 8292) settings of the hub: the application server's P-256 key pair, as
 * `web-push generate-vapid-keys` prints it (base64url, public 65 bytes uncompressed, private 32
 * bytes), and the subject a push service may contact (`mailto:` or `https:`). Checked once at start,
 * so a typo is an error with the flag's name, not a 403 from every push service later.
 */
import { createECDH } from 'node:crypto';

/** The application server's identity towards push services. */
export interface VapidOptions {
  /** Base64url of the uncompressed P-256 public key (65 bytes, starting 0x04); browsers subscribe with it. */
  publicKey: string;
  /** Base64url of the P-256 private key (32 bytes). */
  privateKey: string;
  /** `mailto:ops@example.com` or `https://example.com/contact`: whom a push service writes to. */
  subject: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The bytes of a base64url string (no padding) of exactly `size` bytes, or null. */
export function base64urlBytes(text: unknown, size: number): Buffer | null {
  if (typeof text !== 'string' || !BASE64URL.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  // Re-encoding catches stray trailing bits a lenient decoder would drop.
  return bytes.length === size && bytes.toString('base64url') === text ? bytes : null;
}

/** The bytes of an uncompressed P-256 public key in base64url (65 bytes, 0x04 first), or null. */
export function p256PublicKeyBytes(text: unknown): Buffer | null {
  const bytes = base64urlBytes(text, 65);
  return bytes?.[0] === 0x04 ? bytes : null;
}

/** Why the subject is refused, or null. */
function subjectProblem(subject: string): string | null {
  let url: URL;
  try {
    url = new URL(subject);
  } catch {
    return `must be a mailto: address or an https: URL, got "${subject}"`;
  }
  if (url.protocol === 'mailto:') return /^[^@\s]+@[^@\s]+$/.test(url.pathname) ? null : `"${subject}" has no address`;
  if (url.protocol === 'https:') return null;
  return `must be a mailto: address or an https: URL (push services refuse ${url.protocol}), got "${subject}"`;
}

/**
 * Checks the three settings; the message names the option (`publicKey`, `privateKey`, `subject`)
 * and what is wrong, or null when they are usable together.
 */
export function vapidProblem(vapid: VapidOptions): { field: keyof VapidOptions; message: string } | null {
  const subject = subjectProblem(vapid.subject);
  if (subject) return { field: 'subject', message: subject };
  const publicKey = p256PublicKeyBytes(vapid.publicKey);
  if (!publicKey) {
    return {
      field: 'publicKey',
      message:
        'must be the base64url of an uncompressed P-256 public key (65 bytes), as `npx web-push generate-vapid-keys` prints it',
    };
  }
  const privateKey = base64urlBytes(vapid.privateKey, 32);
  if (!privateKey) {
    return { field: 'privateKey', message: 'must be the base64url of a P-256 private key (32 bytes)' };
  }
  const ecdh = createECDH('prime256v1');
  try {
    ecdh.setPrivateKey(privateKey);
  } catch {
    return { field: 'privateKey', message: 'is not a valid P-256 private key' };
  }
  if (!ecdh.getPublicKey().equals(publicKey)) {
    return { field: 'publicKey', message: 'does not belong to the private key (the two come from different pairs)' };
  }
  return null;
}

/** A `vapidProblem` found when the hub starts. */
export class VapidConfigError extends Error {
  override readonly name = 'VapidConfigError';
}

/** Throws `VapidConfigError` when the settings are unusable. */
export function assertVapid(vapid: VapidOptions): void {
  const problem = vapidProblem(vapid);
  if (problem) throw new VapidConfigError(`push.vapid.${problem.field}: ${problem.message}`);
}
