/**
 * The challenge nonce a relying party issues for one login: 32 random bytes from the platform's CSPRNG,
 * sent as standard base64 (44 characters). The token signs the nonce's base64 TEXT, not the decoded bytes
 * (Web eID authentication token format, "Clarification on nonce (challenge) processing").
 */
import { fromBase64, toBase64 } from '../bytes.js';
import { AuthError, AuthErrorCode } from './errors.js';

/** Random bytes in a challenge nonce (Web eID recommends at least 16; we use 32). */
export const CHALLENGE_NONCE_BYTES = 32;

/** Length of the base64 text of a nonce: 4 × ⌈32 / 3⌉ = 44. */
export const CHALLENGE_NONCE_LENGTH = 44;

/** Default lifetime of an issued challenge: 5 minutes. */
export const CHALLENGE_LIFETIME_MS = 5 * 60 * 1000;

/** A fresh nonce: 32 bytes from `globalThis.crypto.getRandomValues`, base64 with padding. */
export function generateChallengeNonce(): string {
  const bytes = new Uint8Array(CHALLENGE_NONCE_BYTES);
  globalThis.crypto.getRandomValues(bytes);
  return toBase64(bytes);
}

/** True when `value` is exactly the form `generateChallengeNonce` produces (44 chars, 32 bytes). */
export function isChallengeNonce(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== CHALLENGE_NONCE_LENGTH) return false;
  try {
    const bytes = fromBase64(value);
    // 32 bytes leave 2 spare bits in the last character; canonical base64 has them zero.
    return bytes.length === CHALLENGE_NONCE_BYTES && toBase64(bytes) === value;
  } catch (error) {
    if (error instanceof RangeError) return false;
    throw error;
  }
}

/** Throws `CHALLENGE_MALFORMED` unless `value` is a well-formed nonce; returns it typed. */
export function assertChallengeNonce(value: unknown): string {
  if (!isChallengeNonce(value)) {
    throw new AuthError(AuthErrorCode.CHALLENGE_MALFORMED, 'challenge nonce must be 44 characters of base64 carrying 32 bytes');
  }
  return value;
}
