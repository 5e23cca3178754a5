/**
 * The Merkle tree of a batch login (docs/batch-login.md): leaf and node hashes with distinct prefixes
 * (RFC 6962 §2.1, so a leaf can never pass for an interior node or the reverse), a perfect binary tree of
 * 2^depth leaves, and the walk from a leaf up its sibling path to the root. WebCrypto only: the extension
 * builds trees with this file and relying parties check paths with it.
 */
import { concatBytes, utf8 } from '../../bytes.js';
import { type HashName } from '../algorithms.js';
import { assertChallengeNonce } from '../challenge.js';
import { AuthError, AuthErrorCode } from '../errors.js';
import { isOriginSerialization } from '../origin.js';
import { digest } from '../signed-data.js';
import { BATCH_SALT_BYTES, LEAF_LABEL, LEAF_TAG, NODE_TAG } from './format.js';

/** `bytes` preceded by its length as a big-endian u16, so variable-length fields cannot run into each other. */
function lengthPrefixed(bytes: Uint8Array): Uint8Array {
  // Origins are ≤ 2048 characters (isOriginSerialization) and nonces 44, so a u16 always suffices.
  if (bytes.length > 0xffff) throw new RangeError('field longer than 65535 bytes');
  return concatBytes(new Uint8Array([bytes.length >> 8, bytes.length & 0xff]), bytes);
}

/**
 * The input of a leaf hash: 0x00 ‖ "kyotsu-batch:1/leaf" ‖ 0x00 ‖ u16(|origin|) ‖ origin ‖ u16(|nonce|) ‖
 * nonce ‖ salt. Throws `ORIGIN_MALFORMED`, `CHALLENGE_MALFORMED`, or `BATCH_LEAF_MALFORMED` (salt not 32 bytes).
 */
export function batchLeafInput(origin: string, nonce: string, salt: Uint8Array): Uint8Array {
  if (!isOriginSerialization(origin)) throw new AuthError(AuthErrorCode.ORIGIN_MALFORMED, 'origin is not an http(s) origin serialisation');
  assertChallengeNonce(nonce);
  if (salt.length !== BATCH_SALT_BYTES) throw new AuthError(AuthErrorCode.BATCH_LEAF_MALFORMED, `leaf salt must be ${BATCH_SALT_BYTES} bytes`);
  return concatBytes(new Uint8Array([LEAF_TAG]), LEAF_LABEL, new Uint8Array([0x00]), lengthPrefixed(utf8(origin)), lengthPrefixed(utf8(nonce)), salt);
}

/** leaf = H(batchLeafInput(origin, nonce, salt)). */
export async function batchLeafHash(hash: HashName, origin: string, nonce: string, salt: Uint8Array): Promise<Uint8Array> {
  return digest(hash, batchLeafInput(origin, nonce, salt));
}

/** node = H(0x01 ‖ left ‖ right) (RFC 6962 §2.1). */
export function batchNodeHash(hash: HashName, left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return digest(hash, concatBytes(new Uint8Array([NODE_TAG]), left, right));
}

/**
 * Every level of the perfect tree over `leaves` (a power-of-two count ≥ 1): level 0 is the leaves, the last
 * level is `[root]`.
 */
export async function batchTreeLevels(hash: HashName, leaves: readonly Uint8Array[]): Promise<Uint8Array[][]> {
  if (leaves.length === 0 || (leaves.length & (leaves.length - 1)) !== 0) throw new RangeError('a batch tree needs a power-of-two number of leaves');
  const levels: Uint8Array[][] = [[...leaves]];
  let level = levels[0]!;
  while (level.length > 1) {
    const next: Promise<Uint8Array>[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(batchNodeHash(hash, level[i]!, level[i + 1]!));
    level = await Promise.all(next);
    levels.push(level);
  }
  return levels;
}

/** The sibling hashes from leaf `index` up to (not including) the root, bottom first. */
export function batchSiblingPath(levels: readonly (readonly Uint8Array[])[], index: number): Uint8Array[] {
  const path: Uint8Array[] = [];
  let position = index;
  for (const level of levels.slice(0, -1)) {
    const sibling = level[position ^ 1];
    if (!sibling) throw new RangeError('leaf index outside the tree');
    path.push(sibling);
    position >>= 1;
  }
  return path;
}

/**
 * The root reached from `leaf` at `index` by its sibling `path` (bottom first): at level i, bit i of the
 * index says whether the running node is a right child (sibling on the left) or a left child. The caller
 * has checked that 0 ≤ index < 2^path.length, so every bit of the index is used exactly once.
 */
export async function batchRootFromPath(hash: HashName, leaf: Uint8Array, index: number, path: readonly Uint8Array[]): Promise<Uint8Array> {
  let node = leaf;
  let position = index;
  for (const sibling of path) {
    node = position & 1 ? await batchNodeHash(hash, sibling, node) : await batchNodeHash(hash, node, sibling);
    position >>= 1;
  }
  return node;
}
