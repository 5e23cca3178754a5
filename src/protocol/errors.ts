/**
 * Stable error codes of the login protocol: challenges, the `web-eid:1.0` authentication token, its
 * verification by a relying party, and the discovery document. Services relay these codes to pages and to
 * the extension, so they are wire protocol: never rename one, only add.
 */
import { KyotsuError } from '../errors.js';

/** Every code a challenge, token, verification or discovery step can fail with. */
export const AuthErrorCode = {
  // Challenges.
  /** The nonce is not 44 characters of base64 carrying 32 bytes. */
  CHALLENGE_MALFORMED: 'CHALLENGE_MALFORMED',
  /** No such challenge is outstanding: never issued, already used (single use) or long gone. */
  CHALLENGE_UNKNOWN: 'CHALLENGE_UNKNOWN',
  /** The challenge was issued but its lifetime has passed. */
  CHALLENGE_EXPIRED: 'CHALLENGE_EXPIRED',
  /** The challenge store could not be reached or answered something unexpected. */
  CHALLENGE_STORE_UNAVAILABLE: 'CHALLENGE_STORE_UNAVAILABLE',

  // The token itself (shape, before any cryptography).
  /** The token is larger than 10 KB. */
  TOKEN_TOO_LARGE: 'TOKEN_TOO_LARGE',
  /** The token is not JSON, not an object, or a required field is missing or has the wrong type. */
  TOKEN_MALFORMED: 'TOKEN_MALFORMED',
  /** The token's JSON repeats a member name (JSON.parse would silently keep the last one). */
  TOKEN_DUPLICATE_KEY: 'TOKEN_DUPLICATE_KEY',
  /** `format` is not `web-eid:1` with some minor version. */
  TOKEN_FORMAT_UNSUPPORTED: 'TOKEN_FORMAT_UNSUPPORTED',
  /** `algorithm` is not on the allow-list (ES256, ES384, ES512, PS256, RS256). */
  TOKEN_ALGORITHM_UNSUPPORTED: 'TOKEN_ALGORITHM_UNSUPPORTED',
  /** `algorithm` does not fit the certificate's key (e.g. ES256 with a P-384 or RSA key). */
  TOKEN_ALGORITHM_KEY_MISMATCH: 'TOKEN_ALGORITHM_KEY_MISMATCH',
  /** The signature has the wrong length or encoding for the algorithm and key (e.g. truncated). */
  TOKEN_SIGNATURE_MALFORMED: 'TOKEN_SIGNATURE_MALFORMED',
  /**
   * The signature does not verify over H(origin) ‖ H(nonce) for the relying party's own origin and the
   * nonce it issued to this browser. A token made for another origin or another nonce fails here: neither
   * value travels in the token (by design), so the two cases cannot be told apart.
   */
  TOKEN_SIGNATURE_INVALID: 'TOKEN_SIGNATURE_INVALID',

  // The certificate.
  /** `unverifiedCertificate` is not a DER X.509 certificate. */
  CERTIFICATE_MALFORMED: 'CERTIFICATE_MALFORMED',
  /** The certificate's notAfter is before the verification time. */
  CERTIFICATE_EXPIRED: 'CERTIFICATE_EXPIRED',
  /** The certificate's notBefore is after the verification time. */
  CERTIFICATE_NOT_YET_VALID: 'CERTIFICATE_NOT_YET_VALID',
  /** KeyUsage is absent or lacks digitalSignature. */
  CERTIFICATE_KEY_USAGE: 'CERTIFICATE_KEY_USAGE',
  /** ExtendedKeyUsage is present and lacks clientAuth. */
  CERTIFICATE_EXTENDED_KEY_USAGE: 'CERTIFICATE_EXTENDED_KEY_USAGE',
  /** No valid path from the certificate to a configured trust anchor; `details.pathCode` says why. */
  CERTIFICATE_UNTRUSTED: 'CERTIFICATE_UNTRUSTED',
  /** The certificate is revoked (CRL, OCSP, or invalidated at the CA). */
  CERTIFICATE_REVOKED: 'CERTIFICATE_REVOKED',
  /** The CA says this certificate may not be used at this service (not qualified or prohibited). */
  CERTIFICATE_NOT_PERMITTED: 'CERTIFICATE_NOT_PERMITTED',

  // Revocation checking.
  /** The OCSP responder answered `unknown` for this certificate. */
  REVOCATION_STATUS_UNKNOWN: 'REVOCATION_STATUS_UNKNOWN',
  /**
   * The revocation source could not give a trustworthy answer: unreachable, HTTP error, malformed or
   * unsigned response, wrong signer, nonce mismatch, stale response. Fails closed.
   */
  REVOCATION_CHECK_FAILED: 'REVOCATION_CHECK_FAILED',

  // Token building (the extension side).
  /** The origin given to the builder or verifier is not the serialisation of an http(s) origin. */
  ORIGIN_MALFORMED: 'ORIGIN_MALFORMED',

  // Relying-party configuration and discovery.
  /** The verifier's own options are invalid (origin not an origin, no trust anchors, ...). */
  VERIFIER_CONFIG_INVALID: 'VERIFIER_CONFIG_INVALID',
  /** A `/.well-known/kyotsu` document is not valid for its version. */
  DISCOVERY_MALFORMED: 'DISCOVERY_MALFORMED',
  /** A `/.well-known/kyotsu` document has a version this code does not know. */
  DISCOVERY_VERSION_UNSUPPORTED: 'DISCOVERY_VERSION_UNSUPPORTED',

  // Batch login (`kyotsu-batch:1`, docs/batch-login.md). A batch signature that does not verify for this
  // relying party's origin and nonce — another origin, another nonce, a leaf replayed from another service,
  // a tampered sibling path — is TOKEN_SIGNATURE_INVALID, as for single tokens: the root is recomputed from
  // the service's own origin and nonce, so none of these can be told apart from a bad signature.
  /**
   * The batch token's `leaf` is missing or not an object, its `salt` is not standard base64 of 32 bytes, or
   * its `index` is not a non-negative integer addressing a leaf of a tree as deep as `path` is long.
   */
  BATCH_LEAF_MALFORMED: 'BATCH_LEAF_MALFORMED',
  /**
   * The batch token's `leaf.path` is not an array of standard base64 hashes of the algorithm's hash length,
   * or its length (the tree's depth) is outside the format's range (4 to 8).
   */
  BATCH_PATH_INVALID: 'BATCH_PATH_INVALID',
  /** The logins given to the batch builder are unusable: none, more than 256, or one origin twice. */
  BATCH_INPUT_INVALID: 'BATCH_INPUT_INVALID',
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** A protocol error: a `KyotsuError` whose code is one of `AuthErrorCode`. */
export class AuthError extends KyotsuError {
  declare readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string, details?: Record<string, string | number | boolean | null>) {
    super(code, message, details);
    this.name = 'AuthError';
  }
}
