/**
 * The certificate data object of a key slot, SP 800-73-4 Part 1 Appendix A (Tables 15–19, e.g. "X.509
 * Certificate for PIV Authentication"): GET DATA returns 53 { 70 certificate, 71 CertInfo, FE LRC }.
 * CertInfo bit 0 set means the certificate is gzip-compressed (Part 1 §3.3.2 note) — refused here.
 */
import { CardError, CardErrorCode, isCardError } from '../../src/card-errors.js';
import { encodeTlv, findTlv, parseSingleTlv, parseTlvs, type Tlv } from '../../src/tlv.js';
import { CertContainerTag } from '../../src/piv/constants.js';

function malformed(why: string): CardError {
  return new CardError(CardErrorCode.CERTIFICATE_CONTAINER_MALFORMED, `Certificate container is malformed: ${why}`);
}

function parse<T>(read: () => T, what: string): T {
  try {
    return read();
  } catch (error) {
    if (isCardError(error, CardErrorCode.TLV_MALFORMED)) throw malformed(`${what}: ${error.message}`);
    throw error;
  }
}

/**
 * Unwraps a GET DATA response into the certificate's DER. Returns `null` for an empty container
 * (53 00, a slot whose certificate was deleted). Throws `CERTIFICATE_COMPRESSED` or
 * `CERTIFICATE_CONTAINER_MALFORMED`.
 */
export function unwrapCertificateContainer(response: Uint8Array): Uint8Array | null {
  const outer = parse(() => parseSingleTlv(response, CertContainerTag.DATA), 'data object 53');
  if (outer.value.length === 0) return null;
  const inner: Tlv[] = parse(() => parseTlvs(outer.value), 'contents of 53');
  const info = findTlv(inner, CertContainerTag.CERT_INFO);
  if (info !== undefined && info.length > 0 && (info[0]! & 0x01) !== 0) {
    throw new CardError(CardErrorCode.CERTIFICATE_COMPRESSED, 'The certificate on the card is compressed (CertInfo 01); kyotsu needs it stored uncompressed');
  }
  const certificate = findTlv(inner, CertContainerTag.CERTIFICATE);
  if (certificate === undefined) throw malformed('no certificate (tag 70)');
  if (certificate.length === 0) return null;
  // The certificate itself must be exactly one DER SEQUENCE (RFC 5280 §4.1).
  parse(() => parseSingleTlv(certificate, 0x30), 'certificate');
  return certificate.slice();
}

/** Wraps a DER certificate for PUT DATA: 53 { 70 cert, 71 00 (uncompressed), FE (empty LRC) }. */
export function wrapCertificateContainer(certificate: Uint8Array): Uint8Array {
  return encodeTlv(
    CertContainerTag.DATA,
    encodeTlv(CertContainerTag.CERTIFICATE, certificate),
    encodeTlv(CertContainerTag.CERT_INFO, Uint8Array.of(0x00)),
    encodeTlv(CertContainerTag.ERROR_DETECTION_CODE),
  );
}
