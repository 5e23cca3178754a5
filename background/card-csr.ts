/**
 * A PKCS#10 certification request (RFC 2986) signed by the card's own new key: pkijs encodes the
 * CertificationRequestInfo, the card signs its digest (GENERAL AUTHENTICATE, SP 800-73-4 Part 2 §3.2.4),
 * and pkijs wraps the signature. The private key never leaves the card; the CA checks proof of possession.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { rawToDerEcdsa } from '../src/crypto/ecdsa-signature.js';
import { type EnrollAlgorithm } from '../src/message-results.js';
import { fromSchema, toArrayBuffer, toDer } from '../src/pki/der.js';
import { PkiErrorCode } from '../src/pki/errors.js';
import { OID_ECDSA_WITH_SHA256, OID_ECDSA_WITH_SHA384, OID_SHA256_WITH_RSA } from '../src/pki/oids.js';
import { digest } from '../src/protocol/signed-data.js';
import { type TokenSignature } from '../src/protocol/token-builder.js';

/** Signature algorithm and hash of the CSR for each enroll algorithm. */
const PROFILES: Readonly<Record<EnrollAlgorithm, { oid: string; hash: 'SHA-256' | 'SHA-384'; nullParams: boolean }>> = {
  ES256: { oid: OID_ECDSA_WITH_SHA256, hash: 'SHA-256', nullParams: false }, // RFC 5758 §3.2: parameters absent
  ES384: { oid: OID_ECDSA_WITH_SHA384, hash: 'SHA-384', nullParams: false },
  RS256: { oid: OID_SHA256_WITH_RSA, hash: 'SHA-256', nullParams: true }, // RFC 4055 §5: parameters NULL
};

/** pkijs keeps `encodeTBS` protected; this request exposes the CertificationRequestInfo DER for the card to sign. */
class CardCertificationRequest extends pkijs.CertificationRequest {
  /** DER of CertificationRequestInfo (RFC 2986 §4.1), the bytes the signature covers. */
  encodeInfo(): Uint8Array {
    return toDer(this.encodeTBS());
  }
}

/** Builds the CSR for `spki` (DER); `sign` signs a digest with the card's key. Returns the CSR DER. */
export async function buildCardCsr(
  spki: Uint8Array,
  algorithm: EnrollAlgorithm,
  sign: (digest: Uint8Array) => Promise<TokenSignature>,
): Promise<Uint8Array> {
  const profile = PROFILES[algorithm];
  const request = new CardCertificationRequest();
  request.version = 0; // RFC 2986 §4.1
  request.subjectPublicKeyInfo = fromSchema(spki, PkiErrorCode.CERTIFICATE_MALFORMED, 'card public key', (schema) => new pkijs.PublicKeyInfo({ schema }));
  request.signatureAlgorithm = new pkijs.AlgorithmIdentifier({
    algorithmId: profile.oid,
    ...(profile.nullParams ? { algorithmParams: new asn1js.Null() } : {}),
  });
  request.tbsView = request.encodeInfo();
  const signature = await sign(await digest(profile.hash, request.tbsView));
  // An ECDSA signature in a CSR is a DER Ecdsa-Sig-Value (RFC 5480 §2.2 via RFC 3279 §2.2.3).
  const value = signature.encoding === 'ecdsa-der' || algorithm === 'RS256' ? signature.bytes : rawToDerEcdsa(signature.bytes);
  request.signatureValue = new asn1js.BitString({ valueHex: toArrayBuffer(value) });
  return toDer(request.toSchema());
}
