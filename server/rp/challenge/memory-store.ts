/**
 * The default challenge store: a Map in this process. Right for one process; a fleet behind a load balancer
 * needs SQLite on shared storage or Redis. Expired records are swept on `put` (no timers, so it never keeps
 * a process alive), and the map is bounded: past `maxEntries` the oldest challenge is dropped.
 */
import { type ChallengeRecord, type ChallengeStore } from './store.js';

/** Options of `MemoryChallengeStore`. */
export interface MemoryChallengeStoreOptions {
  /** Most challenges held at once (default 100 000); the oldest is dropped beyond it. */
  readonly maxEntries?: number;
  /** Least time between two sweeps, in ms (default 30 s). */
  readonly sweepIntervalMs?: number;
}

/** In-process challenge store. */
export class MemoryChallengeStore implements ChallengeStore {
  private readonly records = new Map<string, ChallengeRecord>();
  private readonly maxEntries: number;
  private readonly sweepIntervalMs: number;
  private lastSweep = -Infinity;

  constructor(options: MemoryChallengeStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 30_000;
  }

  /** Number of records held (swept ones excluded). */
  get size(): number {
    return this.records.size;
  }

  put(nonce: string, record: ChallengeRecord, now: number): Promise<void> {
    if (now - this.lastSweep >= this.sweepIntervalMs) this.sweep(now);
    this.records.delete(nonce);
    this.records.set(nonce, record);
    // Map iterates in insertion order: the first key is the oldest challenge.
    while (this.records.size > this.maxEntries) this.records.delete(this.records.keys().next().value as string);
    return Promise.resolve();
  }

  take(nonce: string): Promise<Pick<ChallengeRecord, 'expiresAt'> | undefined> {
    // get + delete with no await between them: atomic on the one JavaScript thread.
    const record = this.records.get(nonce);
    this.records.delete(nonce);
    return Promise.resolve(record && { expiresAt: record.expiresAt });
  }

  /** Drops every record whose `retainUntil` has passed. */
  sweep(now: number): void {
    this.lastSweep = now;
    for (const [nonce, record] of this.records) if (record.retainUntil <= now) this.records.delete(nonce);
  }
}
