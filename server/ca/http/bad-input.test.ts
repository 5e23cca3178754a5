/** Bad input gets a clear, typed error and writes nothing (checked in the store and its audit log). */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { fromBase64, toBase64 } from '../../../src/bytes.js';
import { buildCsr, generateEcKeyPair } from '../../../src/pki/csr-builder.js';
import { BACKENDS, HOLDER, issueVia, newCsr, startTestCa, type TestCa } from '../testing/fixture.js';
import { type IssuedTestHolder, loginProof } from '../testing/holder.js';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

for (const backend of BACKENDS) {
  describe(`CA API bad input (${backend})`, () => {
    let test: TestCa;
    let serial: string;
    let holder: IssuedTestHolder;
    let snapshot: { audit: number; certificates: { valid: number; invalidated: number }; outbox: number };

    async function takeSnapshot(): Promise<typeof snapshot> {
      return {
        audit: (await test.store.listAudit()).length,
        certificates: await test.store.countCertificates(),
        outbox: (await test.store.listDeliveries()).length,
      };
    }

    async function expectError(response: Promise<{ status: number; body: unknown }>, status: number, code: string): Promise<ErrorBody> {
      const { status: actual, body } = await response;
      assert.equal(actual, status, JSON.stringify(body));
      const error = body as ErrorBody;
      assert.equal(error.error.code, code);
      assert.ok(error.error.message.length > 0, 'a message says what was wrong');
      assert.deepEqual(await takeSnapshot(), snapshot, 'nothing was written');
      return error;
    }

    before(async () => {
      test = await startTestCa(backend, { services: [{ id: 'bank-a', displayName: 'Bank A', origins: ['https://bank-a.example'], webhookUrl: 'http://127.0.0.1:9/hook' }], webhooks: false });
      holder = await issueVia(test, 'bank-a');
      ({ serial } = holder);
      snapshot = await takeSnapshot();
    });
    after(async () => {
      await test.close();
    });

    const issue = (body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }> =>
      test.api('bank-a', 'POST', '/api/v1/certificates', body, headers);

    it('malformed CSR: not base64, not DER, not a request, trailing bytes → 400 CSR_MALFORMED', async () => {
      const good = fromBase64(await newCsr());
      await expectError(issue({ csr: 'not base64!', holder: HOLDER }), 400, 'CSR_MALFORMED');
      await expectError(issue({ csr: toBase64(new Uint8Array([1, 2, 3, 4])), holder: HOLDER }), 400, 'CSR_MALFORMED');
      await expectError(issue({ csr: toBase64(test.ca.caCertificate), holder: HOLDER }), 400, 'CSR_MALFORMED');
      await expectError(issue({ csr: toBase64(new Uint8Array([...good, 0])), holder: HOLDER }), 400, 'CSR_MALFORMED');
    });

    it('CSR with a broken proof of possession → 400 CSR_SIGNATURE_INVALID', async () => {
      const request = new pkijs.CertificationRequest({ schema: asn1js.fromBER(fromBase64(await newCsr())).result });
      await request.subjectPublicKeyInfo.importKey((await generateEcKeyPair()).publicKey); // someone else's key
      const forged = new Uint8Array(request.toSchema(true).toBER(false));
      await expectError(issue({ csr: toBase64(forged), holder: HOLDER }), 400, 'CSR_SIGNATURE_INVALID');
    });

    it('CSR with a key outside the profile → 400 CSR_KEY_UNSUPPORTED', async () => {
      const p521 = await buildCsr({ keyPair: await generateEcKeyPair('P-521'), hash: 'SHA-512' });
      const error = await expectError(issue({ csr: toBase64(p521), holder: HOLDER }), 400, 'CSR_KEY_UNSUPPORTED');
      assert.match(error.error.message, /P-256 or P-384/);
    });

    it('bad holder or shape → 400 INVALID_REQUEST naming the field', async () => {
      const csr = await newCsr();
      const cases: [unknown, string][] = [
        [{ csr, holder: { ...HOLDER, name: '' } }, 'holder.name'],
        [{ csr, holder: { ...HOLDER, name: 'x'.repeat(65) } }, 'holder.name'],
        [{ csr, holder: { ...HOLDER, name: 'Evil\nName' } }, 'holder.name'],
        [{ csr, holder: { ...HOLDER, email: 'not-an-email' } }, 'holder.email'],
        [{ csr, holder: { name: HOLDER.name, email: HOLDER.email } }, 'holder.address'],
        [{ csr }, 'holder'],
        [{ holder: HOLDER }, 'csr'],
        [{ csr, holder: HOLDER, admin: true }, 'admin'],
        [[csr], 'body'],
      ];
      for (const [body, field] of cases) {
        const error = await expectError(issue(body), 400, 'INVALID_REQUEST');
        assert.equal(error.error.details?.field, field);
      }
    });

    it('unknown serial → 404 NOT_FOUND; malformed serial → 400 INVALID_REQUEST', async () => {
      const unknown = '7f'.repeat(16);
      const holderProof = await loginProof(holder, 'https://bank-a.example');
      await expectError(test.api('bank-a', 'PUT', `/api/v1/certificates/${unknown}/services/bank-a`, { holderProof }), 404, 'NOT_FOUND');
      await expectError(test.api('bank-a', 'DELETE', `/api/v1/certificates/${unknown}/services/bank-a`), 404, 'NOT_FOUND');
      await expectError(test.api('bank-a', 'POST', `/api/v1/certificates/${unknown}/invalidate`, {}), 404, 'NOT_FOUND');
      await expectError(test.api('bank-a', 'PUT', `/api/v1/certificates/not-hex/services/bank-a`), 400, 'INVALID_REQUEST');
      await expectError(test.api('bank-a', 'GET', `/api/v1/check?serial=00&service=bank-a`), 400, 'INVALID_REQUEST');
    });

    it('oversized body → 413 PAYLOAD_TOO_LARGE', async () => {
      const huge = { csr: await newCsr(), holder: { ...HOLDER, address: 'x'.repeat(70 * 1024) } };
      await expectError(issue(huge), 413, 'PAYLOAD_TOO_LARGE');
      await expectError(test.api('bank-a', 'POST', `/api/v1/certificates/${serial}/invalidate`, { reason: 'x'.repeat(70 * 1024) }), 413, 'PAYLOAD_TOO_LARGE');
      assert.equal((await test.store.getCertificate(serial))?.status, 'valid');
    });

    it('wrong or missing content type → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const body = JSON.stringify({ csr: await newCsr(), holder: HOLDER });
      await expectError(issue(body, { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await expectError(issue(body, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await expectError(test.api('bank-a', 'POST', '/api/v1/certificates'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await expectError(test.api('bank-a', 'POST', `/api/v1/certificates/${serial}/invalidate`, 'reason=keyCompromise', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      assert.equal((await test.store.getCertificate(serial))?.status, 'valid');
    });

    it('invalid JSON → 400 INVALID_JSON', async () => {
      await expectError(issue('{"csr":', { 'content-type': 'application/json' }), 400, 'INVALID_JSON');
      await expectError(test.api('bank-a', 'POST', `/api/v1/certificates/${serial}/invalidate`, '', { 'content-type': 'application/json' }), 400, 'INVALID_JSON');
    });

    it('unknown routes → 404 NOT_FOUND as JSON', async () => {
      await expectError(test.api('bank-a', 'GET', '/api/v1/nothing-here'), 404, 'NOT_FOUND');
      await expectError(test.api('bank-a', 'PATCH', `/api/v1/certificates/${serial}/services/bank-a`, {}), 404, 'NOT_FOUND');
    });
  });
}
