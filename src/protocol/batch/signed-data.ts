/**
 * What a `kyotsu-batch:1` signature is over (docs/batch-login.md):
 *
 *     signedData = "kyotsu-batch:1/root" ‖ 0x00 ‖ u8(depth) ‖ root        — 21 + n bytes
 *
 * As for web-eid:1.0, `signedData` is the MESSAGE of the signature scheme; a pre-hashing signer (a PIV
 * card, SP 800-73-4 Part 2 §3.2.4) signs digest = H(signedData). A web-eid:1.0 signed data is
 * H(origin) ‖ H(nonce), exactly 2n bytes; 21 + n ≠ 2n for every allowed hash (n = 32, 48, 64), so the two
 * messages can never be equal, whatever the origin, nonce or tree.
 */
import { concatBytes } from '../../bytes.js';
import { ALGORITHM_PROFILES, type TokenAlgorithm } from '../algorithms.js';
import { BATCH_MAX_DEPTH, BATCH_MIN_DEPTH, ROOT_LABEL } from './format.js';
import { batchLeafHash, batchRootFromPath } from './merkle.js';

/** A leaf as a relying party receives it: its salt, its position, and the sibling hashes (bottom first). */
export interface BatchLeaf {
  /** 32 random bytes, fresh for this leaf. */
  readonly salt: Uint8Array;
  /** The leaf's position in the tree, 0 ≤ index < 2^path.length. */
  readonly index: number;
  /** Sibling hashes from the leaf's level up; its length is the tree's depth. */
  readonly path: readonly Uint8Array[];
}

/** The message signed for a tree of `depth` levels with root `root`. */
export function batchSignedData(depth: number, root: Uint8Array): Uint8Array {
  if (!Number.isInteger(depth) || depth < BATCH_MIN_DEPTH || depth > BATCH_MAX_DEPTH) throw new RangeError('batch tree depth out of range');
  return concatBytes(ROOT_LABEL, new Uint8Array([0x00, depth]), root);
}

/**
 * The message a batch signature must verify over for THIS relying party: the root recomputed from the
 * relying party's own origin and nonce, the token's salt and its sibling path. A leaf made for another
 * origin or nonce, or a changed path, gives another root, and the signature does not verify.
 */
export async function batchSignedDataForLeaf(algorithm: TokenAlgorithm, origin: string, nonce: string, leaf: BatchLeaf): Promise<Uint8Array> {
  const { hash } = ALGORITHM_PROFILES[algorithm];
  const leafHash = await batchLeafHash(hash, origin, nonce, leaf.salt);
  const root = await batchRootFromPath(hash, leafHash, leaf.index, leaf.path);
  return batchSignedData(leaf.path.length, root);
}
