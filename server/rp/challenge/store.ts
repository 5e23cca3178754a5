/**
 * Where issued challenges wait to be used. A store only has to do two things, and `take` must be atomic:
 * of any number of concurrent `take`s of one nonce — in one process or across a fleet — at most one gets
 * the record. That is what makes a challenge single-use.
 */

/** What a store keeps per nonce. Times are milliseconds since the epoch. */
export interface ChallengeRecord {
  /** After this instant the challenge is expired (consuming it fails with CHALLENGE_EXPIRED). */
  readonly expiresAt: number;
  /** The store may forget the record from this instant on (a later consume then reads CHALLENGE_UNKNOWN). */
  readonly retainUntil: number;
}

/** A challenge store: in memory, SQLite or Redis. */
export interface ChallengeStore {
  /** Records a newly issued nonce. `now` lets the store sweep records past their `retainUntil`. */
  put(nonce: string, record: ChallengeRecord, now: number): Promise<void>;
  /** Atomically reads AND removes the nonce's record; `undefined` when there is none. */
  take(nonce: string): Promise<Pick<ChallengeRecord, 'expiresAt'> | undefined>;
}
