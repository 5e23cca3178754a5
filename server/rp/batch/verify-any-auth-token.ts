/**
 * `verifyAnyAuthToken(token, options)`: for a service that accepts both login formats. The token's
 * `format` picks the verification: `web-eid:1.x` → verifyAuthToken's, `kyotsu-batch:1.x` →
 * verifyBatchAuthToken's; anything else is TOKEN_FORMAT_UNSUPPORTED. Same options, same check order and
 * codes; the result says which format it was.
 */
import { tokenSignedData } from '../../../src/protocol/signed-data.js';
import { parseAnyAuthToken } from '../../../src/protocol/batch/any-token.js';
import { validateCertificatePath } from '../path/validate.js';
import { checkOptions, verifyParsedTokenWith } from '../verify/core.js';
import { type PathValidator, type VerifiedAuthToken, type VerifyAuthTokenOptions } from '../verify/types.js';
import { verifyParsedBatchTokenWith } from './verify-batch-auth-token.js';

/** Which login format a token was: `single` (web-eid:1.x) or `batch` (kyotsu-batch:1.x). */
export type AuthTokenKind = 'single' | 'batch';

/** `VerifiedAuthToken` and the format it came in. */
export interface VerifiedAnyAuthToken extends VerifiedAuthToken {
  readonly kind: AuthTokenKind;
}

/** verifyAnyAuthToken with the path validator passed in (`AuthTokenVerifier` passes its cache). */
export async function verifyAnyAuthTokenWith(validatePath: PathValidator, token: string | Uint8Array, options: VerifyAuthTokenOptions): Promise<VerifiedAnyAuthToken> {
  checkOptions(options);
  const parsed = parseAnyAuthToken(token);
  if (parsed.kind === 'batch') return { ...(await verifyParsedBatchTokenWith(validatePath, parsed.token, options)), kind: 'batch' };
  const single = parsed.token;
  const verified = await verifyParsedTokenWith(validatePath, single, options, () => tokenSignedData(single.algorithm, options.origin, options.challengeNonce));
  return { ...verified, kind: 'single' };
}

/**
 * Resolves to `{ certificate, subject, serial, kind }` when the token — single or batch — is a valid login
 * for `options.origin` and `options.challengeNonce`; otherwise rejects with an `AuthError` with a stable
 * `code`. The caller must have consumed the challenge first.
 */
export function verifyAnyAuthToken(token: string | Uint8Array, options: VerifyAuthTokenOptions): Promise<VerifiedAnyAuthToken> {
  return verifyAnyAuthTokenWith(validateCertificatePath, token, options);
}
