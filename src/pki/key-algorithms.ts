/**
 * Which subject keys the common certificate accepts (ECDSA P-256 by default, P-384, RSA-2048) and which
 * keys the CA signs with, read from a `SubjectPublicKeyInfo` (RFC 5280 §4.1.2.7).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PkiError, PkiErrorCode } from './errors.js';
import { OID_CURVE_P256, OID_CURVE_P384, OID_EC_PUBLIC_KEY, OID_RSA_ENCRYPTION } from './oids.js';

/** A subject key kind the profile accepts. */
export type SubjectKeyAlgorithm =
  | { readonly kind: 'EC'; readonly curve: 'P-256' | 'P-384' }
  | { readonly kind: 'RSA'; readonly modulusBits: 2048 };

/** Short label for logs and the store, e.g. `EC P-256` or `RSA 2048`. */
export function keyAlgorithmLabel(algorithm: SubjectKeyAlgorithm): string {
  return algorithm.kind === 'EC' ? `EC ${algorithm.curve}` : `RSA ${algorithm.modulusBits}`;
}

const CURVES: Readonly<Record<string, { curve: 'P-256' | 'P-384'; pointLength: number }>> = {
  [OID_CURVE_P256]: { curve: 'P-256', pointLength: 65 }, // SEC 1 §2.3.3 uncompressed point 04‖X‖Y
  [OID_CURVE_P384]: { curve: 'P-384', pointLength: 97 },
};

function unsupported(message: string, details?: Record<string, string | number>): PkiError {
  return new PkiError(PkiErrorCode.CSR_KEY_UNSUPPORTED, message, details);
}

/**
 * Classifies a subject public key; anything other than ECDSA P-256/P-384 (named curve, uncompressed
 * point) or RSA with a 2048-bit modulus and an odd exponent ≥ 3 throws `CSR_KEY_UNSUPPORTED`.
 */
export function classifySubjectKey(spki: pkijs.PublicKeyInfo): SubjectKeyAlgorithm {
  const oid = spki.algorithm.algorithmId;
  const key = spki.subjectPublicKey.valueBlock.valueHexView;
  if (oid === OID_EC_PUBLIC_KEY) {
    // RFC 5480 §2.1.1: parameters MUST be a namedCurve for PKIX.
    const params = spki.algorithm.algorithmParams as unknown;
    if (!(params instanceof asn1js.ObjectIdentifier)) throw unsupported('EC key without a named curve');
    const curveOid = params.valueBlock.toString();
    const curve = CURVES[curveOid];
    if (!curve) throw unsupported(`EC curve ${curveOid} is not accepted (P-256 or P-384)`, { curve: curveOid });
    if (key.length !== curve.pointLength || key[0] !== 0x04) throw unsupported('EC public key must be an uncompressed point');
    return { kind: 'EC', curve: curve.curve };
  }
  if (oid === OID_RSA_ENCRYPTION) {
    let rsa: pkijs.RSAPublicKey;
    try {
      rsa = new pkijs.RSAPublicKey({ schema: asn1js.fromBER(key).result });
    } catch (error) {
      throw unsupported(`RSA public key is malformed: ${(error as Error).message}`);
    }
    const modulus = rsa.modulus.valueBlock.valueHexView;
    const bytes = modulus[0] === 0 ? modulus.subarray(1) : modulus;
    const bits = bytes.length === 0 ? 0 : (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0]!));
    if (bits !== 2048) throw unsupported(`RSA modulus of ${bits} bits is not accepted (2048)`, { modulusBits: bits });
    const exponent = rsa.publicExponent.valueBlock.valueHexView;
    const last = exponent[exponent.length - 1] ?? 0;
    const isThreeOrMore = exponent.length > 1 || last >= 3;
    if ((last & 1) === 0 || !isThreeOrMore || exponent[0]! & 0x80) throw unsupported('RSA public exponent must be odd and at least 3');
    return { kind: 'RSA', modulusBits: 2048 };
  }
  throw unsupported(`key algorithm ${oid} is not accepted (ECDSA P-256, P-384 or RSA-2048)`, { algorithm: oid });
}

/** The hash a CA key of this curve signs with (RFC 5480 §4: match the hash to the curve size). */
export function hashForCurve(curve: 'P-256' | 'P-384'): 'SHA-256' | 'SHA-384' {
  return curve === 'P-384' ? 'SHA-384' : 'SHA-256';
}

/** The hash to sign with for an ECDSA `CryptoKey` (P-256 → SHA-256, P-384 → SHA-384). */
export function hashForSigningKey(key: CryptoKey): 'SHA-256' | 'SHA-384' {
  const algorithm = key.algorithm as EcKeyAlgorithm;
  if (algorithm.name !== 'ECDSA' || (algorithm.namedCurve !== 'P-256' && algorithm.namedCurve !== 'P-384')) {
    throw new PkiError(PkiErrorCode.KEY_UNSUPPORTED, `signing key must be ECDSA P-256 or P-384, got ${algorithm.name}`);
  }
  return hashForCurve(algorithm.namedCurve);
}
