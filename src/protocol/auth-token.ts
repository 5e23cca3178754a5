/**
 * The Web eID authentication token, format `web-eid:1.0` (Web eID authentication token format, "Proposed
 * new format"): a JSON object of five strings. Origin and nonce are deliberately NOT in the token: the
 * relying party supplies both from its own state when it checks the signature.
 *
 * `parseAuthToken` performs the first verification steps, in order: size (≤ 10 KB) and JSON shape,
 * format, algorithm allow-list. Unknown members are ignored (forward compatibility within major 1).
 */
import { fromBase64 } from '../bytes.js';
import { isTokenAlgorithm, type TokenAlgorithm } from './algorithms.js';
import { AuthError, AuthErrorCode } from './errors.js';
import { parseStrictJson, StrictJsonError } from './strict-json.js';

/** The format this code writes. */
export const TOKEN_FORMAT = 'web-eid:1.0';

/** Largest accepted token, in UTF-8 bytes. A P-521 or RSA-4096 certificate and signature fit easily. */
export const MAX_TOKEN_BYTES = 10 * 1024;

/** A token as it travels (all strings). */
export interface AuthToken {
  /** `web-eid:1.0`. */
  readonly format: string;
  /** Standard base64 of the DER X.509 authentication certificate. Untrusted until verified. */
  readonly unverifiedCertificate: string;
  /** JWA name of the signature algorithm (one of `TOKEN_ALGORITHMS`). */
  readonly algorithm: string;
  /** Standard base64 of the signature over H(origin) ‖ H(nonce); ECDSA as raw r‖s. */
  readonly signature: string;
  /** URL naming the application and version that made the token; informative only. */
  readonly appVersion: string;
}

/** A token after the shape, format and algorithm checks, with its binary fields decoded. */
export interface ParsedAuthToken {
  readonly format: string;
  readonly algorithm: TokenAlgorithm;
  /** DER of `unverifiedCertificate` (not yet parsed as X.509). */
  readonly certificate: Uint8Array;
  /** Bytes of `signature`. */
  readonly signature: Uint8Array;
  readonly appVersion: string;
}

// Web eID token format, `format`: "major version changes are incompatible ..., minor version changes are
// backwards-compatible within the given major version" — so any web-eid:1.x is read as 1.0.
const FORMAT_PATTERN = /^web-eid:1(?:\.(?:0|[1-9][0-9]{0,8}))?$/;

function malformed(message: string): AuthError {
  return new AuthError(AuthErrorCode.TOKEN_MALFORMED, message);
}

function decodeText(input: string | Uint8Array): string {
  if (typeof input === 'string') {
    // Cheap bound before encoding: UTF-8 is at least one byte per UTF-16 code unit.
    if (input.length > MAX_TOKEN_BYTES || new TextEncoder().encode(input).length > MAX_TOKEN_BYTES) {
      throw new AuthError(AuthErrorCode.TOKEN_TOO_LARGE, `token is larger than ${MAX_TOKEN_BYTES} bytes`);
    }
    return input;
  }
  if (input.length > MAX_TOKEN_BYTES) {
    throw new AuthError(AuthErrorCode.TOKEN_TOO_LARGE, `token is larger than ${MAX_TOKEN_BYTES} bytes`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
  } catch (error) {
    if (error instanceof TypeError) throw malformed('token is not UTF-8');
    throw error;
  }
}

function base64Field(record: Record<string, unknown>, name: string): Uint8Array {
  const value = record[name] as string;
  if (value.length === 0) throw malformed(`${name} is empty`);
  try {
    return fromBase64(value);
  } catch (error) {
    if (error instanceof RangeError) throw malformed(`${name} is not standard base64`);
    throw error;
  }
}

/**
 * A token's JSON after the checks every token format shares: size (≤ 10 KB), UTF-8, strict JSON (no repeated
 * member names), an object whose five common members are strings, certificate and signature decoded from
 * standard base64. `format` and `algorithm` are NOT checked yet; `members` keeps the whole object so a
 * format can read its own further members (`kyotsu-batch:1` reads `leaf`).
 */
export interface TokenEnvelope {
  readonly format: string;
  /** `algorithm` as written, not yet checked against the allow-list. */
  readonly algorithm: string;
  readonly certificate: Uint8Array;
  readonly signature: Uint8Array;
  readonly appVersion: string;
  /** Every member of the token object, as parsed (unknown members included). */
  readonly members: Readonly<Record<string, unknown>>;
}

/**
 * The shared first step of reading any token format. Throws `AuthError`: `TOKEN_TOO_LARGE`,
 * `TOKEN_MALFORMED`, `TOKEN_DUPLICATE_KEY`.
 */
export function readTokenEnvelope(input: string | Uint8Array): TokenEnvelope {
  const text = decodeText(input);
  let value: unknown;
  try {
    value = parseStrictJson(text, 8);
  } catch (error) {
    if (error instanceof StrictJsonError) {
      if (error.reason === 'duplicate-key') throw new AuthError(AuthErrorCode.TOKEN_DUPLICATE_KEY, `token JSON repeats a member name (${error.message})`);
      throw malformed(`token is not valid JSON (${error.message})`);
    }
    throw error;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed('token is not a JSON object');
  const record = value as Record<string, unknown>;
  for (const name of ['format', 'unverifiedCertificate', 'algorithm', 'signature', 'appVersion'] as const) {
    if (!Object.hasOwn(record, name)) throw malformed(`token has no ${name}`);
    if (typeof record[name] !== 'string') throw malformed(`token ${name} is not a string`);
  }
  const certificate = base64Field(record, 'unverifiedCertificate');
  const signature = base64Field(record, 'signature');
  return {
    format: record.format as string,
    algorithm: record.algorithm as string,
    certificate,
    signature,
    appVersion: record.appVersion as string,
    members: record,
  };
}

/** The allow-list check (`TOKEN_ALGORITHM_UNSUPPORTED` otherwise), shared by every token format. */
export function requireTokenAlgorithm(algorithm: string): TokenAlgorithm {
  if (!isTokenAlgorithm(algorithm)) {
    throw new AuthError(AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED, 'token algorithm is not one of ES256, ES384, ES512, PS256, RS256', {
      algorithm: algorithm.slice(0, 20),
    });
  }
  return algorithm;
}

/** True when `format` is `web-eid:1` with some minor version (what `parseAuthToken` accepts). */
export function isWebEidFormat(format: string): boolean {
  return FORMAT_PATTERN.test(format);
}

/** The `web-eid:1.x` checks on an envelope: format, then algorithm allow-list. */
export function parseAuthTokenEnvelope(envelope: TokenEnvelope): ParsedAuthToken {
  const { format } = envelope;
  if (!FORMAT_PATTERN.test(format)) {
    throw new AuthError(AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED, 'token format is not web-eid:1.x', { format: format.slice(0, 40) });
  }
  const algorithm = requireTokenAlgorithm(envelope.algorithm);
  return { format, algorithm, certificate: envelope.certificate, signature: envelope.signature, appVersion: envelope.appVersion };
}

/**
 * Reads a token from its JSON text (string or UTF-8 bytes). Throws `AuthError`:
 * `TOKEN_TOO_LARGE`, `TOKEN_MALFORMED`, `TOKEN_DUPLICATE_KEY`, `TOKEN_FORMAT_UNSUPPORTED`,
 * `TOKEN_ALGORITHM_UNSUPPORTED` — checked in that order.
 */
export function parseAuthToken(input: string | Uint8Array): ParsedAuthToken {
  return parseAuthTokenEnvelope(readTokenEnvelope(input));
}

/** The JSON text of a token, members in the order of the Web eID specification's example. */
export function serializeAuthToken(token: AuthToken): string {
  return JSON.stringify({
    unverifiedCertificate: token.unverifiedCertificate,
    algorithm: token.algorithm,
    signature: token.signature,
    format: token.format,
    appVersion: token.appVersion,
  });
}
