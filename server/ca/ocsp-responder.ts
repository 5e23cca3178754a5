/**
 * The OCSP responder (RFC 6960): answers from the store, signs with the delegated OCSP key. Malformed
 * requests get a `malformedRequest` response and store failures `tryLater` (§2.3), never an exception.
 */
import { PkiError } from '../../src/pki/errors.js';
import { buildOcspErrorResponse, buildOcspResponse, IssuerMatcher, OcspResponseStatus, parseOcspRequest, type OcspAnswer, type OcspCertStatus } from '../../src/pki/ocsp.js';
import { integerToSerialHex } from '../../src/pki/serial.js';
import type { CaKeys } from './keys/key-store.js';
import type { CaStore } from './store/types.js';

/** Answers OCSP requests for one CA. */
export class OcspResponder {
  private readonly matcher: IssuerMatcher;

  constructor(private readonly options: { store: CaStore; keys: CaKeys; validitySeconds: number; clock: () => Date }) {
    this.matcher = new IssuerMatcher(options.keys.caCertificate);
  }

  private async statusOf(certId: OcspAnswer['certId']): Promise<OcspCertStatus> {
    // RFC 6960 §2.2: "unknown" for an issuer this responder does not serve or a serial it never issued.
    if (!(await this.matcher.matches(certId))) return { kind: 'unknown' };
    let serial: string;
    try {
      serial = integerToSerialHex(certId.serialNumber);
    } catch (error) {
      if (error instanceof PkiError) return { kind: 'unknown' };
      throw error;
    }
    const record = await this.options.store.getCertificate(serial);
    if (!record) return { kind: 'unknown' };
    if (record.status === 'invalidated' && record.invalidatedAt && record.invalidationReason) {
      return { kind: 'revoked', revokedAt: record.invalidatedAt, reason: record.invalidationReason };
    }
    return { kind: 'good' };
  }

  /** A DER OCSPResponse for the DER OCSPRequest. */
  async respond(requestDer: Uint8Array): Promise<Uint8Array> {
    let request;
    try {
      request = parseOcspRequest(requestDer);
    } catch (error) {
      if (error instanceof PkiError) return buildOcspErrorResponse(OcspResponseStatus.malformedRequest);
      throw error;
    }
    const now = this.options.clock();
    const nextUpdate = new Date(now.getTime() + this.options.validitySeconds * 1000);
    let answers: OcspAnswer[];
    try {
      answers = [];
      for (const certId of request.certIds) answers.push({ certId, status: await this.statusOf(certId), thisUpdate: now, nextUpdate });
    } catch (error) {
      console.error(`kyotsu ca: OCSP lookup failed: ${(error as Error).message}`);
      return buildOcspErrorResponse(OcspResponseStatus.tryLater); // RFC 6960 §2.3: temporarily unable to respond
    }
    return buildOcspResponse({
      responder: { certificate: this.options.keys.ocspCertificate, key: this.options.keys.ocspKey },
      producedAt: now,
      answers,
      nonce: request.nonce, // RFC 6960 §4.4.1: echo the nonce
    });
  }
}
