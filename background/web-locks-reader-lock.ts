/**
 * The reader mutex on the Web Locks API (`navigator.locks`): one lock name for the whole extension, so it
 * serialises card operations across the service worker, the options page and every window. Web Locks
 * grant an exclusive lock to waiters in request order (Web Locks API §"request a lock": the lock request
 * queue is first in, first out) and release it when the holder's callback settles — or when the holder's
 * context dies, so a stopped service worker cannot leave the reader locked.
 */
import { abortedError, type LockTurn, type ReaderLock } from './reader-lock.js';

/** The one lock name for the card reader. */
export const READER_LOCK_NAME = 'kyotsu-card-reader';

const NOT_GRANTED = Symbol('not granted');

/** A `ReaderLock` on `locks` (normally `navigator.locks`). */
export function createWebLocksReaderLock(locks: LockManager, name = READER_LOCK_NAME): ReaderLock {
  return {
    async withLock<T>(task: () => Promise<T>, turn: LockTurn): Promise<T> {
      if (turn.signal.aborted) throw abortedError();
      // First try without queueing, to learn whether this turn must wait (and say so to the tab).
      const immediate = await locks.request(name, { ifAvailable: true }, async (lock): Promise<T | typeof NOT_GRANTED> =>
        lock === null ? NOT_GRANTED : await task(),
      );
      if (immediate !== NOT_GRANTED) return immediate;
      turn.onWait();
      let granted = false;
      try {
        return await locks.request(name, { signal: turn.signal }, () => {
          granted = true;
          return task();
        });
      } catch (error) {
        // Aborted while queued: the request rejects with the signal's reason (an AbortError DOMException).
        if (!granted && turn.signal.aborted) throw abortedError();
        throw error;
      }
    },
  };
}
