import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { AuthErrorCode } from '../../../src/protocol/errors.js';
import { challengeStoreContract } from '../test-support/challenge-store-contract.js';
import { ChallengeService } from './service.js';
import { SqliteChallengeStore } from './sqlite-store.js';

// Several connections on one database file: the way several processes on one host share it.
challengeStoreContract('sqlite', (count) => {
  const dir = mkdtempSync(join(tmpdir(), 'kyotsu-challenges-'));
  const stores = Array.from({ length: count }, () => new SqliteChallengeStore(join(dir, 'challenges.db')));
  return Promise.resolve({
    stores,
    close: () => {
      for (const store of stores) store.close();
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
});

it('sqlite: an outstanding challenge survives closing and reopening the database', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyotsu-challenges-'));
  try {
    const file = join(dir, 'challenges.db');
    const first = new SqliteChallengeStore(file);
    const { nonce } = await new ChallengeService({ store: first }).createChallenge();
    first.close();
    const second = new SqliteChallengeStore(file);
    assert.equal((await new ChallengeService({ store: second }).consumeChallenge(nonce)).nonce, nonce);
    await assert.rejects(new ChallengeService({ store: second }).consumeChallenge(nonce), { code: AuthErrorCode.CHALLENGE_UNKNOWN });
    second.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('sqlite: rows past their retention are swept', async () => {
  const store = new SqliteChallengeStore(':memory:', { sweepIntervalMs: 0 });
  let clock = 5_000_000;
  const service = new ChallengeService({ store, lifetimeMs: 1000, now: () => clock });
  await service.createChallenge();
  await service.createChallenge();
  clock += 2000;
  await service.createChallenge();
  assert.equal((store.db.prepare('SELECT count(*) AS n FROM kyotsu_challenges').get() as { n: number }).n, 1);
  store.close();
});
