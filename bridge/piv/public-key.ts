/**
 * The public key GENERATE ASYMMETRIC KEY PAIR returns, SP 800-73-4 Part 2 §3.3.2 (Table 10): 7F49 { 86 EC
 * point } or 7F49 { 81 modulus, 82 exponent }, turned into a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) with
 * pkijs, then imported with WebCrypto so a key that is not on the curve or not the right size is refused.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CardError, CardErrorCode, isCardError } from '../../src/card-errors.js';
import { Algorithm } from '../../src/piv/constants.js';
import { findTlv, parseSingleTlv, parseTlvs } from '../../src/tlv.js';

const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1'; // RFC 5480 §2.1.1
const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1'; // RFC 3279 §2.3.1

/** Curve parameters of the PIV ECC algorithms (SP 800-78-4 Table 6-2, RFC 5480 §2.1.1.1). */
export const EC_CURVES = {
  [Algorithm.ECC_P256]: { name: 'P-256', oid: '1.2.840.10045.3.1.7', size: 32 },
  [Algorithm.ECC_P384]: { name: 'P-384', oid: '1.3.132.0.34', size: 48 },
} as const;
/** Modulus lengths in bytes of the PIV RSA algorithms. */
export const RSA_MODULUS_BYTES = { [Algorithm.RSA_1024]: 128, [Algorithm.RSA_2048]: 256 } as const;

function invalid(why: string): CardError {
  return new CardError(CardErrorCode.RESPONSE_INVALID, `Generated public key is invalid: ${why}`);
}

/** Minimal two's-complement INTEGER content of an unsigned big-endian number. */
function unsignedInteger(bytes: Uint8Array): asn1js.Integer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const trimmed = bytes.subarray(i);
  const content = trimmed[0]! & 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed.slice();
  return new asn1js.Integer({ valueHex: content });
}

function spki(algorithmId: string, params: asn1js.AsnType, key: Uint8Array): Uint8Array {
  const info = new pkijs.PublicKeyInfo({
    algorithm: new pkijs.AlgorithmIdentifier({ algorithmId, algorithmParams: params }),
    subjectPublicKey: new asn1js.BitString({ valueHex: key }),
  });
  return new Uint8Array(info.toSchema().toBER(false));
}

/**
 * Parses the 7F49 template for `algorithm` and returns the SPKI DER. Throws `TLV_MALFORMED` for broken
 * TLV and `RESPONSE_INVALID` for a key of the wrong shape, size or curve.
 */
export async function publicKeyFromTemplate(response: Uint8Array, algorithm: number): Promise<Uint8Array> {
  const fields = parseTlvs(parseSingleTlv(response, 0x7f49).value);
  if (algorithm === Algorithm.ECC_P256 || algorithm === Algorithm.ECC_P384) {
    const curve = EC_CURVES[algorithm];
    const point = findTlv(fields, 0x86);
    // Uncompressed point 04 ‖ X ‖ Y (SEC 1 §2.3.3).
    if (point === undefined || point.length !== 1 + 2 * curve.size || point[0] !== 0x04) throw invalid(`expected an uncompressed ${curve.name} point`);
    const der = spki(OID_EC_PUBLIC_KEY, new asn1js.ObjectIdentifier({ value: curve.oid }), point);
    await check(der, { name: 'ECDSA', namedCurve: curve.name });
    return der;
  }
  if (algorithm === Algorithm.RSA_2048 || algorithm === Algorithm.RSA_1024) {
    const modulus = findTlv(fields, 0x81);
    const exponent = findTlv(fields, 0x82);
    if (modulus === undefined || exponent === undefined || exponent.length === 0) throw invalid('modulus (81) or exponent (82) missing');
    const bytes = RSA_MODULUS_BYTES[algorithm];
    const stripped = modulus.subarray(modulus.findIndex((b) => b !== 0));
    if (stripped.length !== bytes || stripped[0]! < 0x80) throw invalid(`modulus is not ${bytes * 8} bits`);
    const rsaKey = new pkijs.RSAPublicKey({ modulus: unsignedInteger(modulus), publicExponent: unsignedInteger(exponent) });
    const der = spki(OID_RSA_ENCRYPTION, new asn1js.Null(), new Uint8Array(rsaKey.toSchema().toBER(false)));
    await check(der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' });
    return der;
  }
  throw new CardError(CardErrorCode.ALGORITHM_UNSUPPORTED, `Algorithm ${algorithm} is not an asymmetric PIV algorithm`, { algorithm });
}

async function check(der: Uint8Array, params: EcKeyImportParams | RsaHashedImportParams): Promise<void> {
  try {
    await crypto.subtle.importKey('spki', new Uint8Array(der), params, true, ['verify']);
  } catch (error) {
    if (isCardError(error)) throw error;
    throw invalid(error instanceof Error ? error.message : String(error));
  }
}
