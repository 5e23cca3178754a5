/**
 * The whole server side of one login, framework-agnostic: consume the challenge bound to this browser's
 * session, then verify the posted token against it. The challenge is consumed FIRST and whatever happens
 * next, so a nonce backs at most one verification attempt (a failed attempt burns it too).
 */
import { AuthError, AuthErrorCode } from '../../src/protocol/errors.js';
import { type ChallengeService } from './challenge/service.js';
import { type AuthTokenVerifier } from './verifier.js';
import { type VerifiedAuthToken } from './verify/types.js';

/** Input of `verifyLogin`. */
export interface VerifyLoginInput {
  readonly challenges: ChallengeService;
  readonly verifier: AuthTokenVerifier;
  /** The posted token's JSON text. */
  readonly token: string | Uint8Array;
  /** The nonce bound to this browser's session when the challenge was issued; never one sent with the token. */
  readonly nonce: string | undefined;
}

/** Consumes the session's challenge and verifies the token; rejects with an `AuthError`. */
export async function verifyLogin(input: VerifyLoginInput): Promise<VerifiedAuthToken> {
  if (input.nonce === undefined) throw new AuthError(AuthErrorCode.CHALLENGE_UNKNOWN, 'this session has no outstanding challenge');
  const { nonce } = await input.challenges.consumeChallenge(input.nonce);
  return input.verifier.verify(input.token, nonce);
}
