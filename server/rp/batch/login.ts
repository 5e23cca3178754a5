/**
 * `verifyAnyLogin`: `verifyLogin` (server/rp/login.ts) for a service that accepts single and batch tokens.
 * The challenge bound to this browser's session is consumed FIRST, whatever happens next, so one nonce backs
 * at most one verification attempt — for a batch token as for a single one.
 */
import { AuthError, AuthErrorCode } from '../../../src/protocol/errors.js';
import { type VerifyLoginInput } from '../login.js';
import { type VerifiedAnyAuthToken } from './verify-any-auth-token.js';

/** Consumes the session's challenge and verifies a single or batch token; rejects with an `AuthError`. */
export async function verifyAnyLogin(input: VerifyLoginInput): Promise<VerifiedAnyAuthToken> {
  if (input.nonce === undefined) throw new AuthError(AuthErrorCode.CHALLENGE_UNKNOWN, 'this session has no outstanding challenge');
  const { nonce } = await input.challenges.consumeChallenge(input.nonce);
  return input.verifier.verifyAny(input.token, nonce);
}
