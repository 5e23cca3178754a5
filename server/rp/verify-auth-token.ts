/**
 * `verifyAuthToken(token, options)`: verifies a `web-eid:1.0` login token for one relying party and one
 * challenge. The order of the checks and the codes are documented in verify/core.ts; this entry point
 * validates paths with `validateCertificatePath` (RFC 5280 §6.1) and no cache. A service that verifies many
 * logins uses `AuthTokenVerifier` (verifier.ts), which keeps a warm cache of validated intermediates.
 */
import { validateCertificatePath } from './path/validate.js';
import { verifyAuthTokenWith } from './verify/core.js';
import { type VerifiedAuthToken, type VerifyAuthTokenOptions } from './verify/types.js';

/**
 * Resolves to `{ certificate, subject, serial }` when the token is a valid login for `options.origin` and
 * `options.challengeNonce`; otherwise rejects with an `AuthError` whose `code` is stable
 * (src/protocol/errors.ts). The caller must have consumed the challenge first (`consumeChallenge`).
 */
export function verifyAuthToken(token: string | Uint8Array, options: VerifyAuthTokenOptions): Promise<VerifiedAuthToken> {
  return verifyAuthTokenWith(validateCertificatePath, token, options);
}
