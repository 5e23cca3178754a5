/**
 * Qualify needs proof of the holder's presence at the qualifying service (holder-proof.ts). A service that
 * knows only a serial — which is public — cannot list itself and so cannot invalidate the holder's
 * certificate; every refusal writes nothing. On SQLite and on PostgreSQL, through the HTTP API.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fromBase64, toBase64 } from '../../src/bytes.js';
import { generateChallengeNonce } from '../../src/protocol/challenge.js';
import { BACKENDS, issueVia, startTestCa, type ApiResponse, type TestCa } from './testing/fixture.js';
import { batchProofs, type IssuedTestHolder, loginProof } from './testing/holder.js';

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

const BANK_B = 'https://bank-b.example';
/** Order of the P-256 group (SEC 2 §2.4.2). */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** The same ES256 token with its signature (r, s) replaced by (r, n − s): a different byte string that verifies too. */
function highS(tokenText: string): string {
  const token = JSON.parse(tokenText) as { signature: string };
  const signature = fromBase64(token.signature);
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
  const flipped = Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex');
  return JSON.stringify({ ...token, signature: toBase64(Uint8Array.from([...signature.subarray(0, 32), ...flipped])) });
}

for (const backend of BACKENDS) {
  describe(`qualify holder proof (${backend})`, () => {
    let test: TestCa;

    before(async () => {
      test = await startTestCa(backend, {
        services: [
          { id: 'bank-a', displayName: 'Bank A', origins: ['https://bank-a.example'] },
          { id: 'bank-b', displayName: 'Bank B', origins: [BANK_B] },
          { id: 'card-co', displayName: 'Card Co.', origins: ['https://card.example', 'https://www.card.example'] },
        ],
        webhooks: false,
      });
    });
    after(async () => {
      await test.close();
    });

    const put = (holder: IssuedTestHolder, body?: unknown, serviceId = 'bank-b'): Promise<ApiResponse> =>
      test.api(serviceId, 'PUT', `/api/v1/certificates/${holder.serial}/services/${serviceId}`, body);

    /** Runs `attempt` and asserts the refusal, that bank-b is still not listed, and that no audit entry was added. */
    async function refused(holder: IssuedTestHolder, attempt: Promise<ApiResponse>, status: number, code: string): Promise<ErrorBody['error']> {
      const auditBefore = (await test.store.listAudit()).length;
      const response = await attempt;
      assert.equal(response.status, status, JSON.stringify(response.body));
      const { error } = response.body as ErrorBody;
      assert.equal(error.code, code);
      assert.ok(error.message.length > 0);
      assert.deepEqual(await test.store.listAvailableServices(holder.serial), ['bank-a'], 'bank-b was not listed');
      assert.equal((await test.store.listAudit()).length, auditBefore, 'nothing was written');
      assert.deepEqual((await test.api('bank-b', 'GET', `/api/v1/check?serial=${holder.serial}&service=bank-b`)).body, { result: 'NG', reason: 'NOT_QUALIFIED' });
      return error;
    }

    it('a service that knows only the serial cannot list itself, and so cannot invalidate the certificate', async () => {
      const holder = await issueVia(test, 'bank-a');
      const none = await refused(holder, put(holder), 400, 'HOLDER_PROOF_REQUIRED');
      assert.deepEqual(none.details, { field: 'holderProof' });
      await refused(holder, put(holder, {}), 400, 'HOLDER_PROOF_REQUIRED');
      const invalidate = await test.api('bank-b', 'POST', `/api/v1/certificates/${holder.serial}/invalidate`, { reason: 'keyCompromise' });
      assert.equal(invalidate.status, 403);
      assert.equal((await test.store.getCertificate(holder.serial))?.status, 'valid');
    });

    it('refuses a login the holder signed for another service’s origin (or an unregistered one)', async () => {
      const holder = await issueVia(test, 'bank-a');
      // bank-b replays the holder's login at bank-a, e.g. one it obtained from bank-a's logs.
      for (const origin of ['https://bank-a.example', 'https://bank-b.example.evil.example', 'http://bank-b.example']) {
        const error = await refused(holder, put(holder, { holderProof: await loginProof(holder, origin) }), 403, 'HOLDER_PROOF_INVALID');
        assert.equal(error.details?.reason, 'TOKEN_SIGNATURE_INVALID', origin);
      }
    });

    it('refuses a valid login at this service by another certificate', async () => {
      const victim = await issueVia(test, 'bank-a');
      const own = await issueVia(test, 'bank-a'); // a holder who really did log in at bank-b
      const error = await refused(victim, put(victim, { holderProof: await loginProof(own, BANK_B) }), 403, 'HOLDER_PROOF_INVALID');
      assert.equal(error.details?.reason, 'CERTIFICATE_MISMATCH');
    });

    it('refuses a tampered signature, a nonce the token does not answer, and a malformed token', async () => {
      const holder = await issueVia(test, 'bank-a');
      const proof = await loginProof(holder, BANK_B);
      const token = JSON.parse(proof.token) as { signature: string };
      const signature = fromBase64(token.signature);
      signature[5] = signature[5]! ^ 0x01;
      const tampered = JSON.stringify({ ...token, signature: toBase64(signature) });
      const bad = await refused(holder, put(holder, { holderProof: { token: tampered, nonce: proof.nonce } }), 403, 'HOLDER_PROOF_INVALID');
      assert.equal(bad.details?.reason, 'TOKEN_SIGNATURE_INVALID');
      const otherNonce = await refused(holder, put(holder, { holderProof: { token: proof.token, nonce: generateChallengeNonce() } }), 403, 'HOLDER_PROOF_INVALID');
      assert.equal(otherNonce.details?.reason, 'TOKEN_SIGNATURE_INVALID');
      const malformed = await refused(holder, put(holder, { holderProof: { token: '{"format":"web-eid:1.0"}', nonce: proof.nonce } }), 403, 'HOLDER_PROOF_INVALID');
      assert.equal(malformed.details?.reason, 'TOKEN_MALFORMED');
      for (const [holderProof, field] of [
        ['token', 'holderProof'],
        [{ token: proof.token }, 'holderProof.nonce'],
        [{ token: 7, nonce: proof.nonce }, 'holderProof.token'],
        [{ ...proof, pin: '123456' }, 'holderProof.pin'],
      ] as const) {
        const error = await refused(holder, put(holder, { holderProof }), 400, 'INVALID_REQUEST');
        assert.equal(error.details?.field, field);
      }
    });

    it('the holder’s real login qualifies, once; the same proof again changes nothing; the listed service may then invalidate', async () => {
      const holder = await issueVia(test, 'bank-a');
      const body = { holderProof: await loginProof(holder, BANK_B) };
      assert.deepEqual((await put(holder, body)).body, { serial: holder.serial, serviceId: 'bank-b', qualified: true, changed: true });
      assert.deepEqual((await put(holder, body)).body, { serial: holder.serial, serviceId: 'bank-b', qualified: true, changed: false });
      assert.deepEqual(await test.store.listAvailableServices(holder.serial), ['bank-a', 'bank-b']);
      const qualifies = (await test.store.listAudit({ serial: holder.serial })).filter((entry) => entry.action === 'certificate.qualify');
      assert.deepEqual(qualifies.map((entry) => entry.actor), ['service:bank-b', 'service:bank-b']);
      assert.equal((await test.api('bank-b', 'POST', `/api/v1/certificates/${holder.serial}/invalidate`, {})).status, 200);
    });

    it('a login at any of the service’s registered origins qualifies it, and a batch login’s token for it does too', async () => {
      const holder = await issueVia(test, 'bank-a');
      const batch = await batchProofs(holder, ['https://bank-a.example', BANK_B]);
      // bank-b cannot use the leaf the batch made for bank-a; it can use its own.
      const error = await refused(holder, put(holder, { holderProof: batch.get('https://bank-a.example') }), 403, 'HOLDER_PROOF_INVALID');
      assert.equal(error.details?.reason, 'TOKEN_SIGNATURE_INVALID');
      assert.deepEqual((await put(holder, { holderProof: batch.get(BANK_B) })).body, { serial: holder.serial, serviceId: 'bank-b', qualified: true, changed: true });
      const second = await put(holder, { holderProof: await loginProof(holder, 'https://www.card.example') }, 'card-co');
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.deepEqual(await test.store.listAvailableServices(holder.serial), ['bank-a', 'bank-b', 'card-co']);
    });

    it('a login adds the service once: after it prohibits itself, the same login (even re-signed as (r, n−s)) is HOLDER_PROOF_REUSED; a new login re-adds it', async () => {
      const holder = await issueVia(test, 'bank-a');
      const first = await loginProof(holder, BANK_B);
      const second = await loginProof(holder, BANK_B);
      assert.deepEqual((await put(holder, { holderProof: first })).body, { serial: holder.serial, serviceId: 'bank-b', qualified: true, changed: true });
      // Still listed: a repeated qualify is idempotent whatever valid proof it carries.
      assert.deepEqual((await put(holder, { holderProof: first })).body, { serial: holder.serial, serviceId: 'bank-b', qualified: true, changed: false });
      assert.deepEqual((await put(holder, { holderProof: second })).body, { serial: holder.serial, serviceId: 'bank-b', qualified: true, changed: false });

      // The holder has bank-b prohibited; bank-b kept the tokens it received.
      const removed = await test.api('bank-b', 'DELETE', `/api/v1/certificates/${holder.serial}/services/bank-b`);
      assert.deepEqual(removed.body, { serial: holder.serial, serviceId: 'bank-b', qualified: false, changed: true });
      for (const replay of [first, second, { token: highS(first.token), nonce: first.nonce }]) {
        const error = await refused(holder, put(holder, { holderProof: replay }), 403, 'HOLDER_PROOF_REUSED');
        assert.match(error.message, /new login/);
      }
      const invalidate = await test.api('bank-b', 'POST', `/api/v1/certificates/${holder.serial}/invalidate`, { reason: 'keyCompromise' });
      assert.equal(invalidate.status, 403, 'still not listed, so it cannot invalidate');

      // The holder logs in at bank-b again: that is the holder's presence, and it qualifies.
      assert.deepEqual((await put(holder, { holderProof: await loginProof(holder, BANK_B) })).body, { serial: holder.serial, serviceId: 'bank-b', qualified: true, changed: true });
    });

    it('a proof is remembered per service and certificate: bank-b’s used login does not block another holder or card-co', async () => {
      const holder = await issueVia(test, 'bank-a');
      const other = await issueVia(test, 'bank-a');
      const nonce = generateChallengeNonce(); // a careless service issuing one nonce twice
      assert.equal((await put(holder, { holderProof: await loginProof(holder, BANK_B, nonce) })).status, 200);
      assert.equal((await put(other, { holderProof: await loginProof(other, BANK_B, nonce) })).status, 200);
      assert.equal((await put(holder, { holderProof: await loginProof(holder, 'https://card.example', nonce) }, 'card-co')).status, 200);
      assert.deepEqual(await test.store.listAvailableServices(holder.serial), ['bank-a', 'bank-b', 'card-co']);
      assert.deepEqual(await test.store.listAvailableServices(other.serial), ['bank-a', 'bank-b']);
    });

    it('a valid proof on an invalidated certificate is still 409 CERTIFICATE_INVALIDATED', async () => {
      const holder = await issueVia(test, 'bank-a');
      assert.equal((await test.api('bank-a', 'POST', `/api/v1/certificates/${holder.serial}/invalidate`, {})).status, 200);
      const response = await test.qualify('bank-b', holder);
      assert.equal(response.status, 409);
      assert.equal((response.body as ErrorBody).error.code, 'CERTIFICATE_INVALIDATED');
      assert.deepEqual(await test.store.listAvailableServices(holder.serial), ['bank-a']);
    });
  });
}
