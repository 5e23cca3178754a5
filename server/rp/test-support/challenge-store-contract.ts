/**
 * The behaviour every `ChallengeStore` must show, as node:test cases. Each store's test file calls
 * `challengeStoreContract` with a factory; `stores` > 1 gives independent handles on the SAME backing data
 * (two connections, two clients), which is how a fleet sees it.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AuthErrorCode } from '../../../src/protocol/errors.js';
import { ChallengeService } from '../challenge/service.js';
import { type ChallengeStore } from '../challenge/store.js';

/** Opens `count` handles on one fresh, empty backing store; `close` releases them. */
export type StoreFactory = (count: number) => Promise<{ stores: ChallengeStore[]; close: () => Promise<void> }>;

/** Registers the contract tests for one store implementation. */
export function challengeStoreContract(name: string, open: StoreFactory): void {
  it(`${name}: a challenge is consumed once; the second consume reads unknown`, async () => {
    const { stores, close } = await open(1);
    try {
      const service = new ChallengeService({ store: stores[0] });
      const { nonce, expiresAt, issuedAt } = await service.createChallenge();
      assert.equal(expiresAt - issuedAt, 5 * 60 * 1000);
      assert.deepEqual(await service.consumeChallenge(nonce), { nonce, expiresAt });
      await assert.rejects(service.consumeChallenge(nonce), { code: AuthErrorCode.CHALLENGE_UNKNOWN });
      await assert.rejects(service.consumeChallenge((await new ChallengeService().createChallenge()).nonce), { code: AuthErrorCode.CHALLENGE_UNKNOWN });
    } finally {
      await close();
    }
  });

  it(`${name}: an expired challenge reads expired, and is gone afterwards`, async () => {
    const { stores, close } = await open(1);
    try {
      let clock = Date.now();
      const service = new ChallengeService({ store: stores[0], lifetimeMs: 60_000, now: () => clock });
      const { nonce } = await service.createChallenge();
      clock += 59_999;
      const still = await service.createChallenge();
      clock += 1;
      await assert.rejects(service.consumeChallenge(nonce), { code: AuthErrorCode.CHALLENGE_EXPIRED });
      await assert.rejects(service.consumeChallenge(nonce), { code: AuthErrorCode.CHALLENGE_UNKNOWN });
      assert.equal((await service.consumeChallenge(still.nonce)).nonce, still.nonce);
    } finally {
      await close();
    }
  });

  it(`${name}: 50 concurrent consumes of one nonce through several handles give exactly one success`, async () => {
    const { stores, close } = await open(5);
    try {
      const services = stores.map((store) => new ChallengeService({ store }));
      for (let round = 0; round < 4; round++) {
        const { nonce } = await services[round % services.length]!.createChallenge();
        const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => services[i % services.length]!.consumeChallenge(nonce)));
        const won = results.filter((r) => r.status === 'fulfilled');
        assert.equal(won.length, 1, `round ${round}`);
        for (const r of results) {
          if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, AuthErrorCode.CHALLENGE_UNKNOWN);
        }
      }
    } finally {
      await close();
    }
  });

  it(`${name}: challenges are independent of each other`, async () => {
    const { stores, close } = await open(2);
    try {
      const [a, b] = [new ChallengeService({ store: stores[0] }), new ChallengeService({ store: stores[1] })];
      const issued = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).createChallenge()));
      const consumed = await Promise.all(issued.map(({ nonce }, i) => (i % 2 ? b : a).consumeChallenge(nonce)));
      assert.deepEqual(consumed.map((c) => c.nonce), issued.map((c) => c.nonce));
    } finally {
      await close();
    }
  });
}
