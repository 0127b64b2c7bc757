/**
 * The commercial-cryptography (商用密码) primitives jiesu uses, from Node's own OpenSSL: SM4 (GB/T 32907) in CTR
 * mode, authenticated encrypt-then-MAC with HMAC-SM3 (GB/T 32905), and HMAC-SM3 for blind indexes and the audit
 * chain. No key ever leaves this process or reaches the database.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const IV_BYTES = 16;
const TAG_BYTES = 32;

export function hmacSm3(key: Buffer, ...parts: (string | Buffer)[]): Buffer {
  const h = createHmac('sm3', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** The two keys one master key stands for: a 128-bit SM4 key and an HMAC-SM3 key (derived, so neither is reused for the other). */
export type SealKey = { enc: Buffer; mac: Buffer };
export function sealKey(master: Buffer): SealKey {
  return { enc: hmacSm3(master, 'jiesu/sm4-ctr/enc').subarray(0, 16), mac: hmacSm3(master, 'jiesu/sm4-ctr/mac') };
}

/** SM4-CTR with a random IV, then HMAC-SM3 over `label`, IV and ciphertext: iv ‖ ciphertext ‖ tag. */
export function sm4Seal(key: SealKey, label: string, plaintext: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('sm4-ctr', key.enc, iv);
  const body = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  const tag = hmacSm3(key.mac, label, iv, body);
  return Buffer.concat([iv, body, tag]);
}

/** The plaintext, or null when the tag does not verify (tampered, truncated, or another key). */
export function sm4Open(key: SealKey, label: string, sealed: Buffer): string | null {
  if (sealed.length < IV_BYTES + TAG_BYTES) return null;
  const iv = sealed.subarray(0, IV_BYTES);
  const body = sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  if (!timingSafeEqual(tag, hmacSm3(key.mac, label, iv, body))) return null;
  const d = createDecipheriv('sm4-ctr', key.enc, iv);
  return Buffer.concat([d.update(body), d.final()]).toString('utf8');
}
