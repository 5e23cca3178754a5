/** One behaviour suite, run against both stores: SQLite (a temp file) and PostgreSQL (a temp database). */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KyotsuError } from '../../../src/errors.js';
import { createTestDatabase } from '../testing/postgres.js';
import { openStore } from './open-store.js';
import type { Actor, CaStore, CertificateRecord, ServiceRecord } from './types.js';

interface Backend {
  readonly name: string;
  open(): Promise<{ store: CaStore; cleanup: () => Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'SQLite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'kyotsu-store-'));
      const store = await openStore(`sqlite:${join(dir, 'ca.sqlite')}`);
      return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const database = await createTestDatabase();
      const store = await openStore(database.url);
      return { store, cleanup: () => database.drop() };
    },
  },
];

function service(id: string, extra: Partial<ServiceRecord> = {}): ServiceRecord {
  return {
    id,
    displayName: `Service ${id}`,
    origins: [`https://${id}.example`],
    portal: false,
    webhookUrl: null,
    webhookSecret: `whsec_${id}`,
    tokenId: `tok${id}`,
    tokenHash: new Uint8Array(32).fill(id.length),
    createdAt: new Date('2026-01-01T00:00:00.000Z'),
    ...extra,
  };
}

let serialCounter = 0x40;
function certificate(issuedBy: string, extra: Partial<CertificateRecord> = {}): CertificateRecord {
  serialCounter++;
  return {
    serial: `${serialCounter.toString(16)}${'ab'.repeat(15)}`,
    holderName: 'Taro Yamada',
    holderAddress: '1-1 Chiyoda, Tokyo',
    holderEmail: 'taro@example.jp',
    status: 'valid',
    issuedAt: new Date('2026-01-02T00:00:00.123Z'),
    notBefore: new Date('2026-01-02T00:00:00.000Z'),
    notAfter: new Date('2027-01-02T00:00:00.000Z'),
    invalidatedAt: null,
    invalidationReason: null,
    issuedBy,
    der: crypto.getRandomValues(new Uint8Array(300)),
    ...extra,
  };
}

const actor = (id: string): Actor => `service:${id}`;
/** A distinct accepted-proof digest per call (what holder-proof.ts `holderProofDigest` gives the store). */
const proof = (): Uint8Array => crypto.getRandomValues(new Uint8Array(32));
const body = (id: string, serial: string, at: Date): string =>
  JSON.stringify({ type: 'certificate.invalidated', serial, invalidatedAt: at.toISOString(), id });

for (const backend of backends) {
  describe(`CA store (${backend.name})`, () => {
    let store: CaStore;
    let cleanup: () => Promise<void>;

    before(async () => {
      ({ store, cleanup } = await backend.open());
      await store.migrate(); // a second migrate is harmless
      await store.insertService(service('bank-a', { webhookUrl: 'https://bank-a.example/hook' }), 'admin:test');
      await store.insertService(service('bank-b'), 'admin:test');
      await store.insertService(service('portal', { portal: true, webhookUrl: 'https://portal.example/hook' }), 'admin:test');
    });
    after(async () => {
      await store.close();
      await cleanup();
    });

    it('registers services once and finds them by id and token id', async () => {
      assert.equal((await store.getService('bank-a'))?.webhookUrl, 'https://bank-a.example/hook');
      const byToken = await store.findServiceByTokenId('tokportal');
      assert.equal(byToken?.portal, true);
      assert.deepEqual(byToken?.origins, ['https://portal.example']);
      assert.deepEqual(byToken?.tokenHash, new Uint8Array(32).fill(6));
      assert.equal(await store.findServiceByTokenId('nope'), null);
      await assert.rejects(store.insertService(service('bank-a'), 'admin:test'), (error: unknown) => error instanceof KyotsuError && error.code === 'SERVICE_EXISTS');
      assert.deepEqual((await store.listServices()).map((entry) => entry.id), ['bank-a', 'bank-b', 'portal']);
    });

    it('stores a certificate with its issuing service listed and an issue audit entry', async () => {
      const record = certificate('bank-a');
      await store.insertCertificate(record, actor('bank-a'));
      assert.deepEqual(await store.getCertificate(record.serial), record);
      assert.deepEqual(await store.listAvailableServices(record.serial), ['bank-a']);
      const audit = await store.listAudit({ serial: record.serial });
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.action, 'certificate.issue');
      assert.equal(audit[0]!.actor, 'service:bank-a');
      assert.deepEqual((audit[0]!.after as { services: string[] }).services, ['bank-a']);
      assert.equal(await store.getCertificate('00'), null);
      await assert.rejects(store.insertCertificate(record, actor('bank-a')), 'a duplicate serial is refused');
      assert.equal((await store.listAudit({ serial: record.serial })).length, 1, 'the failed insert left no audit entry');
    });

    it('qualifies and prohibits idempotently with before/after in the audit log', async () => {
      const record = certificate('bank-a');
      await store.insertCertificate(record, actor('bank-a'));
      const at = new Date();
      assert.deepEqual(await store.qualify(record.serial, 'bank-b', actor('bank-b'), at, proof()), { kind: 'added', services: ['bank-a', 'bank-b'] });
      assert.deepEqual(await store.qualify(record.serial, 'bank-b', actor('bank-b'), at, proof()), { kind: 'unchanged', services: ['bank-a', 'bank-b'] });
      assert.deepEqual(await store.prohibit(record.serial, 'bank-a', actor('bank-a'), at), { kind: 'removed', services: ['bank-b'] });
      assert.deepEqual(await store.prohibit(record.serial, 'bank-a', actor('bank-a'), at), { kind: 'unchanged', services: ['bank-b'] });
      assert.deepEqual(await store.qualify('7f', 'bank-b', actor('bank-b'), at, proof()), { kind: 'not-found' });
      assert.deepEqual(await store.prohibit('7f', 'bank-b', actor('bank-b'), at), { kind: 'not-found' });
      const audit = await store.listAudit({ serial: record.serial });
      assert.deepEqual(
        audit.map((entry) => [entry.action, (entry.before as { services?: string[] } | null)?.services, (entry.after as { services: string[] }).services]),
        [
          ['certificate.issue', undefined, ['bank-a']],
          ['certificate.qualify', ['bank-a'], ['bank-a', 'bank-b']],
          ['certificate.qualify', ['bank-a', 'bank-b'], ['bank-a', 'bank-b']],
          ['certificate.prohibit', ['bank-a', 'bank-b'], ['bank-b']],
          ['certificate.prohibit', ['bank-b'], ['bank-b']],
        ],
      );
    });

    it('reports check facts: status, validity and whether the service is listed', async () => {
      const record = certificate('bank-a');
      await store.insertCertificate(record, actor('bank-a'));
      assert.deepEqual(await store.checkFacts(record.serial, 'bank-a'), {
        certificate: { status: 'valid', notBefore: record.notBefore, notAfter: record.notAfter },
        listed: true,
      });
      assert.equal((await store.checkFacts(record.serial, 'bank-b')).listed, false);
      assert.deepEqual(await store.checkFacts('7f', 'bank-a'), { certificate: null, listed: false });
    });

    it('invalidates once: status, CRL generation and one outbox delivery per webhook, all together', async () => {
      const record = certificate('bank-a');
      await store.insertCertificate(record, actor('bank-a'));
      const generation = (await store.getCrlState()).generation;
      const at = new Date('2026-02-01T00:00:00.000Z');
      const outcome = await store.invalidate(record.serial, 'keyCompromise', actor('bank-a'), at, body);
      assert.equal(outcome.kind, 'invalidated');
      assert.equal(outcome.kind === 'invalidated' && outcome.deliveries.length, 2, 'bank-a and portal have webhooks');
      const stored = await store.getCertificate(record.serial);
      assert.equal(stored?.status, 'invalidated');
      assert.deepEqual(stored?.invalidatedAt, at);
      assert.equal(stored?.invalidationReason, 'keyCompromise');
      assert.equal((await store.getCrlState()).generation, generation + 1);
      assert.ok((await store.listRevoked()).some((entry) => entry.serial === record.serial && entry.reason === 'keyCompromise'));
      const deliveries = (await store.listDeliveries()).filter((entry) => entry.body.includes(record.serial));
      assert.deepEqual(deliveries.map((entry) => entry.serviceId).sort(), ['bank-a', 'portal']);
      for (const delivery of deliveries) assert.equal((JSON.parse(delivery.body) as { id: string }).id, delivery.id);

      const again = await store.invalidate(record.serial, 'superseded', actor('bank-a'), new Date(), body);
      assert.equal(again.kind, 'already');
      assert.equal((await store.getCertificate(record.serial))?.invalidationReason, 'keyCompromise', 'first reason kept');
      assert.equal((await store.listDeliveries()).filter((entry) => entry.body.includes(record.serial)).length, 2, 'no new deliveries');
      assert.deepEqual(await store.qualify(record.serial, 'bank-b', actor('bank-b'), new Date(), proof()), { kind: 'invalidated' });
      assert.equal((await store.invalidate('7f', 'unspecified', actor('bank-a'), new Date(), body)).kind, 'not-found');
    });

    it('adds a service with one proof only once: after a prohibition the same proof writes nothing', async () => {
      const record = certificate('bank-a');
      await store.insertCertificate(record, actor('bank-a'));
      const [first, second, third] = [proof(), proof(), proof()];
      assert.equal((await store.qualify(record.serial, 'bank-b', actor('bank-b'), new Date(), first)).kind, 'added');
      assert.equal((await store.qualify(record.serial, 'bank-b', actor('bank-b'), new Date(), first)).kind, 'unchanged', 'listed: the same proof is a no-op');
      assert.equal((await store.qualify(record.serial, 'bank-b', actor('bank-b'), new Date(), second)).kind, 'unchanged');
      assert.equal((await store.prohibit(record.serial, 'bank-b', actor('bank-b'), new Date())).kind, 'removed');
      const audit = (await store.listAudit({ serial: record.serial })).length;
      for (const used of [first, second]) {
        assert.deepEqual(await store.qualify(record.serial, 'bank-b', actor('bank-b'), new Date(), used), { kind: 'proof-reused' });
      }
      assert.deepEqual(await store.listAvailableServices(record.serial), ['bank-a']);
      assert.equal((await store.listAudit({ serial: record.serial })).length, audit, 'a refused proof leaves no audit entry');
      // The digest is per certificate and service: the same bytes for another service or certificate are new.
      assert.equal((await store.qualify(record.serial, 'portal', actor('portal'), new Date(), first)).kind, 'added');
      const other = certificate('bank-a');
      await store.insertCertificate(other, actor('bank-a'));
      assert.equal((await store.qualify(other.serial, 'bank-b', actor('bank-b'), new Date(), first)).kind, 'added');
      assert.equal((await store.qualify(record.serial, 'bank-b', actor('bank-b'), new Date(), third)).kind, 'added', 'a new proof adds it again');
    });

    it('refuses a service whose origin another service has, and writes nothing', async () => {
      const audit = (await store.listAudit()).length;
      for (const origins of [['https://bank-a.example'], ['https://fresh.example', 'https://bank-b.example']]) {
        await assert.rejects(
          store.insertService(service('copycat', { origins, tokenId: 'tokcopycat' }), 'admin:test'),
          (error: unknown) => error instanceof KyotsuError && error.code === 'SERVICE_ORIGIN_TAKEN' && origins.includes(String(error.details?.origin)),
        );
      }
      assert.equal(await store.getService('copycat'), null);
      assert.equal((await store.listAudit()).length, audit);
      // Neither refusal claimed https://fresh.example: it is free for the next service.
      await store.insertService(service('fresh', { origins: ['https://fresh.example', 'https://fresh.example'], tokenId: 'tokfresh' }), 'admin:test');
      assert.deepEqual((await store.getService('fresh'))?.origins, ['https://fresh.example', 'https://fresh.example']);
    });

    it('registers two services with one origin at once: exactly one wins', async () => {
      const results = await Promise.allSettled(
        ['race-1', 'race-2'].map((id) => store.insertService(service(id, { origins: ['https://race.example'], tokenId: `tok${id}` }), 'admin:test')),
      );
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      const refused = results.find((result) => result.status === 'rejected');
      assert.ok(refused && refused.reason instanceof KyotsuError && refused.reason.code === 'SERVICE_ORIGIN_TAKEN', String(refused && refused.reason));
      assert.equal((await store.listServices()).filter((entry) => entry.origins.includes('https://race.example')).length, 1);
    });

    it('keeps the audit log append-only', async () => {
      const audit = await store.listAudit();
      assert.ok(audit.length > 0);
      const raw = store as unknown as { db?: { prepare(sql: string): { run(): unknown } }; pool?: { query(sql: string): Promise<unknown> } };
      if (raw.db) {
        assert.throws(() => raw.db!.prepare('UPDATE audit_log SET actor = 1').run(), /append-only/);
        assert.throws(() => raw.db!.prepare('DELETE FROM audit_log').run(), /append-only/);
      } else {
        await assert.rejects(raw.pool!.query("UPDATE audit_log SET actor = 'x'"), /append-only/);
        await assert.rejects(raw.pool!.query('DELETE FROM audit_log'), /append-only/);
        await assert.rejects(raw.pool!.query('TRUNCATE audit_log'), /append-only/);
      }
      assert.equal((await store.listAudit()).length, audit.length);
    });

    it('reserves increasing CRL numbers and publishes only newer CRLs', async () => {
      const first = await store.reserveCrl();
      const second = await store.reserveCrl();
      assert.equal(second.number, first.number + 1);
      const now = new Date();
      const later = new Date(now.getTime() + 3600_000);
      assert.equal(await store.publishCrl({ number: second.number, generation: second.generation, der: new Uint8Array([2]), thisUpdate: now, nextUpdate: later }), true);
      assert.equal(await store.publishCrl({ number: first.number, generation: first.generation, der: new Uint8Array([1]), thisUpdate: now, nextUpdate: later }), false);
      const state = await store.getCrlState();
      assert.equal(state.published?.number, second.number);
      assert.deepEqual(state.published?.der, new Uint8Array([2]));
    });

    it('leases due deliveries to one claimer and records attempts', async () => {
      const now = new Date(Date.now() + 365 * 86_400_000); // everything queued so far is due
      const claimed = await store.claimDeliveries(now, 100, new Date(now.getTime() + 60_000));
      assert.ok(claimed.length >= 2);
      assert.ok(claimed.every((entry) => entry.webhookSecret.startsWith('whsec_')));
      assert.deepEqual(await store.claimDeliveries(now, 100, new Date(now.getTime() + 60_000)), [], 'leased deliveries are not claimed twice');
      const [first, second] = claimed;
      await store.markDelivered(first!.id, now);
      await store.markDeliveryFailed(second!.id, 1, new Date(now.getTime() + 1000), 'HTTP 500');
      const after = await store.claimDeliveries(new Date(now.getTime() + 2000), 100, new Date(now.getTime() + 60_000));
      assert.deepEqual(after.map((entry) => entry.id), [second!.id]);
      const rows = await store.listDeliveries();
      assert.ok(rows.find((entry) => entry.id === first!.id)?.deliveredAt);
      assert.equal(rows.find((entry) => entry.id === second!.id)?.lastError, 'HTTP 500');
    });
  });
}
