/**
 * Crash safety: a CA process killed with SIGKILL in the middle of a load of issue and qualify calls,
 * restarted on the same store, has lost no acknowledged record and holds no half-written one.
 * The CA runs in a child process (testing/ca-process.ts) so SIGKILL hits it mid-write.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, toBase64, toHex } from '../../src/bytes.js';
import { parseCertificate } from '../../src/pki/certificate.js';
import { initKeyStore } from './keys/key-store.js';
import { registerService, type ServiceCredentials } from './service-registry.js';
import { openStore } from './store/open-store.js';
import { startCaProcess, type CaProcess } from './testing/ca-process-handle.js';
import { BACKENDS, createTestStore, HOLDER } from './testing/fixture.js';
import { issuedHolder, loginProof, newHolder } from './testing/holder.js';

const PASSPHRASE = 'crash test passphrase';

async function call(url: string, token: string, method: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

for (const backend of BACKENDS) {
  describe(`crash safety (${backend})`, () => {
    it('SIGKILL mid-load loses no acknowledged record and leaves no half-written one', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'kyotsu-crash-'));
      const { store: setupStore, url: storeUrl, dispose } = await createTestStore(backend);
      const children: CaProcess[] = [];
      try {
        await initKeyStore(join(dir, 'keys'), PASSPHRASE, { curve: 'P-256' });
        const credentials: Record<string, ServiceCredentials> = {};
        for (const id of ['bank-a', 'bank-b']) {
          credentials[id] = await registerService(setupStore, { id, displayName: id, origins: [`https://${id}.example`] }, 'admin:test');
        }
        await setupStore.close();
        const env = { KYOTSU_CA_DIR: join(dir, 'keys'), KYOTSU_CA_PASSPHRASE: PASSPHRASE, KYOTSU_CA_STORE: storeUrl };
        const holders = await Promise.all(Array.from({ length: 200 }, () => newHolder()));

        const first = await startCaProcess(env);
        children.push(first);
        const issued = new Map<string, string>(); // serial → base64 DER, acknowledged with 201
        const qualified = new Set<string>(); // serials bank-b was acknowledged on
        let inFlight = 0;
        let next = 0;
        let killed = false;
        const tracked = async <T>(work: Promise<T>): Promise<T> => {
          inFlight++;
          try {
            return await work;
          } finally {
            inFlight--;
          }
        };
        const worker = async (): Promise<void> => {
          while (!killed && next < holders.length) {
            const holder = holders[next++]!;
            try {
              const issue = await tracked(call(`${first.url}/api/v1/certificates`, credentials['bank-a']!.apiToken, 'POST', { csr: holder.csr, holder: HOLDER }));
              if (issue.status !== 201) throw new Error(`issue answered ${issue.status}: ${JSON.stringify(issue.body)}`);
              const { serial, certificate } = issue.body as { serial: string; certificate: string };
              issued.set(serial, certificate);
              const holderProof = await loginProof(issuedHolder(holder, { serial, certificate }), 'https://bank-b.example');
              const qualify = await tracked(call(`${first.url}/api/v1/certificates/${serial}/services/bank-b`, credentials['bank-b']!.apiToken, 'PUT', { holderProof }));
              if (qualify.status !== 200) throw new Error(`qualify answered ${qualify.status}`);
              qualified.add(serial);
            } catch (error) {
              if (!killed) throw error; // before the kill every call must succeed
              return; // after the kill, calls in flight fail: they were never acknowledged
            }
          }
        };
        const load = Promise.all(Array.from({ length: 8 }, () => worker()));
        const deadline = Date.now() + 60_000;
        while (issued.size < 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
        const inFlightAtKill = inFlight;
        first.process.kill('SIGKILL');
        killed = true;
        assert.equal(await first.exited, 'SIGKILL');
        await load;
        assert.ok(issued.size >= 40, `the load got going (${issued.size} issued)`);
        assert.ok(inFlightAtKill > 0, 'the CA was killed with requests in flight');

        const second = await startCaProcess(env);
        children.push(second);
        const store = await openStore(storeUrl);
        try {
          // No acknowledged record lost.
          for (const [serial, certificate] of issued) {
            const record = await store.getCertificate(serial);
            assert.ok(record, `acknowledged certificate ${serial} survived`);
            assert.equal(toBase64(record.der), certificate);
            assert.equal(record.holderName, HOLDER.name);
            assert.equal(record.holderEmail, HOLDER.email);
            const services = await store.listAvailableServices(serial);
            assert.ok(services?.includes('bank-a'));
            if (qualified.has(serial)) assert.ok(services?.includes('bank-b'), `acknowledged qualify on ${serial} survived`);
          }
          // No half-written record: every certificate is whole and audited; every audit entry has its row.
          const audit = await store.listAudit();
          const issueEntries = new Set(audit.filter((entry) => entry.action === 'certificate.issue').map((entry) => entry.serial));
          const counts = await store.countCertificates();
          assert.equal(issueEntries.size, counts.valid, 'one issue audit entry per certificate');
          assert.equal(audit.filter((entry) => entry.action === 'certificate.issue').length, counts.valid);
          for (const serial of issueEntries) {
            const record = await store.getCertificate(serial!);
            assert.ok(record, `audited certificate ${serial} exists`);
            const certificate = parseCertificate(record.der);
            assert.equal(toHex(certificate.serialNumber.valueBlock.valueHexView), serial, 'stored DER is complete and matches its row');
            const services = await store.listAvailableServices(serial!);
            assert.ok(services?.includes('bank-a'), 'issuing service listed with its certificate');
            const qualifiedInAudit = audit.some((entry) => entry.serial === serial && entry.action === 'certificate.qualify');
            assert.equal(services?.includes('bank-b') ?? false, qualifiedInAudit, `service list and audit agree for ${serial}`);
          }

          // The restarted CA serves the survivors and keeps working.
          const sample = [...qualified].slice(0, 5);
          for (const serial of sample) {
            const check = await call(`${second.url}/api/v1/check?serial=${serial}&service=bank-b`, credentials['bank-b']!.apiToken, 'GET');
            assert.deepEqual(check.body, { result: 'OK' });
          }
          const fresh = await call(`${second.url}/api/v1/certificates`, credentials['bank-a']!.apiToken, 'POST', { csr: holders[holders.length - 1]!.csr, holder: HOLDER });
          assert.equal(fresh.status, 201, second.stderr());
          assert.ok(parseCertificate(fromBase64((fresh.body as { certificate: string }).certificate)));
        } finally {
          await store.close();
        }
      } finally {
        for (const child of children) await child.stop();
        await rm(dir, { recursive: true, force: true });
        await dispose();
      }
    });
  });
}
