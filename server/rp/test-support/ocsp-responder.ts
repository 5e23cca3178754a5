/**
 * A test OCSP responder (RFC 6960) on 127.0.0.1, port 0, that can also misbehave on purpose (wrong nonce,
 * no nonce, a signer the CA never delegated to, "tryLater") so the relying party's checks can be seen to
 * refuse it. Test-only: the real responder is the CA's.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toHex } from '../../../src/bytes.js';
import { type TestCertificate } from './test-pki.js';

const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

/** Certificate status as the responder reports it. */
export type OcspStatus = 'good' | 'revoked' | 'unknown';

/** Ways the responder can misbehave. */
export type OcspMisbehaviour =
  | 'none'
  | 'wrong-nonce'
  | 'no-nonce'
  | 'try-later'
  | 'stale'
  | 'garbage'
  /** Signed and otherwise right, but with bytes after the basic response's DER inside its OCTET STRING. */
  | 'trailing-basic'
  /** Signed and otherwise right, but with bytes after the echoed nonce's OCTET STRING in its extension. */
  | 'trailing-nonce';

/** A running test responder. */
export interface TestOcspResponder {
  readonly url: string;
  /** Status per canonical hex serial; serials not listed answer `unknown`. */
  readonly statuses: Map<string, OcspStatus>;
  /** Current misbehaviour (default `none`). */
  misbehaviour: OcspMisbehaviour;
  /** How many requests it has answered. */
  readonly requestCount: () => number;
  close(): Promise<void>;
}

function certStatus(status: OcspStatus): asn1js.BaseBlock {
  // RFC 6960 §4.2.1 CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT UnknownInfo }
  if (status === 'revoked') {
    return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [new asn1js.GeneralizedTime({ valueDate: new Date(Date.now() - 3_600_000) })] });
  }
  return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: status === 'good' ? 0 : 2 } });
}

function readBody(request: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    request.on('error', reject);
  });
}

/** Starts a responder answering for certificates of `issuer`, signing with `signer` (default: the issuer). */
export async function startTestOcspResponder(options: { issuer: TestCertificate; signer?: TestCertificate }): Promise<TestOcspResponder> {
  const signer = options.signer ?? options.issuer;
  if (!signer.key) throw new Error('the OCSP signer needs a private key');
  const signingKey = signer.key;
  const statuses = new Map<string, OcspStatus>();
  let count = 0;
  const state = { misbehaviour: 'none' as OcspMisbehaviour };

  async function answer(body: Uint8Array): Promise<Uint8Array> {
    const request = pkijs.OCSPRequest.fromBER(Uint8Array.from(body));
    const reqCert = request.tbsRequest.requestList[0]!.reqCert;
    if (state.misbehaviour === 'try-later') {
      return new Uint8Array(new pkijs.OCSPResponse({ responseStatus: new asn1js.Enumerated({ value: 3 }) }).toSchema().toBER(false));
    }
    const serial = toHex(reqCert.serialNumber.valueBlock.valueHexView).replace(/^(?:00)+(?=..)/, '');
    const now = new Date();
    const thisUpdate = state.misbehaviour === 'stale' ? new Date(now.getTime() - 3 * 86_400_000) : new Date(now.getTime() - 60_000);
    const nextUpdate = new Date(thisUpdate.getTime() + 86_400_000);
    const basic = new pkijs.BasicOCSPResponse();
    basic.tbsResponseData.responderID = signer.cert.subject;
    basic.tbsResponseData.producedAt = now;
    basic.tbsResponseData.responses = [new pkijs.SingleResponse({ certID: reqCert, certStatus: certStatus(statuses.get(serial) ?? 'unknown'), thisUpdate, nextUpdate })];
    const requestNonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === OID_OCSP_NONCE);
    if (requestNonce && state.misbehaviour !== 'no-nonce') {
      const echoed = requestNonce.extnValue.valueBlock.valueHexView;
      const value =
        state.misbehaviour === 'wrong-nonce'
          ? new asn1js.OctetString({ valueHex: new Uint8Array(32).fill(7).buffer }).toBER(false)
          : state.misbehaviour === 'trailing-nonce'
            ? Uint8Array.from([...echoed, 0x00, 0x00]).buffer
            : echoed.slice().buffer;
      basic.tbsResponseData.responseExtensions = [new pkijs.Extension({ extnID: OID_OCSP_NONCE, extnValue: value })];
    }
    const basicBytes = (signed: pkijs.BasicOCSPResponse): ArrayBuffer => {
      const der = new Uint8Array(signed.toSchema().toBER(false));
      return state.misbehaviour === 'trailing-basic' ? Uint8Array.from([...der, 0x05, 0x00]).buffer : der.buffer;
    };
    if (signer !== options.issuer) basic.certs = [signer.cert];
    await basic.sign(signingKey.privateKey, 'SHA-256');
    const response = new pkijs.OCSPResponse({
      responseStatus: new asn1js.Enumerated({ value: 0 }),
      responseBytes: new pkijs.ResponseBytes({ responseType: OID_OCSP_BASIC, response: new asn1js.OctetString({ valueHex: basicBytes(basic) }) }),
    });
    return new Uint8Array(response.toSchema().toBER(false));
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    count++;
    readBody(request)
      .then(async (body) => {
        const der = state.misbehaviour === 'garbage' ? new Uint8Array([0x30, 0x03, 0x0a, 0x01]) : await answer(body);
        response.writeHead(200, { 'content-type': 'application/ocsp-response' });
        response.end(der);
      })
      .catch((error: unknown) => {
        response.writeHead(400, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/ocsp`,
    statuses,
    get misbehaviour() {
      return state.misbehaviour;
    },
    set misbehaviour(value: OcspMisbehaviour) {
      state.misbehaviour = value;
    },
    requestCount: () => count,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
