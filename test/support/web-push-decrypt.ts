/**
 * The receiving side of Web Push, written from the RFCs independently of `web-push`: a browser's
 * subscription keys (P-256 pair + 16-byte auth secret) and the decryption of an `aes128gcm` body
 * (RFC 8188 framing, RFC 8291 key derivation), so a test reads what a browser would show.
 */
import { createDecipheriv, createECDH, hkdfSync, randomBytes } from 'node:crypto';

/** What a browser keeps for one subscription; `keys` is what it gives the page (`PushSubscription.toJSON().keys`). */
export interface SubscriptionKeys {
  privateKey: Buffer;
  publicKey: Buffer;
  authSecret: Buffer;
  keys: { p256dh: string; auth: string };
}

export function generateSubscriptionKeys(): SubscriptionKeys {
  const ecdh = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return {
    privateKey: ecdh.getPrivateKey(),
    publicKey,
    authSecret,
    keys: { p256dh: publicKey.toString('base64url'), auth: authSecret.toString('base64url') },
  };
}

const hkdf = (ikm: Buffer, salt: Buffer, info: Buffer, length: number) =>
  Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

/** Decrypts an RFC 8291 `Content-Encoding: aes128gcm` body for the subscription; throws when it does not authenticate. */
export function decryptWebPush(body: Buffer, sub: SubscriptionKeys): string {
  // RFC 8188 §2.1 header: salt (16) | record size (uint32) | idlen (1) | keyid (the sender's public key).
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const senderPublic = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error(`keyid is ${idLength} bytes, not an uncompressed P-256 key`);
  if (ciphertext.length > recordSize) throw new Error('more than one record');

  // RFC 8291 §3.3-3.4: the input keying material from the ECDH secret, the auth secret and both keys.
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(sub.privateKey);
  const shared = ecdh.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), sub.publicKey, senderPublic]);
  const ikm = hkdf(shared, sub.authSecret, keyInfo, 32);
  // RFC 8188 §2.2-2.3: content-encryption key and nonce from the salt.
  const key = hkdf(ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12);

  const decipher = createDecipheriv('aes-128-gcm', key, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding.
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error('the last record has no 0x02 delimiter');
  return plain.subarray(0, end).toString('utf8');
}
