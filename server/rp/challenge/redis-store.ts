/**
 * Challenge store in Redis, for a fleet of relying-party processes. Each nonce is one key under a prefix,
 * holding its expiry time; Redis drops the key itself at `retainUntil` (PX). `take` is GETDEL (Redis ≥ 6.2),
 * one atomic command, so of many concurrent takes across the fleet exactly one sees the value.
 */
import { type Redis } from 'ioredis';
import { type ChallengeRecord, type ChallengeStore } from './store.js';

/** Options of `RedisChallengeStore`. */
export interface RedisChallengeStoreOptions {
  /** An ioredis client; the caller owns it (connects and quits it). */
  readonly client: Redis;
  /** Prefix of every key (default `kyotsu:challenge:`). */
  readonly keyPrefix?: string;
}

/** Redis-backed challenge store. */
export class RedisChallengeStore implements ChallengeStore {
  private readonly client: Redis;
  private readonly prefix: string;

  constructor(options: RedisChallengeStoreOptions) {
    this.client = options.client;
    this.prefix = options.keyPrefix ?? 'kyotsu:challenge:';
  }

  async put(nonce: string, record: ChallengeRecord, now: number): Promise<void> {
    // Relative PX, not absolute PXAT: the Redis host's clock may differ from ours.
    const ttl = Math.max(1, Math.ceil(record.retainUntil - now));
    await this.client.set(this.prefix + nonce, String(record.expiresAt), 'PX', ttl);
  }

  async take(nonce: string): Promise<Pick<ChallengeRecord, 'expiresAt'> | undefined> {
    const value = await this.client.getdel(this.prefix + nonce);
    if (value === null) return undefined;
    const expiresAt = Number(value);
    if (!Number.isSafeInteger(expiresAt)) throw new Error(`challenge record in Redis is not a time: ${value.slice(0, 20)}`);
    return { expiresAt };
  }
}
