/**
 * `verifyBatchAuthToken(token, options)`: verifies a `kyotsu-batch:1` login token (docs/batch-login.md) for
 * one relying party and one challenge, with the SAME options, result and check order as `verifyAuthToken`
 * (verify/core.ts):
 *
 *  1. size (≤ 10 KB) and JSON shape, format, algorithm allow-list, then the leaf: salt, path, index
 *     — TOKEN_*, BATCH_LEAF_MALFORMED, BATCH_PATH_INVALID
 *  2–6. certificate parse and key match, validity, KeyUsage/EKU, path, revocation — shared code, same codes
 *  7. the signature over the batch signed data, whose root is RECOMPUTED from the relying party's own origin
 *     and nonce, the token's salt and sibling path — TOKEN_SIGNATURE_INVALID when it does not verify
 *
 * A token whose leaf was made for another origin or nonce, replayed from another service, or whose path was
 * changed yields another root, so the signature fails in step 7 — as a web-eid:1.0 token for another origin.
 */
import { type ParsedBatchAuthToken, parseBatchAuthToken } from '../../../src/protocol/batch/batch-token.js';
import { batchSignedDataForLeaf } from '../../../src/protocol/batch/signed-data.js';
import { validateCertificatePath } from '../path/validate.js';
import { checkOptions, verifyParsedTokenWith } from '../verify/core.js';
import { type PathValidator, type VerifiedAuthToken, type VerifyAuthTokenOptions } from '../verify/types.js';

/** Steps 2–7 for a batch token that passed step 1 (the caller ran `checkOptions`). */
export function verifyParsedBatchTokenWith(validatePath: PathValidator, parsed: ParsedBatchAuthToken, options: VerifyAuthTokenOptions): Promise<VerifiedAuthToken> {
  return verifyParsedTokenWith(validatePath, parsed, options, () => batchSignedDataForLeaf(parsed.algorithm, options.origin, options.challengeNonce, parsed.leaf));
}

/** verifyBatchAuthToken with the path validator passed in (`AuthTokenVerifier` passes its cache). */
export async function verifyBatchAuthTokenWith(validatePath: PathValidator, token: string | Uint8Array, options: VerifyAuthTokenOptions): Promise<VerifiedAuthToken> {
  checkOptions(options);
  // 1. Size, JSON shape, format, algorithm allow-list, leaf.
  const parsed = parseBatchAuthToken(token);
  // 2–7, the signature over the batch signed data rebuilt for this origin and nonce.
  return await verifyParsedBatchTokenWith(validatePath, parsed, options);
}

/**
 * Resolves to `{ certificate, subject, serial }` when the batch token is a valid login for `options.origin`
 * and `options.challengeNonce`; otherwise rejects with an `AuthError` whose `code` is stable. The caller
 * must have consumed the challenge first (`consumeChallenge`). A `web-eid:1.0` token is refused here with
 * TOKEN_FORMAT_UNSUPPORTED; `verifyAnyAuthToken` accepts both.
 */
export function verifyBatchAuthToken(token: string | Uint8Array, options: VerifyAuthTokenOptions): Promise<VerifiedAuthToken> {
  return verifyBatchAuthTokenWith(validateCertificatePath, token, options);
}
