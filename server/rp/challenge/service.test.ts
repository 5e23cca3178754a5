import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AuthErrorCode } from '../../../src/protocol/errors.js';
import { challengeStoreContract } from '../test-support/challenge-store-contract.js';
import { MemoryChallengeStore } from './memory-store.js';
import { ChallengeService } from './service.js';
import { type ChallengeStore } from './store.js';

challengeStoreContract('memory', (count) => {
  const store = new MemoryChallengeStore();
  return Promise.resolve({ stores: Array.from({ length: count }, () => store), close: () => Promise.resolve() });
});

it('refuses a malformed nonce without touching the store', async () => {
  let takes = 0;
  const store: ChallengeStore = { put: () => Promise.resolve(), take: () => Promise.resolve(void takes++) };
  const service = new ChallengeService({ store });
  for (const nonce of ['', 'x'.repeat(44), `${(await service.createChallenge()).nonce}=`]) {
    await assert.rejects(service.consumeChallenge(nonce), { code: AuthErrorCode.CHALLENGE_MALFORMED });
  }
  assert.equal(takes, 0);
});

it('a failing store becomes CHALLENGE_STORE_UNAVAILABLE, never a silent success', async () => {
  const broken: ChallengeStore = { put: () => Promise.reject(new Error('ECONNREFUSED')), take: () => Promise.reject(new Error('ECONNREFUSED')) };
  const service = new ChallengeService({ store: broken });
  await assert.rejects(service.createChallenge(), { code: AuthErrorCode.CHALLENGE_STORE_UNAVAILABLE });
  await assert.rejects(service.consumeChallenge(`${'A'.repeat(43)}=`), { code: AuthErrorCode.CHALLENGE_STORE_UNAVAILABLE });
});

it('the memory store sweeps forgotten challenges and stays bounded, dropping the oldest', async () => {
  let clock = 1_000_000;
  const store = new MemoryChallengeStore({ maxEntries: 3, sweepIntervalMs: 0 });
  const service = new ChallengeService({ store, lifetimeMs: 1000, now: () => clock });
  const first = await service.createChallenge();
  clock += 2000; // past expiry + one lifetime of retention: the next put sweeps it
  const kept = [await service.createChallenge(), await service.createChallenge(), await service.createChallenge()];
  assert.equal(store.size, 3);
  await assert.rejects(service.consumeChallenge(first.nonce), { code: AuthErrorCode.CHALLENGE_UNKNOWN });
  const newest = await service.createChallenge(); // evicts kept[0]
  assert.equal(store.size, 3);
  await assert.rejects(service.consumeChallenge(kept[0]!.nonce), { code: AuthErrorCode.CHALLENGE_UNKNOWN });
  for (const { nonce } of [kept[1]!, kept[2]!, newest]) assert.equal((await service.consumeChallenge(nonce)).nonce, nonce);
});
