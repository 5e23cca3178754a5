/**
 * A Redis connection for tests: 127.0.0.1:6379 (or KYOTSU_TEST_REDIS_URL), a unique key prefix per test, and
 * cleanup of that prefix. If Redis is not running the test FAILS with a message saying so: a missing
 * service is never a silent pass.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** Connects, or throws an Error telling how to start Redis. Quits nothing: the caller owns the client. */
export async function connectTestRedis(): Promise<Redis> {
  const url = process.env.KYOTSU_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, enableOfflineQueue: false });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new Error(`Redis is required by this test and is not reachable at ${url} (start it: redis-server --daemonize yes): ${(error as Error).message}`, {
      cause: error,
    });
  }
  return client;
}

/** A key prefix no other test uses. */
export function uniqueRedisPrefix(): string {
  return `kyotsu-test:${randomBytes(8).toString('hex')}:`;
}

/** Deletes every key under `prefix`; returns how many there were. */
export async function deleteRedisPrefix(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await client.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
