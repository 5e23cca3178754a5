/**
 * Builds the tokens of a batch login on the signing side (the extension with a card): several services
 * need a login at once, and the card signs ONCE (docs/batch-login.md).
 *
 * 1. Each login i gets a fresh 32-byte salt and its leaf H(0x00 ‖ label ‖ 0x00 ‖ u16 ‖ origin_i ‖ u16 ‖
 *    nonce_i ‖ salt_i).
 * 2. The tree has 2^depth leaves, depth = max(4, ⌈log2 K⌉): the K real leaves go to uniformly random
 *    positions, every other position holds a random n-byte dummy, indistinguishable from a real leaf hash
 *    to anyone who does not know a salt. A service's path is thus the same length for K = 1..16 and its
 *    index is uniform: neither tells it how many other services are in the batch, or where.
 * 3. `sign` gets signedData = "kyotsu-batch:1/root" ‖ 0x00 ‖ u8(depth) ‖ root and digest = H(signedData),
 *    the same request shape as `buildAuthToken`, so a card signer serves both.
 * 4. Each service's token carries the one signature, its own salt, index and sibling path — nothing else.
 */
import { toBase64 } from '../../bytes.js';
import { ALGORITHM_PROFILES, isTokenAlgorithm, type TokenAlgorithm } from '../algorithms.js';
import { assertChallengeNonce } from '../challenge.js';
import { AuthError, AuthErrorCode } from '../errors.js';
import { isOriginSerialization } from '../origin.js';
import { digest } from '../signed-data.js';
import { normaliseSignature, type TokenSigner } from '../token-builder.js';
import { type BatchAuthToken, encodeBatchLeaf } from './batch-token.js';
import { BATCH_MAX_LOGINS, BATCH_SALT_BYTES, BATCH_TOKEN_FORMAT, batchTreeDepth } from './format.js';
import { batchLeafHash, batchSiblingPath, batchTreeLevels } from './merkle.js';
import { batchSignedData } from './signed-data.js';

const HASH_BYTES = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 } as const;

/** One service in the batch. */
export interface BatchLogin {
  /** The service's origin as the BROWSER knows it (the origin the token will be posted to), never page data. */
  readonly origin: string;
  /** The challenge nonce that service issued, exactly as issued (its base64 text). */
  readonly nonce: string;
}

/** Everything the batch builder needs; the same fields as `buildAuthToken` with `logins` for origin/nonce. */
export interface BuildBatchAuthTokensInput {
  /** 1 to 256 logins, each origin at most once. */
  readonly logins: readonly BatchLogin[];
  /** DER of the authentication certificate whose key signs. */
  readonly certificate: Uint8Array;
  readonly algorithm: TokenAlgorithm;
  /** URL naming the signing application and its version. */
  readonly appVersion: string;
  /** Called exactly once, with the batch signed data and its digest. */
  readonly sign: TokenSigner;
}

/** One service's token, with the login it answers (for the caller to route; neither field is in `token`). */
export interface BatchLoginToken {
  readonly origin: string;
  readonly nonce: string;
  readonly token: BatchAuthToken;
}

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

/** Uniform integer in [0, bound) from the CSPRNG, by rejection sampling (no modulo bias). */
function randomBelow(bound: number): number {
  const limit = Math.floor(0x1_0000_0000 / bound) * bound;
  const word = new Uint32Array(1);
  for (;;) {
    globalThis.crypto.getRandomValues(word);
    if (word[0]! < limit) return word[0]! % bound;
  }
}

/** A uniformly random permutation of 0..size-1 (Fisher–Yates). */
function randomPermutation(size: number): number[] {
  const order = Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = randomBelow(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

function checkInput(input: BuildBatchAuthTokensInput): void {
  const { logins } = input;
  if (logins.length === 0) throw new AuthError(AuthErrorCode.BATCH_INPUT_INVALID, 'a batch needs at least one login');
  if (logins.length > BATCH_MAX_LOGINS) throw new AuthError(AuthErrorCode.BATCH_INPUT_INVALID, `a batch holds at most ${BATCH_MAX_LOGINS} logins`, { count: logins.length });
  const seen = new Set<string>();
  for (const login of logins) {
    if (!isOriginSerialization(login.origin)) throw new AuthError(AuthErrorCode.ORIGIN_MALFORMED, 'origin is not an http(s) origin serialisation');
    assertChallengeNonce(login.nonce);
    if (seen.has(login.origin)) throw new AuthError(AuthErrorCode.BATCH_INPUT_INVALID, 'one origin appears twice in the batch', { origin: login.origin });
    seen.add(login.origin);
  }
  if (!isTokenAlgorithm(input.algorithm)) throw new AuthError(AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED, 'algorithm is not allowed');
}

/**
 * Checks the inputs, builds the tree, asks `sign` ONCE for the signature over the batch signed data and
 * returns one token per login, in the order of `logins`. Throws `BATCH_INPUT_INVALID`, `ORIGIN_MALFORMED`,
 * `CHALLENGE_MALFORMED`, `TOKEN_ALGORITHM_UNSUPPORTED` (all before `sign` is called), or
 * `TOKEN_SIGNATURE_MALFORMED` (the signer returned bytes of the wrong form); the signer's own errors pass
 * through unchanged.
 */
export async function buildBatchAuthTokens(input: BuildBatchAuthTokensInput): Promise<BatchLoginToken[]> {
  checkInput(input);
  const { hash } = ALGORITHM_PROFILES[input.algorithm];
  const depth = batchTreeDepth(input.logins.length);
  const size = 2 ** depth;
  const positions = randomPermutation(size).slice(0, input.logins.length);
  const salts = input.logins.map(() => randomBytes(BATCH_SALT_BYTES));
  const leaves = Array.from({ length: size }, () => randomBytes(HASH_BYTES[hash])); // dummies
  const realLeaves = await Promise.all(input.logins.map((login, i) => batchLeafHash(hash, login.origin, login.nonce, salts[i]!)));
  for (const [i, leaf] of realLeaves.entries()) leaves[positions[i]!] = leaf;
  const levels = await batchTreeLevels(hash, leaves);
  const root = levels[levels.length - 1]![0]!;
  const signedData = batchSignedData(depth, root);
  const signature = await input.sign({ algorithm: input.algorithm, signedData, digest: await digest(hash, signedData) });
  const signatureText = toBase64(normaliseSignature(input.algorithm, signature));
  const certificateText = toBase64(input.certificate);
  return input.logins.map((login, i) => ({
    origin: login.origin,
    nonce: login.nonce,
    token: {
      format: BATCH_TOKEN_FORMAT,
      unverifiedCertificate: certificateText,
      algorithm: input.algorithm,
      signature: signatureText,
      appVersion: input.appVersion,
      leaf: encodeBatchLeaf({ salt: salts[i]!, index: positions[i]!, path: batchSiblingPath(levels, positions[i]!) }),
    },
  }));
}
