import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthErrorCode } from '../../../src/protocol/errors.js';
import { startTestCaCheckServer, type TestCaCheckServer } from '../test-support/ca-check-server.js';
import { checkAtCa } from './ca-check.js';

let ca: TestCaCheckServer;
before(async () => {
  ca = await startTestCaCheckServer();
  ca.answers.set('4a01/bank-a', { result: 'OK' });
  ca.answers.set('4a02/bank-a', { result: 'NG', reason: 'invalidated' });
  ca.answers.set('4a03/bank-a', { result: 'NG', reason: 'not-listed' });
});
after(() => ca.close());

describe("the CA's per-service check", () => {
  it('passes on OK and asks with the serial, the service and the bearer token', async () => {
    await checkAtCa({ caUrl: ca.url, serviceId: 'bank-a', apiToken: ca.apiToken, serial: '4a01' });
    assert.equal(ca.seen.at(-1), '4a01/bank-a');
    await checkAtCa({ caUrl: `${ca.url}/`, serviceId: 'bank-a', apiToken: ca.apiToken, serial: '4a01' });
  });

  it('tells a revoked certificate from one not allowed at this service', async () => {
    await assert.rejects(checkAtCa({ caUrl: ca.url, serviceId: 'bank-a', apiToken: ca.apiToken, serial: '4a02' }), { code: AuthErrorCode.CERTIFICATE_REVOKED });
    await assert.rejects(checkAtCa({ caUrl: ca.url, serviceId: 'bank-a', apiToken: ca.apiToken, serial: '4a03' }), { code: AuthErrorCode.CERTIFICATE_NOT_PERMITTED });
    await assert.rejects(checkAtCa({ caUrl: ca.url, serviceId: 'bank-b', apiToken: ca.apiToken, serial: '4a01' }), { code: AuthErrorCode.CERTIFICATE_NOT_PERMITTED });
  });

  it('fails closed when the CA does not give a clear answer', async () => {
    await assert.rejects(checkAtCa({ caUrl: ca.url, serviceId: 'bank-a', apiToken: 'wrong', serial: '4a01' }), { code: AuthErrorCode.REVOCATION_CHECK_FAILED, details: { status: 401 } });
    await assert.rejects(checkAtCa({ caUrl: `${ca.url}/elsewhere`, serviceId: 'bank-a', apiToken: ca.apiToken, serial: '4a01' }), { code: AuthErrorCode.REVOCATION_CHECK_FAILED });
    await assert.rejects(checkAtCa({ caUrl: 'http://127.0.0.1:9', serviceId: 'bank-a', apiToken: ca.apiToken, serial: '4a01', timeoutMs: 2000 }), { code: AuthErrorCode.REVOCATION_CHECK_FAILED });
  });
});
