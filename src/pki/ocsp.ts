/**
 * OCSP responder side (RFC 6960): parse requests, match them to the issuing CA, and build signed
 * `BasicOCSPResponse`s. The structures are pkijs objects throughout; nothing here writes DER by hand.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual } from '../bytes.js';
import { fromSchema, toArrayBuffer, toDer, wholeSeconds } from './der.js';
import { PkiError, PkiErrorCode } from './errors.js';
import { hashForSigningKey } from './key-algorithms.js';
import { OID_OCSP_BASIC, OID_OCSP_NONCE, OID_SHA1, OID_SHA256, OID_SHA384, OID_SHA512 } from './oids.js';
import { REVOCATION_REASON_CODES, type RevocationReason } from './revocation-reason.js';

/** OCSPResponseStatus (RFC 6960 §4.2.1). */
export const OcspResponseStatus = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
} as const;
export type OcspResponseStatus = (typeof OcspResponseStatus)[keyof typeof OcspResponseStatus];

/** Most single requests one OCSP request may carry; more is refused as malformed (resource bound). */
export const MAX_OCSP_SINGLE_REQUESTS = 16;
/** Largest nonce extension value echoed (RFC 8954 §2.1 allows 1–32 octets of nonce; a little slack for the OCTET STRING). */
const MAX_NONCE_EXTENSION_LENGTH = 64;

/** A parsed OCSP request: its CertIDs and the nonce extension to echo, if any. */
export interface ParsedOcspRequest {
  readonly certIds: readonly pkijs.CertID[];
  /** The request's nonce extension (RFC 6960 §4.4.1), to be copied into the response unchanged. */
  readonly nonce: pkijs.Extension | undefined;
}

function malformed(message: string): PkiError {
  return new PkiError(PkiErrorCode.OCSP_REQUEST_MALFORMED, message);
}

/** Parses a DER `OCSPRequest` (RFC 6960 §4.1.1); throws `OCSP_REQUEST_MALFORMED` for anything else. */
export function parseOcspRequest(der: Uint8Array): ParsedOcspRequest {
  const request = fromSchema(der, PkiErrorCode.OCSP_REQUEST_MALFORMED, 'OCSP request', (schema) => new pkijs.OCSPRequest({ schema }));
  const list = request.tbsRequest.requestList;
  if (list.length === 0) throw malformed('OCSP request lists no certificates');
  if (list.length > MAX_OCSP_SINGLE_REQUESTS) throw malformed(`OCSP request lists more than ${MAX_OCSP_SINGLE_REQUESTS} certificates`);
  const nonce = request.tbsRequest.requestExtensions?.find((extension) => extension.extnID === OID_OCSP_NONCE);
  if (nonce) {
    const length = nonce.extnValue.valueBlock.valueHexView.length;
    if (length === 0 || length > MAX_NONCE_EXTENSION_LENGTH) throw malformed('OCSP nonce has an unacceptable length');
  }
  return { certIds: list.map((entry) => entry.reqCert), nonce };
}

const HASHES: Readonly<Record<string, string>> = {
  [OID_SHA1]: 'SHA-1', // RFC 6960 §4.1.1: SHA-1 is what most clients still send
  [OID_SHA256]: 'SHA-256',
  [OID_SHA384]: 'SHA-384',
  [OID_SHA512]: 'SHA-512',
};

/** Precomputed issuer hashes of one CA, per CertID hash algorithm. */
export class IssuerMatcher {
  private readonly cache = new Map<string, Promise<{ name: Uint8Array; key: Uint8Array }>>();

  constructor(private readonly issuer: pkijs.Certificate) {}

  /**
   * True when the CertID names this issuer: issuerNameHash over the DER of the issuer's subject and
   * issuerKeyHash over its subjectPublicKey value (RFC 6960 §4.1.1). Unknown hash algorithms never match.
   */
  async matches(certId: pkijs.CertID): Promise<boolean> {
    const oid = certId.hashAlgorithm.algorithmId;
    const hash = HASHES[oid];
    if (!hash) return false;
    let hashes = this.cache.get(oid);
    if (!hashes) {
      hashes = this.compute(hash);
      this.cache.set(oid, hashes);
    }
    const { name, key } = await hashes;
    return (
      bytesEqual(certId.issuerNameHash.valueBlock.valueHexView, name) && bytesEqual(certId.issuerKeyHash.valueBlock.valueHexView, key)
    );
  }

  private async compute(hash: string): Promise<{ name: Uint8Array; key: Uint8Array }> {
    const nameDer = toDer(this.issuer.subject.toSchema());
    const keyBits = this.issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView.slice();
    const [name, key] = await Promise.all([crypto.subtle.digest(hash, toArrayBuffer(nameDer)), crypto.subtle.digest(hash, keyBits)]);
    return { name: new Uint8Array(name), key: new Uint8Array(key) };
  }
}

/** The status of one certificate as the responder reports it (RFC 6960 §2.2). */
export type OcspCertStatus =
  | { readonly kind: 'good' }
  | { readonly kind: 'revoked'; readonly revokedAt: Date; readonly reason: RevocationReason }
  | { readonly kind: 'unknown' };

/** One answer: the CertID as asked, its status and the validity interval of this answer. */
export interface OcspAnswer {
  readonly certId: pkijs.CertID;
  readonly status: OcspCertStatus;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

/** The delegated responder: its certificate (issued by the CA, EKU OCSPSigning) and private key. */
export interface OcspResponder {
  readonly certificate: pkijs.Certificate;
  readonly key: CryptoKey;
}

/** CertStatus CHOICE (RFC 6960 §4.2.1) as an asn1js value. */
function certStatusSchema(status: OcspCertStatus): asn1js.AsnType {
  switch (status.kind) {
    case 'good': // good [0] IMPLICIT NULL
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
    case 'unknown': // unknown [2] IMPLICIT UnknownInfo (NULL)
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
    case 'revoked': {
      // revoked [1] IMPLICIT RevokedInfo ::= SEQUENCE { revocationTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
      const code = REVOCATION_REASON_CODES[status.reason];
      const value: asn1js.AsnType[] = [new asn1js.GeneralizedTime({ valueDate: wholeSeconds(status.revokedAt) })];
      if (code !== 0) {
        value.push(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Enumerated({ value: code })] }));
      }
      return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value });
    }
  }
}

/** SHA-1 of the responder's subjectPublicKey value: ResponderID byKey (RFC 6960 §4.2.1). */
async function responderKeyHash(certificate: pkijs.Certificate): Promise<Uint8Array> {
  const key = certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView.slice();
  return new Uint8Array(await crypto.subtle.digest('SHA-1', key));
}

/**
 * Builds a successful, signed OCSP response: responderID byKey, producedAt, one SingleResponse per answer,
 * the nonce echoed (RFC 6960 §4.4.1), and the responder's certificate in `certs` so clients can check the
 * delegation (§4.2.2.2). Returns the DER `OCSPResponse`.
 */
export async function buildOcspResponse(input: {
  readonly responder: OcspResponder;
  readonly producedAt: Date;
  readonly answers: readonly OcspAnswer[];
  readonly nonce?: pkijs.Extension | undefined;
}): Promise<Uint8Array> {
  const responses = input.answers.map(
    (answer) =>
      new pkijs.SingleResponse({
        certID: answer.certId,
        certStatus: certStatusSchema(answer.status),
        thisUpdate: wholeSeconds(answer.thisUpdate),
        nextUpdate: wholeSeconds(answer.nextUpdate),
      }),
  );
  const keyHash = await responderKeyHash(input.responder.certificate);
  const tbsResponseData = new pkijs.ResponseData({
    responderID: new asn1js.OctetString({ valueHex: toArrayBuffer(keyHash) }),
    producedAt: wholeSeconds(input.producedAt),
    responses,
    ...(input.nonce ? { responseExtensions: [input.nonce] } : {}),
  });
  const basic = new pkijs.BasicOCSPResponse({ tbsResponseData, certs: [input.responder.certificate] });
  await basic.sign(input.responder.key, hashForSigningKey(input.responder.key));
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: OcspResponseStatus.successful }),
    responseBytes: new pkijs.ResponseBytes({
      responseType: OID_OCSP_BASIC, // RFC 6960 §4.2.1: id-pkix-ocsp-basic
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
    }),
  });
  return toDer(response.toSchema());
}

/** An unsuccessful OCSP response: status only, no responseBytes (RFC 6960 §4.2.1, §2.3). */
export function buildOcspErrorResponse(status: Exclude<OcspResponseStatus, 0>): Uint8Array {
  return toDer(new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: status }) }).toSchema());
}
