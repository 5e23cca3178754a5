/**
 * Constants of the batch login format `kyotsu-batch:1` (docs/batch-login.md): one card signature over the
 * root of a Merkle tree whose leaves each bind one service's origin and that service's nonce.
 *
 * Byte layout (H = the token algorithm's hash, n = its output length: 32, 48 or 64 bytes):
 *
 *     leaf = H( 0x00 ‖ "kyotsu-batch:1/leaf" ‖ 0x00 ‖ u16(|origin|) ‖ origin ‖ u16(|nonce|) ‖ nonce ‖ salt )
 *     node = H( 0x01 ‖ left ‖ right )
 *     signedData = "kyotsu-batch:1/root" ‖ 0x00 ‖ u8(depth) ‖ root            (21 + n bytes)
 *
 * u16 is big-endian; origin is the ASCII origin serialisation, nonce the challenge's base64 TEXT (as in
 * web-eid:1.0), salt 32 random bytes. The 0x00/0x01 leaf/node prefixes follow RFC 6962 §2.1.
 */
import { utf8 } from '../../bytes.js';

/** The format this code writes. */
export const BATCH_TOKEN_FORMAT = 'kyotsu-batch:1';

// Same rule as web-eid: minor versions are compatible within a major version, so kyotsu-batch:1.x reads as 1.
const FORMAT_PATTERN = /^kyotsu-batch:1(?:\.(?:0|[1-9][0-9]{0,8}))?$/;

/** True when `format` is `kyotsu-batch:1` with or without a minor version. */
export function isBatchFormat(format: string): boolean {
  return FORMAT_PATTERN.test(format);
}

/** Random salt bytes per leaf: hides the leaf's origin and nonce from whoever sees only its hash. */
export const BATCH_SALT_BYTES = 32;

/** Smallest tree depth: every batch is padded with dummy leaves to at least 2^4 = 16 leaves. */
export const BATCH_MIN_DEPTH = 4;

/** Largest tree depth accepted: 2^8 = 256 leaves. */
export const BATCH_MAX_DEPTH = 8;

/** Most logins in one batch. */
export const BATCH_MAX_LOGINS = 2 ** BATCH_MAX_DEPTH;

/** RFC 6962 §2.1: the first byte of a leaf hash's input. */
export const LEAF_TAG = 0x00;

/** RFC 6962 §2.1: the first byte of an interior node hash's input. */
export const NODE_TAG = 0x01;

/** Domain-separation label inside every leaf, after LEAF_TAG and before a 0x00 terminator. */
export const LEAF_LABEL: Uint8Array = utf8('kyotsu-batch:1/leaf');

/**
 * Domain-separation label that starts the signed data, followed by a 0x00 terminator. Its length (19) makes
 * the signed data 21 + n bytes, which is never 2n (the length of a web-eid:1.0 signed data) for n ∈ {32, 48,
 * 64}: see docs/batch-login.md, "Why a batch signature is never a single-login signature".
 */
export const ROOT_LABEL: Uint8Array = utf8('kyotsu-batch:1/root');

/** The depth of the tree for `count` logins: ⌈log2(count)⌉, but at least BATCH_MIN_DEPTH. */
export function batchTreeDepth(count: number): number {
  let depth = BATCH_MIN_DEPTH;
  while (2 ** depth < count) depth++;
  return depth;
}
