/**
 * The token signature algorithms kyotsu accepts: a subset of the JWA names (RFC 7518 §3.1) that Web eID
 * allows (Web eID authentication token format, `algorithm`). Anything else, `none` included, is refused.
 */

/** Allowed values of a token's `algorithm`. */
export const TOKEN_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'PS256', 'RS256'] as const;
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number];

/** WebCrypto hash names. */
export type HashName = 'SHA-256' | 'SHA-384' | 'SHA-512';

/** What an algorithm needs from the key and how it hashes. */
export type AlgorithmProfile =
  | {
      readonly kind: 'ecdsa';
      readonly hash: HashName;
      /** The curve the key must be on: JWA ties ES256/384/512 to one curve each (RFC 7518 §3.4). */
      readonly namedCurve: 'P-256' | 'P-384' | 'P-521';
      /** Bytes of r and of s in the raw r‖s signature (RFC 7518 §3.4): 32, 48, 66. */
      readonly coordinateBytes: number;
    }
  | {
      readonly kind: 'rsa-pss';
      readonly hash: HashName;
      /** Salt length = hash length, MGF1 with the same hash (RFC 7518 §3.5). */
      readonly saltLength: number;
    }
  | { readonly kind: 'rsa-pkcs1'; readonly hash: HashName }; // RFC 7518 §3.3

/** The profile of each allowed algorithm. */
export const ALGORITHM_PROFILES: Readonly<Record<TokenAlgorithm, AlgorithmProfile>> = {
  ES256: { kind: 'ecdsa', hash: 'SHA-256', namedCurve: 'P-256', coordinateBytes: 32 },
  ES384: { kind: 'ecdsa', hash: 'SHA-384', namedCurve: 'P-384', coordinateBytes: 48 },
  ES512: { kind: 'ecdsa', hash: 'SHA-512', namedCurve: 'P-521', coordinateBytes: 66 },
  PS256: { kind: 'rsa-pss', hash: 'SHA-256', saltLength: 32 },
  RS256: { kind: 'rsa-pkcs1', hash: 'SHA-256' },
};

/** True when `value` is on the allow-list (exact, case-sensitive match). */
export function isTokenAlgorithm(value: unknown): value is TokenAlgorithm {
  return typeof value === 'string' && (TOKEN_ALGORITHMS as readonly string[]).includes(value);
}

/** Minimum RSA modulus accepted for RS256/PS256 keys (NIST SP 800-57 Part 1 Rev. 5 §5.6.1.1). */
export const MIN_RSA_MODULUS_BITS = 2048;
