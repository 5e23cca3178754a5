/** Every API operation and its authorisation, on SQLite and on PostgreSQL. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fromBase64, toBase64 } from '../../../src/bytes.js';
import { parseCertificate } from '../../../src/pki/certificate.js';
import { commonNameOf } from '../../../src/pki/name.js';
import { BACKENDS, HOLDER, issueVia, newCsr, startTestCa, type TestCa } from '../testing/fixture.js';
import { loginProof } from '../testing/holder.js';

const DAY = 86_400_000;

for (const backend of BACKENDS) {
  describe(`CA API (${backend})`, () => {
    let test: TestCa;
    let now = Date.now();

    before(async () => {
      test = await startTestCa(backend, { clock: () => new Date(now) });
    });
    after(async () => {
      await test.close();
    });

    it('issues: 201 with serial, certificate and chain; records holder, issuer listing and audit', async () => {
      const response = await test.api('bank-a', 'POST', '/api/v1/certificates', { csr: await newCsr('P-384'), holder: HOLDER });
      assert.equal(response.status, 201);
      const body = response.body as { serial: string; certificate: string; chain: string[] };
      assert.match(body.serial, /^[4-7][0-9a-f]{31}$/);
      assert.deepEqual(body.chain, [toBase64(test.ca.caCertificate)]);
      const certificate = parseCertificate(fromBase64(body.certificate));
      assert.equal(commonNameOf(certificate.subject), HOLDER.name);
      assert.ok(await certificate.verify(parseCertificate(test.ca.caCertificate)));
      const record = await test.store.getCertificate(body.serial);
      assert.equal(record?.holderEmail, HOLDER.email);
      assert.equal(record?.holderAddress, HOLDER.address);
      assert.equal(record?.issuedBy, 'bank-a');
      assert.deepEqual(await test.store.listAvailableServices(body.serial), ['bank-a']);
      const audit = await test.store.listAudit({ serial: body.serial });
      assert.deepEqual(audit.map((entry) => [entry.action, entry.actor]), [['certificate.issue', 'service:bank-a']]);
      const check = await test.api('bank-a', 'GET', `/api/v1/check?serial=${body.serial}&service=bank-a`);
      assert.deepEqual(check.body, { result: 'OK' });
    });

    it('qualify: a service adds itself with the holder’s login there (idempotent) and only itself', async () => {
      const holder = await issueVia(test, 'bank-a');
      const { serial } = holder;
      const path = `/api/v1/certificates/${serial}/services`;
      assert.deepEqual((await test.api('bank-b', 'GET', `/api/v1/check?serial=${serial}&service=bank-b`)).body, { result: 'NG', reason: 'NOT_QUALIFIED' });
      const body = { holderProof: await loginProof(holder, 'https://bank-b.example') };
      const first = await test.api('bank-b', 'PUT', `${path}/bank-b`, body);
      assert.equal(first.status, 200);
      assert.deepEqual(first.body, { serial, serviceId: 'bank-b', qualified: true, changed: true });
      const again = await test.api('bank-b', 'PUT', `${path}/bank-b`, body);
      assert.deepEqual(again.body, { serial, serviceId: 'bank-b', qualified: true, changed: false });
      const forOther = await test.api('bank-b', 'PUT', `${path}/portal`, { holderProof: await loginProof(holder, 'https://portal.example') });
      assert.equal(forOther.status, 403);
      assert.equal((forOther.body as { error: { code: string } }).error.code, 'FORBIDDEN');
      assert.deepEqual(await test.store.listAvailableServices(serial), ['bank-a', 'bank-b']);
      assert.deepEqual((await test.api('bank-b', 'GET', `/api/v1/check?serial=${serial}&service=bank-b`)).body, { result: 'OK' });
    });

    it('prohibit: a service removes itself (idempotent) and only itself; then its check is NG', async () => {
      const holder = await issueVia(test, 'bank-a');
      const { serial } = holder;
      const path = `/api/v1/certificates/${serial}/services`;
      assert.equal((await test.qualify('bank-b', holder)).status, 200);
      const removeOther = await test.api('bank-b', 'DELETE', `${path}/bank-a`);
      assert.equal(removeOther.status, 403);
      assert.deepEqual(await test.store.listAvailableServices(serial), ['bank-a', 'bank-b']);
      const removed = await test.api('bank-b', 'DELETE', `${path}/bank-b`);
      assert.deepEqual(removed.body, { serial, serviceId: 'bank-b', qualified: false, changed: true });
      assert.deepEqual((await test.api('bank-b', 'DELETE', `${path}/bank-b`)).body, { serial, serviceId: 'bank-b', qualified: false, changed: false });
      assert.deepEqual((await test.api('bank-b', 'GET', `/api/v1/check?serial=${serial}&service=bank-b`)).body, { result: 'NG', reason: 'NOT_QUALIFIED' });
      assert.deepEqual((await test.api('bank-a', 'GET', `/api/v1/check?serial=${serial}&service=bank-a`)).body, { result: 'OK' });
    });

    it('check: a service checks only for itself; unknown serials are NG', async () => {
      const { serial } = await issueVia(test, 'bank-a');
      const other = await test.api('bank-b', 'GET', `/api/v1/check?serial=${serial}&service=bank-a`);
      assert.equal(other.status, 403);
      assert.deepEqual((await test.api('bank-a', 'GET', `/api/v1/check?serial=${'7f'.repeat(16)}&service=bank-a`)).body, {
        result: 'NG',
        reason: 'UNKNOWN_CERTIFICATE',
      });
      const missing = await test.api('bank-a', 'GET', `/api/v1/check?serial=${serial}`);
      assert.equal(missing.status, 400);
      assert.deepEqual((missing.body as { error: { details: unknown } }).error.details, { field: 'service' });
    });

    it('check: an expired certificate is NG even while listed', async () => {
      const { serial } = await issueVia(test, 'bank-a');
      const saved = now;
      try {
        now += 366 * DAY;
        assert.deepEqual((await test.api('bank-a', 'GET', `/api/v1/check?serial=${serial}&service=bank-a`)).body, { result: 'NG', reason: 'EXPIRED' });
      } finally {
        now = saved;
      }
    });

    it('list: only portals may list a certificate’s services', async () => {
      const holder = await issueVia(test, 'bank-a');
      const { serial } = holder;
      assert.equal((await test.qualify('bank-b', holder)).status, 200);
      const listed = await test.api('portal', 'GET', `/api/v1/certificates/${serial}/services`);
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body, {
        serial,
        services: [
          { id: 'bank-a', displayName: 'Bank A', origins: ['https://bank-a.example'], portal: false },
          { id: 'bank-b', displayName: 'Bank B', origins: ['https://bank-b.example'], portal: false },
        ],
      });
      const refused = await test.api('bank-a', 'GET', `/api/v1/certificates/${serial}/services`);
      assert.equal(refused.status, 403);
      assert.equal((refused.body as { error: { code: string } }).error.code, 'FORBIDDEN');
    });

    it('participation: a portal sees every registered service with qualified per certificate; nobody else may', async () => {
      const holder = await issueVia(test, 'bank-a');
      const { serial } = holder;
      const path = `/api/v1/certificates/${serial}/participation`;
      const before = await test.api('portal', 'GET', path);
      assert.equal(before.status, 200);
      assert.equal(before.headers.get('cache-control'), 'no-store');
      assert.deepEqual(before.body, {
        serial,
        services: [
          { id: 'bank-a', displayName: 'Bank A', origins: ['https://bank-a.example'], portal: false, qualified: true },
          { id: 'bank-b', displayName: 'Bank B', origins: ['https://bank-b.example'], portal: false, qualified: false },
          { id: 'portal', displayName: 'Membership Portal', origins: ['https://portal.example'], portal: true, qualified: false },
        ],
      });
      assert.equal((await test.qualify('bank-b', holder)).status, 200);
      await test.api('bank-a', 'DELETE', `/api/v1/certificates/${serial}/services/bank-a`);
      const after = (await test.api('portal', 'GET', path)).body as { services: { id: string; qualified: boolean }[] };
      assert.deepEqual(after.services.map((s) => [s.id, s.qualified]), [['bank-a', false], ['bank-b', true], ['portal', false]]);
      for (const bank of ['bank-a', 'bank-b']) {
        const refused = await test.api(bank, 'GET', path);
        assert.equal(refused.status, 403, bank);
        assert.equal((refused.body as { error: { code: string } }).error.code, 'FORBIDDEN');
      }
      assert.equal((await test.api({ token: null }, 'GET', path)).status, 401);
      const unknown = await test.api('portal', 'GET', `/api/v1/certificates/${'7f'.repeat(16)}/participation`);
      assert.equal(unknown.status, 404);
      assert.equal((unknown.body as { error: { code: string } }).error.code, 'NOT_FOUND');
      assert.equal((await test.api('portal', 'GET', '/api/v1/certificates/zz/participation')).status, 400);
    });

    it('invalidate: only a listed service may; afterwards checks are NG, qualify is 409, repeats change nothing', async () => {
      const holder = await issueVia(test, 'bank-a');
      const { serial } = holder;
      const path = `/api/v1/certificates/${serial}`;
      const stranger = await test.api('bank-b', 'POST', `${path}/invalidate`, { reason: 'keyCompromise' });
      assert.equal(stranger.status, 403);
      assert.equal((await test.store.getCertificate(serial))?.status, 'valid');
      const badReason = await test.api('bank-a', 'POST', `${path}/invalidate`, { reason: 'certificateHold' });
      assert.equal(badReason.status, 400);
      const done = await test.api('bank-a', 'POST', `${path}/invalidate`, { reason: 'keyCompromise' });
      assert.equal(done.status, 200);
      const body = done.body as { serial: string; invalidatedAt: string; reason: string; changed: boolean };
      assert.deepEqual([body.serial, body.reason, body.changed], [serial, 'keyCompromise', true]);
      assert.deepEqual((await test.api('bank-a', 'GET', `/api/v1/check?serial=${serial}&service=bank-a`)).body, { result: 'NG', reason: 'INVALIDATED' });
      const requalify = await test.qualify('bank-b', holder);
      assert.equal(requalify.status, 409);
      assert.equal((requalify.body as { error: { code: string } }).error.code, 'CERTIFICATE_INVALIDATED');
      const repeat = await test.api('bank-a', 'POST', `${path}/invalidate`);
      assert.deepEqual(repeat.body, { ...body, changed: false });
      const actions = (await test.store.listAudit({ serial })).map((entry) => entry.action);
      assert.deepEqual(actions, ['certificate.issue', 'certificate.invalidate', 'certificate.invalidate']);
    });

    it('refuses unknown callers with 401 on every API route and writes nothing', async () => {
      const holder = await issueVia(test, 'bank-a');
      const { serial } = holder;
      const real = test.credentials['bank-a']!.apiToken;
      const forged = real.slice(0, -1) + (real.endsWith('A') ? 'B' : 'A');
      const routes: [string, string, unknown?][] = [
        ['POST', '/api/v1/certificates', { csr: await newCsr(), holder: HOLDER }],
        ['PUT', `/api/v1/certificates/${serial}/services/bank-b`, { holderProof: await loginProof(holder, 'https://bank-b.example') }],
        ['DELETE', `/api/v1/certificates/${serial}/services/bank-a`],
        ['POST', `/api/v1/certificates/${serial}/invalidate`, {}],
        ['GET', `/api/v1/check?serial=${serial}&service=bank-a`],
        ['GET', `/api/v1/certificates/${serial}/services`],
        ['GET', `/api/v1/certificates/${serial}/participation`],
      ];
      const auditBefore = (await test.store.listAudit()).length;
      for (const token of [null, 'nonsense', forged, `kyotsu_${'0'.repeat(16)}_${'A'.repeat(43)}`]) {
        for (const [method, path, body] of routes) {
          const response = await test.api({ token }, method, path, body);
          assert.equal(response.status, 401, `${method} ${path} with ${token === null ? 'no token' : 'a bad token'}`);
          assert.equal((response.body as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
          assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="kyotsu-ca"');
        }
      }
      assert.equal((await test.store.listAudit()).length, auditBefore);
      assert.deepEqual(await test.store.listAvailableServices(serial), ['bank-a']);
      assert.equal((await test.store.getCertificate(serial))?.status, 'valid');
    });

    it('serves the CA certificate publicly as DER', async () => {
      const response = await fetch(`${test.ca.url}/ca.crt`);
      assert.equal(response.headers.get('content-type'), 'application/pkix-cert');
      assert.deepEqual(new Uint8Array(await response.arrayBuffer()), test.ca.caCertificate);
    });
  });
}
