/**
 * 200 concurrent qualify/prohibit calls on one serial leave exactly the expected service list, and the
 * audit log records them as one linear history (each entry's `before` is the previous entry's `after`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceRegistration } from './service-registry.js';
import { BACKENDS, issueVia, startTestCa } from './testing/fixture.js';
import { loginProof } from './testing/holder.js';

const SERVICES = Array.from({ length: 100 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);

/** Deterministic shuffle (mulberry32), so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed;
  const random = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

for (const backend of BACKENDS) {
  describe(`concurrency (${backend})`, () => {
    it('200 concurrent qualify/prohibit calls on one serial leave exactly the expected set', async () => {
      const registrations: ServiceRegistration[] = [
        { id: 'issuer', displayName: 'Issuer', origins: ['https://issuer.example'] },
        ...SERVICES.map((id) => ({ id, displayName: id, origins: [`https://${id}.example`] })),
      ];
      const test = await startTestCa(backend, { services: registrations, webhooks: false });
      try {
        const holder = await issueVia(test, 'issuer');
        const { serial } = holder;
        const path = (id: string): string => `/api/v1/certificates/${serial}/services/${id}`;
        const leaving = SERVICES.slice(0, 50);
        const joining = SERVICES.slice(50);
        for (const id of leaving) assert.equal((await test.qualify(id, holder)).status, 200);
        // Each joining service holds the holder's login there (signed before the race, as a card would have).
        const proofs = new Map(await Promise.all(joining.map(async (id) => [id, { holderProof: await loginProof(holder, `https://${id}.example`) }] as const)));
        const auditStart = (await test.store.listAudit({ serial })).length;

        // Each leaving service prohibits itself twice, each joining one qualifies itself twice: 200 calls at once.
        const calls = shuffled([...leaving.flatMap((id) => [['DELETE', id], ['DELETE', id]]), ...joining.flatMap((id) => [['PUT', id], ['PUT', id]])], 4242);
        assert.equal(calls.length, 200);
        const responses = await Promise.all(calls.map(([method, id]) => test.api(id!, method!, path(id!), method === 'PUT' ? proofs.get(id!) : undefined)));

        assert.deepEqual(responses.map((response) => response.status), new Array<number>(200).fill(200));
        const changedPerService = new Map<string, number>();
        for (const response of responses) {
          const body = response.body as { serviceId: string; changed: boolean; qualified: boolean };
          if (body.changed) changedPerService.set(body.serviceId, (changedPerService.get(body.serviceId) ?? 0) + 1);
        }
        assert.deepEqual([...changedPerService.keys()].sort(), SERVICES, 'every service changed the list exactly once…');
        assert.ok([...changedPerService.values()].every((count) => count === 1), '…and its duplicate call changed nothing');

        const expected = ['issuer', ...joining].sort();
        assert.deepEqual(await test.store.listAvailableServices(serial), expected);
        for (const id of [leaving[0]!, joining[0]!]) {
          const check = await test.api(id, 'GET', `/api/v1/check?serial=${serial}&service=${id}`);
          assert.deepEqual(check.body, joining.includes(id) ? { result: 'OK' } : { result: 'NG', reason: 'NOT_QUALIFIED' });
        }

        const audit = (await test.store.listAudit({ serial })).slice(auditStart);
        assert.equal(audit.length, 200, 'one audit entry per call');
        let previous = ['issuer', ...leaving].sort();
        for (const entry of audit) {
          assert.deepEqual((entry.before as { services: string[] }).services, previous, `audit entry ${entry.id} starts where the last ended`);
          previous = (entry.after as { services: string[] }).services;
        }
        assert.deepEqual(previous, expected);
      } finally {
        await test.close();
      }
    });
  });
}

for (const backend of BACKENDS) {
  describe(`concurrency of holder proofs (${backend})`, () => {
    it('one proof raced against itself and a prohibition: it adds the service at most once, and never back after the prohibition', async () => {
      const services = SERVICES.slice(0, 40);
      const test = await startTestCa(backend, {
        services: [{ id: 'issuer', displayName: 'Issuer', origins: ['https://issuer.example'] }, ...services.map((id) => ({ id, displayName: id, origins: [`https://${id}.example`] }))],
        webhooks: false,
      });
      try {
        const holder = await issueVia(test, 'issuer');
        const { serial } = holder;
        const path = (id: string): string => `/api/v1/certificates/${serial}/services/${id}`;
        // Half the services are listed already with the proof they will replay; the other half hold an unused one.
        const replaying = services.slice(0, 20);
        const fresh = services.slice(20);
        const proofs = new Map(await Promise.all(services.map(async (id) => [id, { holderProof: await loginProof(holder, `https://${id}.example`) }] as const)));
        for (const id of replaying) assert.equal((await test.api(id, 'PUT', path(id), proofs.get(id))).status, 200);
        const auditStart = (await test.store.listAudit({ serial })).length;

        // Each replaying service: DELETE and two PUTs with its used proof; each fresh one: three PUTs with one proof. 120 at once.
        const calls = shuffled(
          [...replaying.flatMap((id) => [['DELETE', id], ['PUT', id], ['PUT', id]]), ...fresh.flatMap((id) => [['PUT', id], ['PUT', id], ['PUT', id]])],
          777,
        );
        const responses = await Promise.all(calls.map(([method, id]) => test.api(id!, method!, path(id!), method === 'PUT' ? proofs.get(id!) : undefined)));

        const outcome = (id: string): string[] =>
          responses
            .filter((_, i) => calls[i]![1] === id && calls[i]![0] === 'PUT')
            .map((response) => (response.status === 200 ? `changed:${String((response.body as { changed: boolean }).changed)}` : (response.body as { error: { code: string } }).error.code))
            .sort();
        for (const id of fresh) assert.deepEqual(outcome(id), ['changed:false', 'changed:false', 'changed:true'], `${id}: one proof added it exactly once`);
        for (const id of replaying) {
          // Before the DELETE a PUT is a no-op; after it the used proof is refused. Never added again.
          assert.ok(outcome(id).every((result) => result === 'changed:false' || result === 'HOLDER_PROOF_REUSED'), `${id}: ${outcome(id).join(', ')}`);
        }
        assert.deepEqual(await test.store.listAvailableServices(serial), ['issuer', ...fresh].sort());

        // Refused calls wrote nothing; the rest form one linear history.
        const refusedCount = responses.filter((response) => response.status === 403).length;
        const audit = (await test.store.listAudit({ serial })).slice(auditStart);
        assert.equal(audit.length, calls.length - refusedCount);
        let previous = ['issuer', ...replaying].sort();
        for (const entry of audit) {
          assert.deepEqual((entry.before as { services: string[] }).services, previous, `audit entry ${entry.id} starts where the last ended`);
          previous = (entry.after as { services: string[] }).services;
        }
      } finally {
        await test.close();
      }
    });
  });
}
