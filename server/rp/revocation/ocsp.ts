/**
 * OCSP as a relying party (RFC 6960) with a nonce (RFC 8954): ask the responder about one certificate and
 * accept only a response that is signed by the issuing CA or by a responder the CA delegated to
 * (id-kp-OCSPSigning), echoes our nonce, and is current. Fails closed.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { bytesEqual } from '../../../src/bytes.js';
import { AuthError, AuthErrorCode } from '../../../src/protocol/errors.js';
import { readLimited } from './options.js';
import { decodeBer } from '../../../src/pki/der.js';

const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1'; // RFC 6960 §4.2.1 id-pkix-ocsp-basic
const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2'; // RFC 6960 §4.4.1 id-pkix-ocsp-nonce
const OID_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9'; // RFC 6960 §4.2.2.2 id-kp-OCSPSigning
const OID_AIA = '1.3.6.1.5.5.7.1.1'; // RFC 5280 §4.2.2.1
const OID_AD_OCSP = '1.3.6.1.5.5.7.48.1';
const OID_EXT_KEY_USAGE = '2.5.29.37';

/** Input of `checkOcsp`. */
export interface OcspCheckInput {
  readonly certificate: pkijs.Certificate;
  readonly issuer: pkijs.Certificate;
  /** Responder URL; defaults to the certificate's AIA id-ad-ocsp URL. */
  readonly url?: string;
  readonly now: Date;
  readonly timeoutMs?: number;
  readonly maxSkewMs?: number;
}

function failed(message: string): AuthError {
  return new AuthError(AuthErrorCode.REVOCATION_CHECK_FAILED, `OCSP: ${message}`);
}

function copy(view: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(view.length);
  out.set(view);
  return out;
}

/** The first http(s) id-ad-ocsp URL of the certificate's AuthorityInfoAccess, if any. */
export function ocspUrlOf(cert: pkijs.Certificate): string | undefined {
  const aia = cert.extensions?.find((e) => e.extnID === OID_AIA)?.parsedValue as pkijs.InfoAccess | undefined;
  for (const description of aia?.accessDescriptions ?? []) {
    const location = description.accessLocation;
    if (description.accessMethod === OID_AD_OCSP && location.type === 6 && typeof location.value === 'string' && /^https?:\/\//.test(location.value)) {
      return location.value;
    }
  }
  return undefined;
}

async function buildRequest(certificate: pkijs.Certificate, issuer: pkijs.Certificate, nonce: Uint8Array): Promise<{ der: Uint8Array; certId: pkijs.CertID }> {
  const certId = new pkijs.CertID();
  // SHA-1 CertID: what RFC 5019 profile responders must support (hash of names, not a signature).
  await certId.createForCertificate(certificate, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer });
  const request = new pkijs.OCSPRequest();
  request.tbsRequest.requestList = [new pkijs.Request({ reqCert: certId })];
  const value = new asn1js.OctetString({ valueHex: copy(nonce).buffer }); // RFC 8954 §2.1: OCTET STRING, 1–32 octets
  request.tbsRequest.requestExtensions = [new pkijs.Extension({ extnID: OID_OCSP_NONCE, extnValue: value.toBER(false) })];
  return { der: new Uint8Array(request.toSchema(true).toBER(false)), certId };
}

function parseResponse(der: Uint8Array): pkijs.BasicOCSPResponse {
  const outer = decodeBer(der);
  if (outer.offset !== der.length) throw failed('response is not DER');
  let response: pkijs.OCSPResponse;
  try {
    response = new pkijs.OCSPResponse({ schema: outer.result });
  } catch (error) {
    throw failed(`response is not an OCSPResponse: ${(error as Error).message}`);
  }
  const status = response.responseStatus.valueBlock.valueDec;
  if (status !== 0) throw failed(`responder answered status ${status} (RFC 6960 §4.2.1: not successful)`);
  if (response.responseBytes?.responseType !== OID_OCSP_BASIC) throw failed('response is not a basic OCSP response');
  const innerBytes = response.responseBytes.response.valueBlock.valueHexView;
  const inner = decodeBer(innerBytes);
  if (inner.offset === -1) throw failed('basic response is not DER');
  // One complete value, nothing after it (X.690 §8.1.1): trailing bytes are outside the signed structure.
  if (inner.offset !== innerBytes.length) throw failed(`basic response has ${innerBytes.length - inner.offset} trailing bytes after its DER`);
  try {
    return new pkijs.BasicOCSPResponse({ schema: inner.result });
  } catch (error) {
    throw failed(`basic response is malformed: ${(error as Error).message}`);
  }
}

function responseNonce(basic: pkijs.BasicOCSPResponse): Uint8Array | undefined {
  const extension = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OID_OCSP_NONCE);
  if (!extension) return undefined;
  const bytes = extension.extnValue.valueBlock.valueHexView;
  const inner = decodeBer(bytes);
  // RFC 8954 §2.1: the extension's value is exactly one OCTET STRING; anything else echoes no nonce.
  if (inner.offset !== bytes.length || !(inner.result instanceof asn1js.OctetString)) return undefined;
  return inner.result.valueBlock.valueHexView;
}

async function matchesResponderId(cert: pkijs.Certificate, responderId: unknown): Promise<boolean> {
  if (responderId instanceof pkijs.RelativeDistinguishedNames) return cert.subject.isEqual(responderId);
  if (responderId instanceof asn1js.OctetString) {
    // RFC 6960 §4.2.1 KeyHash: SHA-1 of the subjectPublicKey BIT STRING value.
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-1', copy(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)));
    return bytesEqual(hash, responderId.valueBlock.valueHexView);
  }
  return false;
}

function hasOcspSigning(cert: pkijs.Certificate): boolean {
  const eku = cert.extensions?.find((e) => e.extnID === OID_EXT_KEY_USAGE)?.parsedValue as pkijs.ExtKeyUsage | undefined;
  return eku?.keyPurposes.includes(OID_OCSP_SIGNING) ?? false;
}

/** RFC 6960 §4.2.2.2: the CA itself, or a certificate the CA issued with id-kp-OCSPSigning, valid now. */
async function authorisedSigner(basic: pkijs.BasicOCSPResponse, issuer: pkijs.Certificate, now: Date): Promise<pkijs.Certificate> {
  const responderId: unknown = basic.tbsResponseData.responderID;
  if (await matchesResponderId(issuer, responderId)) return issuer;
  for (const candidate of basic.certs ?? []) {
    if (!(await matchesResponderId(candidate, responderId))) continue;
    if (!candidate.issuer.isEqual(issuer.subject) || !(await candidate.verify(issuer))) throw failed('responder certificate is not issued by the CA');
    if (!hasOcspSigning(candidate)) throw failed('responder certificate lacks id-kp-OCSPSigning');
    if (now < candidate.notBefore.value || now > candidate.notAfter.value) throw failed('responder certificate is not valid now');
    return candidate;
  }
  throw failed('response is not signed by the CA or a delegated responder it issued');
}

/**
 * Asks the responder and resolves if the certificate is `good`. Throws `CERTIFICATE_REVOKED` (revoked),
 * `REVOCATION_STATUS_UNKNOWN` (unknown) or `REVOCATION_CHECK_FAILED` (anything untrustworthy).
 */
export async function checkOcsp(input: OcspCheckInput): Promise<void> {
  const url = input.url ?? ocspUrlOf(input.certificate);
  if (url === undefined) throw failed('no responder URL (none configured, none in the certificate)');
  const nonce = crypto.getRandomValues(new Uint8Array(32));
  const { der, certId } = await buildRequest(input.certificate, input.issuer, nonce);
  let body: Uint8Array;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/ocsp-request', accept: 'application/ocsp-response' }, // RFC 6960 Appendix A.1
      body: copy(der),
      redirect: 'error',
      signal: AbortSignal.timeout(input.timeoutMs ?? 5000),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw failed(`HTTP ${response.status}`);
    }
    body = await readLimited(response);
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw failed(`responder unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  const basic = parseResponse(body);
  const signer = await authorisedSigner(basic, input.issuer, input.now);
  const engine = pkijs.getEngine().crypto;
  if (!engine) throw failed('no crypto engine');
  const signatureOk = await engine.verifyWithPublicKey(copy(basic.tbsResponseData.tbsView), basic.signature, signer.subjectPublicKeyInfo, basic.signatureAlgorithm);
  if (!signatureOk) throw failed('response signature does not verify');
  const echoed = responseNonce(basic);
  if (!echoed || !bytesEqual(echoed, nonce)) throw failed('response does not echo our nonce (RFC 8954: replay protection)');
  const single = await findSingle(basic, certId);
  const skew = input.maxSkewMs ?? 5 * 60 * 1000;
  const now = input.now.getTime();
  // RFC 6960 §3.2 (4), (5): thisUpdate sufficiently recent; nextUpdate, when set, not passed.
  if (single.thisUpdate.getTime() > now + skew) throw failed('response thisUpdate is in the future');
  if (single.nextUpdate && single.nextUpdate.getTime() < now - skew) throw failed('response is past its nextUpdate');
  const status = (single.certStatus as asn1js.BaseBlock).idBlock.tagNumber; // CertStatus CHOICE [0] good [1] revoked [2] unknown
  if (status === 0) return;
  if (status === 1) {
    throw new AuthError(AuthErrorCode.CERTIFICATE_REVOKED, 'the OCSP responder reports the certificate revoked');
  }
  throw new AuthError(AuthErrorCode.REVOCATION_STATUS_UNKNOWN, 'the OCSP responder does not know the certificate');
}

async function findSingle(basic: pkijs.BasicOCSPResponse, certId: pkijs.CertID): Promise<pkijs.SingleResponse> {
  for (const single of basic.tbsResponseData.responses) {
    if (single.certID.isEqual(certId)) return single;
  }
  await Promise.resolve();
  throw failed('response has no status for our certificate');
}
