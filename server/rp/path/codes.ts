/**
 * Stable failure codes of `validateCertificatePath` (RFC 5280 §6.1 path validation and §6.3 CRL
 * validation). Codes are part of the relying-party API: never rename one, only add.
 */
export const PathCode = {
  /** A certificate, trust anchor or CRL given as input is not well-formed DER of its type. */
  CERTIFICATE_MALFORMED: 'CERTIFICATE_MALFORMED',
  /** No chain from the certificate to a trust anchor could be built: an issuer is missing. */
  NO_PATH: 'NO_PATH',
  /** The chain ends at a self-issued (root) certificate that is not one of the trust anchors. */
  UNTRUSTED_ISSUER: 'UNTRUSTED_ISSUER',
  /** A certificate's signature does not verify with its issuer's public key (§6.1.3 (a)(1)). */
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  /** The signature or key algorithm is not supported (DSA, MD5, unknown curves, …). */
  UNSUPPORTED_ALGORITHM: 'UNSUPPORTED_ALGORITHM',
  /** A certificate's notAfter is before the validation time (§6.1.3 (a)(2)). */
  CERTIFICATE_EXPIRED: 'CERTIFICATE_EXPIRED',
  /** A certificate's notBefore is after the validation time (§6.1.3 (a)(2)). */
  CERTIFICATE_NOT_YET_VALID: 'CERTIFICATE_NOT_YET_VALID',
  /** An intermediate certificate is not a CA: basicConstraints absent or cA false (§6.1.4 (k)). */
  NOT_A_CA: 'NOT_A_CA',
  /** More non-self-issued intermediates than a pathLenConstraint allows (§6.1.4 (l)). */
  PATH_LENGTH_EXCEEDED: 'PATH_LENGTH_EXCEEDED',
  /** An issuing certificate has keyUsage without keyCertSign (§6.1.4 (n)). */
  KEY_USAGE_CERT_SIGN_MISSING: 'KEY_USAGE_CERT_SIGN_MISSING',
  /** A name is outside the permitted or inside the excluded subtrees (§6.1.3 (b), (c)). */
  NAME_CONSTRAINTS_VIOLATED: 'NAME_CONSTRAINTS_VIOLATED',
  /** Policy processing failed: an explicit policy is required and the valid_policy_tree is empty,
   *  or a policy mapping maps to or from anyPolicy (§6.1.3 (f), §6.1.4 (a), §6.1.5). */
  POLICY_INVALID: 'POLICY_INVALID',
  /** A certificate carries a critical extension this validator does not process (§6.1.4 (o)). */
  UNKNOWN_CRITICAL_EXTENSION: 'UNKNOWN_CRITICAL_EXTENSION',
  /** A certificate in the path is listed as revoked on a valid CRL (§6.3.3 (i), (j)). */
  CERTIFICATE_REVOKED: 'CERTIFICATE_REVOKED',
  /** No valid CRL covering the certificate (for all reasons) was available (§6.3.3: UNDETERMINED). */
  REVOCATION_UNKNOWN: 'REVOCATION_UNKNOWN',
  /** A CRL in scope for the certificate could not be used: bad signature, signer without cRLSign,
   *  out of date, unknown critical (entry) extension, or not DER (§5.2, §5.3, §6.3.3 (a), (f), (g)). */
  CRL_INVALID: 'CRL_INVALID',
  /** The input does not have the documented shape (e.g. `time` is not a valid Date). */
  INPUT_INVALID: 'INPUT_INVALID',
  /** Validation failed for a reason that is a bug in this validator, not in the input. */
  INTERNAL: 'INTERNAL',
} as const;

/** One of the `PathCode` values. */
export type PathCode = (typeof PathCode)[keyof typeof PathCode];
