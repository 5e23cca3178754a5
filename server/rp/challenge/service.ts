/**
 * Issuing and consuming login challenges. A challenge is a fresh nonce (`src/protocol/challenge.ts`) with a
 * lifetime (5 minutes by default); consuming it removes it, whether or not the login then succeeds, so each
 * nonce can back at most one token verification.
 */
import { assertChallengeNonce, CHALLENGE_LIFETIME_MS, generateChallengeNonce } from '../../../src/protocol/challenge.js';
import { AuthError, AuthErrorCode } from '../../../src/protocol/errors.js';
import { MemoryChallengeStore } from './memory-store.js';
import { type ChallengeStore } from './store.js';

/** An issued challenge. Times are milliseconds since the epoch. */
export interface Challenge {
  /** 44-character base64 nonce; the browser signs this text. */
  readonly nonce: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** Options of `ChallengeService`. */
export interface ChallengeServiceOptions {
  /** Where challenges wait (default: a new `MemoryChallengeStore`). */
  readonly store?: ChallengeStore;
  /** Lifetime of a challenge in ms (default 5 minutes). */
  readonly lifetimeMs?: number;
  /** Clock, ms since the epoch (default `Date.now`); tests move it. */
  readonly now?: () => number;
}

/** Issues single-use challenges and consumes them. */
export class ChallengeService {
  readonly store: ChallengeStore;
  readonly lifetimeMs: number;
  private readonly now: () => number;

  constructor(options: ChallengeServiceOptions = {}) {
    this.store = options.store ?? new MemoryChallengeStore();
    this.lifetimeMs = options.lifetimeMs ?? CHALLENGE_LIFETIME_MS;
    if (!Number.isSafeInteger(this.lifetimeMs) || this.lifetimeMs <= 0) throw new RangeError('lifetimeMs must be a positive integer');
    this.now = options.now ?? Date.now;
  }

  /** Issues a new challenge and records it. Throws `CHALLENGE_STORE_UNAVAILABLE` if the store fails. */
  async createChallenge(): Promise<Challenge> {
    const nonce = generateChallengeNonce();
    const issuedAt = this.now();
    const expiresAt = issuedAt + this.lifetimeMs;
    // Kept one more lifetime after expiry so a late consume reads "expired", not "unknown".
    await this.guard(this.store.put(nonce, { expiresAt, retainUntil: expiresAt + this.lifetimeMs }, issuedAt));
    return { nonce, issuedAt, expiresAt };
  }

  /**
   * Removes the challenge and says whether it was still valid. Throws `CHALLENGE_MALFORMED` (not a nonce),
   * `CHALLENGE_UNKNOWN` (never issued, already consumed, or forgotten), `CHALLENGE_EXPIRED`, or
   * `CHALLENGE_STORE_UNAVAILABLE`. A used nonce reads as unknown: the store keeps nothing once it is taken.
   */
  async consumeChallenge(nonce: string): Promise<{ readonly nonce: string; readonly expiresAt: number }> {
    assertChallengeNonce(nonce);
    const record = await this.guard(this.store.take(nonce));
    if (!record) throw new AuthError(AuthErrorCode.CHALLENGE_UNKNOWN, 'no such challenge is outstanding (unknown or already used)');
    if (this.now() >= record.expiresAt) {
      throw new AuthError(AuthErrorCode.CHALLENGE_EXPIRED, 'the challenge has expired', { expiresAt: new Date(record.expiresAt).toISOString() });
    }
    return { nonce, expiresAt: record.expiresAt };
  }

  private async guard<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (error) {
      if (error instanceof AuthError) throw error;
      throw new AuthError(AuthErrorCode.CHALLENGE_STORE_UNAVAILABLE, `challenge store failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
