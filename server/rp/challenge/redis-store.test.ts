import assert from 'node:assert/strict';
import { it } from 'node:test';
import { challengeStoreContract } from '../test-support/challenge-store-contract.js';
import { connectTestRedis, deleteRedisPrefix, uniqueRedisPrefix } from '../test-support/redis.js';
import { RedisChallengeStore } from './redis-store.js';
import { ChallengeService } from './service.js';

// Several clients on one Redis and one prefix: the way a fleet of relying-party processes shares it.
challengeStoreContract('redis', async (count) => {
  const prefix = uniqueRedisPrefix();
  const clients = await Promise.all(Array.from({ length: count }, () => connectTestRedis()));
  return {
    stores: clients.map((client) => new RedisChallengeStore({ client, keyPrefix: prefix })),
    close: async () => {
      await deleteRedisPrefix(clients[0]!, prefix);
      await Promise.all(clients.map((client) => client.quit()));
    },
  };
});

it('redis: keys live under the prefix and Redis expires them one lifetime after the challenge', async () => {
  const client = await connectTestRedis();
  const prefix = uniqueRedisPrefix();
  try {
    const service = new ChallengeService({ store: new RedisChallengeStore({ client, keyPrefix: prefix }), lifetimeMs: 60_000 });
    const { nonce, expiresAt } = await service.createChallenge();
    assert.equal(await client.get(prefix + nonce), String(expiresAt));
    const ttl = await client.pttl(prefix + nonce);
    assert.ok(ttl > 60_000 && ttl <= 120_000, `ttl ${ttl}`);
    await service.consumeChallenge(nonce);
    assert.equal(await client.exists(prefix + nonce), 0);
  } finally {
    await deleteRedisPrefix(client, prefix);
    await client.quit();
  }
});
