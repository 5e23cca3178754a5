/**
 * The batch login token, format `kyotsu-batch:1` (docs/batch-login.md): the five members of a web-eid:1.0
 * token — the signature now over the batch root — plus `leaf`, this service's own leaf: its salt, its
 * position and its sibling path. Origin and nonce are NOT in the token, exactly as in web-eid:1.0: the
 * relying party supplies both from its own state.
 *
 * `parseBatchAuthToken` makes the first verification step, in order: size (≤ 10 KB), JSON shape (strict,
 * duplicate member names refused), format, algorithm allow-list, then the leaf's shape and lengths (which
 * depend on the algorithm's hash). Unknown members, in the token and in `leaf`, are ignored.
 */
import { fromBase64, toBase64 } from '../../bytes.js';
import { ALGORITHM_PROFILES, type TokenAlgorithm } from '../algorithms.js';
import { readTokenEnvelope, requireTokenAlgorithm, type TokenEnvelope } from '../auth-token.js';
import { AuthError, AuthErrorCode } from '../errors.js';
import { BATCH_MAX_DEPTH, BATCH_MIN_DEPTH, BATCH_SALT_BYTES, isBatchFormat } from './format.js';
import { type BatchLeaf } from './signed-data.js';

const HASH_BYTES = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 } as const;

/** A batch token as it travels. */
export interface BatchAuthToken {
  /** `kyotsu-batch:1`. */
  readonly format: string;
  /** Standard base64 of the DER X.509 authentication certificate. Untrusted until verified. */
  readonly unverifiedCertificate: string;
  /** JWA name of the signature algorithm (one of `TOKEN_ALGORITHMS`). */
  readonly algorithm: string;
  /** Standard base64 of the ONE signature over the batch signed data; ECDSA as raw r‖s. */
  readonly signature: string;
  /** URL naming the application and version that made the token; informative only. */
  readonly appVersion: string;
  readonly leaf: {
    /** Standard base64 of this leaf's 32-byte salt. */
    readonly salt: string;
    /** This leaf's position in the tree. */
    readonly index: number;
    /** Standard base64 of each sibling hash, bottom first. */
    readonly path: readonly string[];
  };
}

/** A batch token after the shape, format, algorithm and leaf checks, binary fields decoded. */
export interface ParsedBatchAuthToken {
  readonly format: string;
  readonly algorithm: TokenAlgorithm;
  /** DER of `unverifiedCertificate` (not yet parsed as X.509). */
  readonly certificate: Uint8Array;
  readonly signature: Uint8Array;
  readonly appVersion: string;
  readonly leaf: BatchLeaf;
}

function leafError(message: string): AuthError {
  return new AuthError(AuthErrorCode.BATCH_LEAF_MALFORMED, message);
}

function pathError(message: string): AuthError {
  return new AuthError(AuthErrorCode.BATCH_PATH_INVALID, message);
}

/** Standard base64 of exactly `length` bytes, or the given error. */
function fixedBase64(value: unknown, length: number, fail: (message: string) => AuthError, name: string): Uint8Array {
  if (typeof value !== 'string') throw fail(`${name} is not a string`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(value);
  } catch (error) {
    if (error instanceof RangeError) throw fail(`${name} is not standard base64`);
    throw error;
  }
  if (bytes.length !== length) throw fail(`${name} must be ${length} bytes, got ${bytes.length}`);
  return bytes;
}

function parseLeaf(algorithm: TokenAlgorithm, value: unknown): BatchLeaf {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw leafError('batch token has no leaf object');
  const leaf = value as Record<string, unknown>;
  const salt = fixedBase64(Object.hasOwn(leaf, 'salt') ? leaf.salt : undefined, BATCH_SALT_BYTES, leafError, 'leaf.salt');
  const index = Object.hasOwn(leaf, 'index') ? leaf.index : undefined;
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) throw leafError('leaf.index is not a non-negative integer');
  const rawPath = Object.hasOwn(leaf, 'path') ? leaf.path : undefined;
  if (!Array.isArray(rawPath)) throw pathError('leaf.path is not an array');
  if (rawPath.length < BATCH_MIN_DEPTH || rawPath.length > BATCH_MAX_DEPTH) {
    throw pathError(`leaf.path has ${rawPath.length} hashes; a kyotsu-batch:1 tree is ${BATCH_MIN_DEPTH} to ${BATCH_MAX_DEPTH} levels deep`);
  }
  const hashBytes = HASH_BYTES[ALGORITHM_PROFILES[algorithm].hash];
  const path = rawPath.map((entry, i) => fixedBase64(entry, hashBytes, pathError, `leaf.path[${i}]`));
  // Every index bit is used by exactly one level: no two indexes may name the same leaf.
  if (index >= 2 ** path.length) throw leafError(`leaf.index ${index} is outside a tree of ${2 ** path.length} leaves`);
  return { salt, index, path };
}

/** The `kyotsu-batch:1` checks on an envelope: format, algorithm allow-list, leaf. */
export function parseBatchAuthTokenEnvelope(envelope: TokenEnvelope): ParsedBatchAuthToken {
  const { format } = envelope;
  if (!isBatchFormat(format)) {
    throw new AuthError(AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED, 'token format is not kyotsu-batch:1', { format: format.slice(0, 40) });
  }
  const algorithm = requireTokenAlgorithm(envelope.algorithm);
  const leaf = parseLeaf(algorithm, Object.hasOwn(envelope.members, 'leaf') ? envelope.members.leaf : undefined);
  return { format, algorithm, certificate: envelope.certificate, signature: envelope.signature, appVersion: envelope.appVersion, leaf };
}

/**
 * Reads a batch token from its JSON text (string or UTF-8 bytes). Throws `AuthError`: `TOKEN_TOO_LARGE`,
 * `TOKEN_MALFORMED`, `TOKEN_DUPLICATE_KEY`, `TOKEN_FORMAT_UNSUPPORTED`, `TOKEN_ALGORITHM_UNSUPPORTED`,
 * `BATCH_LEAF_MALFORMED`, `BATCH_PATH_INVALID`.
 */
export function parseBatchAuthToken(input: string | Uint8Array): ParsedBatchAuthToken {
  return parseBatchAuthTokenEnvelope(readTokenEnvelope(input));
}

/** The JSON text of a batch token. */
export function serializeBatchAuthToken(token: BatchAuthToken): string {
  return JSON.stringify({
    unverifiedCertificate: token.unverifiedCertificate,
    algorithm: token.algorithm,
    signature: token.signature,
    format: token.format,
    appVersion: token.appVersion,
    leaf: { salt: token.leaf.salt, index: token.leaf.index, path: [...token.leaf.path] },
  });
}

/** Encodes a decoded leaf for a token. */
export function encodeBatchLeaf(leaf: BatchLeaf): BatchAuthToken['leaf'] {
  return { salt: toBase64(leaf.salt), index: leaf.index, path: leaf.path.map((hash) => toBase64(hash)) };
}
