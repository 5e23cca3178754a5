/**
 * Which token algorithms fit a certificate's public key. JWA binds each ECDSA algorithm to one curve
 * (RFC 7518 §3.4) and RS256/PS256 to RSA keys (RFC 7518 §3.3, §3.5); a token whose algorithm does not fit
 * its certificate's key is refused before any signature is checked.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ALGORITHM_PROFILES, MIN_RSA_MODULUS_BITS, type TokenAlgorithm } from './algorithms.js';
import { decodeBer } from '../pki/der.js';

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1'; // RFC 5480 §2.1.1
const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1'; // RFC 3279 §2.3.1
const CURVES: Readonly<Record<string, 'P-256' | 'P-384' | 'P-521'>> = {
  '1.2.840.10045.3.1.7': 'P-256', // RFC 5480 §2.1.1.1 secp256r1
  '1.3.132.0.34': 'P-384', // secp384r1
  '1.3.132.0.35': 'P-521', // secp521r1
};

/** The kind of a subject public key, as far as token algorithms care. */
export type PublicKeyKind =
  | { readonly kind: 'ec'; readonly namedCurve: 'P-256' | 'P-384' | 'P-521' }
  | { readonly kind: 'rsa'; readonly modulusBits: number }
  | { readonly kind: 'unsupported'; readonly algorithmOid: string };

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}

/** Classifies a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7). Never throws for well-parsed input. */
export function publicKeyKind(spki: pkijs.PublicKeyInfo): PublicKeyKind {
  const oid = spki.algorithm.algorithmId;
  if (oid === OID_EC_PUBLIC_KEY) {
    const params = spki.algorithm.algorithmParams as unknown;
    const curve = params instanceof asn1js.ObjectIdentifier ? CURVES[params.valueBlock.toString()] : undefined;
    return curve ? { kind: 'ec', namedCurve: curve } : { kind: 'unsupported', algorithmOid: oid };
  }
  if (oid === OID_RSA_ENCRYPTION) {
    const parsed = decodeBer(spki.subjectPublicKey.valueBlock.valueHexView);
    if (parsed.offset === -1) return { kind: 'unsupported', algorithmOid: oid };
    try {
      const key = new pkijs.RSAPublicKey({ schema: parsed.result });
      return { kind: 'rsa', modulusBits: bitLength(key.modulus.valueBlock.valueHexView) };
    } catch (error) {
      if (error instanceof Error) return { kind: 'unsupported', algorithmOid: oid };
      throw error;
    }
  }
  return { kind: 'unsupported', algorithmOid: oid };
}

/** True when `algorithm` may be used with a key of this kind (RSA keys need ≥ 2048 bits). */
export function algorithmFitsKey(algorithm: TokenAlgorithm, key: PublicKeyKind): boolean {
  const profile = ALGORITHM_PROFILES[algorithm];
  if (profile.kind === 'ecdsa') return key.kind === 'ec' && key.namedCurve === profile.namedCurve;
  return key.kind === 'rsa' && key.modulusBits >= MIN_RSA_MODULUS_BITS;
}

/**
 * The algorithm a signer should use for its key: ES256/ES384/ES512 by curve, RS256 for RSA (what PIV cards
 * and the Web eID app use; PS256 is accepted too but needs the host to build EMSA-PSS). Undefined when the
 * key fits no allowed algorithm.
 */
export function preferredAlgorithm(key: PublicKeyKind): TokenAlgorithm | undefined {
  if (key.kind === 'ec') return key.namedCurve === 'P-256' ? 'ES256' : key.namedCurve === 'P-384' ? 'ES384' : 'ES512';
  if (key.kind === 'rsa' && key.modulusBits >= MIN_RSA_MODULUS_BITS) return 'RS256';
  return undefined;
}
