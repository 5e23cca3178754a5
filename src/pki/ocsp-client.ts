/**
 * OCSP client side (RFC 6960): build a request for one certificate and read a response. Used by the CA's
 * tests and by relying parties that ask the responder directly.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { fromSchema, toArrayBuffer, toDer } from './der.js';
import { PkiError, PkiErrorCode } from './errors.js';
import { OID_OCSP_BASIC, OID_OCSP_NONCE } from './oids.js';
import { decodeBer } from './der.js';

/**
 * A DER `OCSPRequest` for `certificate` issued by `issuer`. With a nonce, the request carries the
 * id-pkix-ocsp-nonce extension whose value is an OCTET STRING of the nonce (RFC 8954 §2.1).
 */
export async function buildOcspRequest(input: {
  readonly certificate: pkijs.Certificate;
  readonly issuer: pkijs.Certificate;
  readonly hashAlgorithm?: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
  readonly nonce?: Uint8Array;
}): Promise<Uint8Array> {
  const certId = new pkijs.CertID();
  await certId.createForCertificate(input.certificate, { hashAlgorithm: input.hashAlgorithm ?? 'SHA-1', issuerCertificate: input.issuer });
  const request = new pkijs.OCSPRequest();
  request.tbsRequest.requestList = [new pkijs.Request({ reqCert: certId })];
  if (input.nonce) {
    const value = new asn1js.OctetString({ valueHex: toArrayBuffer(input.nonce) });
    request.tbsRequest.requestExtensions = [new pkijs.Extension({ extnID: OID_OCSP_NONCE, extnValue: value.toBER(false) })];
  }
  return toDer(request.toSchema(true));
}

/** A parsed OCSP response: its status and, when successful, the basic response inside. */
export interface ParsedOcspResponse {
  readonly status: number;
  readonly basic: pkijs.BasicOCSPResponse | undefined;
}

/** Parses a DER `OCSPResponse` (RFC 6960 §4.2.1); throws `OCSP_RESPONSE_MALFORMED` otherwise. */
export function parseOcspResponse(der: Uint8Array): ParsedOcspResponse {
  const response = fromSchema(der, PkiErrorCode.OCSP_RESPONSE_MALFORMED, 'OCSP response', (schema) => new pkijs.OCSPResponse({ schema }));
  const status = response.responseStatus.valueBlock.valueDec;
  if (!response.responseBytes) return { status, basic: undefined };
  if (response.responseBytes.responseType !== OID_OCSP_BASIC) {
    throw new PkiError(PkiErrorCode.OCSP_RESPONSE_MALFORMED, `unsupported OCSP response type ${response.responseBytes.responseType}`);
  }
  const inner = response.responseBytes.response.valueBlock.valueHexView;
  const basic = fromSchema(inner, PkiErrorCode.OCSP_RESPONSE_MALFORMED, 'basic OCSP response', (schema) => new pkijs.BasicOCSPResponse({ schema }));
  return { status, basic };
}

/** The nonce a basic response echoes (the OCTET STRING inside the extension), or `undefined`. */
export function responseNonce(basic: pkijs.BasicOCSPResponse): Uint8Array | undefined {
  const extension = basic.tbsResponseData.responseExtensions?.find((entry) => entry.extnID === OID_OCSP_NONCE);
  if (!extension) return undefined;
  const bytes = extension.extnValue.valueBlock.valueHexView;
  const inner = decodeBer(bytes);
  // RFC 8954 §2.1: exactly one OCTET STRING. Anything else (including one with bytes after it) is returned
  // raw, so it can never compare equal to the nonce that was sent.
  if (inner.offset !== bytes.length || !(inner.result instanceof asn1js.OctetString)) return bytes.slice();
  return inner.result.valueBlock.valueHexView.slice();
}
