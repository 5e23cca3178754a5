import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toHex } from '../bytes.js';
import { toArrayBuffer } from './der.js';
import { PkiError, PkiErrorCode } from './errors.js';
import { buildOcspErrorResponse, buildOcspResponse, IssuerMatcher, OcspResponseStatus, parseOcspRequest } from './ocsp.js';
import { buildOcspRequest, parseOcspResponse, responseNonce } from './ocsp-client.js';
import { integerToSerialHex } from './serial.js';
import { createTestCa } from './test-ca.js';

describe('OCSP', () => {
  it('parses a request, matches the issuer for SHA-1 and SHA-256 CertIDs, and not for another CA', async () => {
    const ca = await createTestCa();
    const other = await createTestCa('P-256');
    const leaf = await ca.issue();
    const matcher = new IssuerMatcher(ca.certificate);
    for (const hashAlgorithm of ['SHA-1', 'SHA-256'] as const) {
      const parsed = parseOcspRequest(await buildOcspRequest({ certificate: leaf.certificate, issuer: ca.certificate, hashAlgorithm }));
      assert.equal(parsed.certIds.length, 1);
      assert.equal(integerToSerialHex(parsed.certIds[0]!.serialNumber), toHex(leaf.serial));
      assert.ok(await matcher.matches(parsed.certIds[0]!));
    }
    const foreign = parseOcspRequest(await buildOcspRequest({ certificate: leaf.certificate, issuer: other.certificate }));
    assert.equal(await matcher.matches(foreign.certIds[0]!), false);
  });

  it('builds a response pkijs verifies as from a delegated responder, with status and echoed nonce', async () => {
    const ca = await createTestCa();
    const good = await ca.issue();
    const revoked = await ca.issue();
    const nonce = crypto.getRandomValues(new Uint8Array(16));
    const request = new pkijs.OCSPRequest({
      schema: asn1js.fromBER(await buildOcspRequest({ certificate: good.certificate, issuer: ca.certificate, nonce })).result,
    });
    request.tbsRequest.requestList.push(
      ...new pkijs.OCSPRequest({
        schema: asn1js.fromBER(await buildOcspRequest({ certificate: revoked.certificate, issuer: ca.certificate })).result,
      }).tbsRequest.requestList,
    );
    const parsed = parseOcspRequest(new Uint8Array(request.toSchema(true).toBER(false)));
    const now = new Date();
    const der = await buildOcspResponse({
      responder: { certificate: ca.ocspCertificate, key: ca.ocspKey },
      producedAt: now,
      nonce: parsed.nonce,
      answers: [
        { certId: parsed.certIds[0]!, status: { kind: 'good' }, thisUpdate: now, nextUpdate: new Date(now.getTime() + 3600_000) },
        {
          certId: parsed.certIds[1]!,
          status: { kind: 'revoked', revokedAt: now, reason: 'keyCompromise' },
          thisUpdate: now,
          nextUpdate: new Date(now.getTime() + 3600_000),
        },
      ],
    });
    const response = parseOcspResponse(der);
    assert.equal(response.status, OcspResponseStatus.successful);
    const basic = response.basic!;
    assert.ok(await basic.verify({ trustedCerts: [ca.certificate] }), 'delegated responder accepted');
    assert.equal(toHex(responseNonce(basic)!), toHex(nonce));
    assert.equal((await basic.getCertificateStatus(good.certificate, ca.certificate)).status, 0);
    assert.equal((await basic.getCertificateStatus(revoked.certificate, ca.certificate)).status, 1);
  });

  it('builds status-only error responses', () => {
    const response = parseOcspResponse(buildOcspErrorResponse(OcspResponseStatus.malformedRequest));
    assert.equal(response.status, 1);
    assert.equal(response.basic, undefined);
  });

  it('refuses malformed requests with OCSP_REQUEST_MALFORMED', async () => {
    const ca = await createTestCa('P-256');
    const leaf = await ca.issue();
    const der = await buildOcspRequest({ certificate: leaf.certificate, issuer: ca.certificate });
    for (const sample of [new Uint8Array(0), der.subarray(0, 10), new Uint8Array([...der, 0]), new Uint8Array([0x30, 0x00])]) {
      assert.throws(() => parseOcspRequest(sample), (error: unknown) => error instanceof PkiError && error.code === PkiErrorCode.OCSP_REQUEST_MALFORMED);
    }
    const many = new pkijs.OCSPRequest({ schema: asn1js.fromBER(der).result });
    const one = many.tbsRequest.requestList[0]!;
    many.tbsRequest.requestList = Array.from({ length: 17 }, () => one);
    assert.throws(() => parseOcspRequest(new Uint8Array(many.toSchema(true).toBER(false))), PkiError);
  });

  it('refuses trailing bytes after the basic response and after the echoed nonce', async () => {
    const nonce = new Uint8Array(32).fill(9);
    const basic = new pkijs.BasicOCSPResponse();
    const echoed = new Uint8Array(new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }).toBER(false));
    basic.tbsResponseData.responseExtensions = [new pkijs.Extension({ extnID: '1.3.6.1.5.5.7.48.1.2', extnValue: toArrayBuffer(Uint8Array.from([...echoed, 0])) })];
    assert.notEqual(toHex(responseNonce(basic)!), toHex(nonce), 'a nonce with bytes after it does not match');
    basic.tbsResponseData.responseExtensions = [new pkijs.Extension({ extnID: '1.3.6.1.5.5.7.48.1.2', extnValue: toArrayBuffer(echoed) })];
    assert.equal(toHex(responseNonce(basic)!), toHex(nonce));

    const ca = await createTestCa('P-256');
    const leaf = await ca.issue();
    const parsed = parseOcspRequest(await buildOcspRequest({ certificate: leaf.certificate, issuer: ca.certificate }));
    const now = new Date();
    const der = await buildOcspResponse({
      responder: { certificate: ca.ocspCertificate, key: ca.ocspKey },
      producedAt: now,
      nonce: undefined,
      answers: [{ certId: parsed.certIds[0]!, status: { kind: 'good' }, thisUpdate: now, nextUpdate: new Date(now.getTime() + 3600_000) }],
    });
    const inner = new pkijs.OCSPResponse({ schema: asn1js.fromBER(der).result }).responseBytes!.response.valueBlock.valueHexView;
    const wrap = (bytes: Uint8Array): Uint8Array =>
      new Uint8Array(
        new pkijs.OCSPResponse({
          responseStatus: new asn1js.Enumerated({ value: 0 }),
          responseBytes: new pkijs.ResponseBytes({ responseType: '1.3.6.1.5.5.7.48.1.1', response: new asn1js.OctetString({ valueHex: toArrayBuffer(bytes) }) }),
        })
          .toSchema()
          .toBER(false),
      );
    assert.ok(parseOcspResponse(wrap(inner)).basic, 'the re-wrapped response itself is fine');
    assert.throws(
      () => parseOcspResponse(wrap(Uint8Array.from([...inner, 0x05, 0x00]))),
      (error: unknown) => error instanceof PkiError && error.code === PkiErrorCode.OCSP_RESPONSE_MALFORMED && /trailing/.test(error.message),
    );
    assert.throws(() => parseOcspResponse(Uint8Array.from([...der, 0])), { code: PkiErrorCode.OCSP_RESPONSE_MALFORMED });
  });
});
