/**
 * The reader mutex as a tiny interface, so the card queue's logic is testable in Node (which has no
 * `navigator.locks`): `web-locks-reader-lock.ts` implements it with the Web Locks API for the extension,
 * `createMemoryReaderLock` below implements the same contract in memory for unit tests.
 */
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';

/** Options for one turn at the reader. */
export interface LockTurn {
  /** Aborting before the lock is granted leaves the queue (the task never runs). */
  readonly signal: AbortSignal;
  /** Called once, synchronously or soon after the call, when the lock is busy and this turn must wait. */
  readonly onWait: () => void;
}

/** One exclusive lock with a first-in-first-out queue of waiters. */
export interface ReaderLock {
  /**
   * Runs `task` holding the lock and releases it when `task` settles. Rejects with `OPERATION_ABORTED`
   * (and never runs `task`) when `signal` aborts before the lock is granted.
   */
  withLock<T>(task: () => Promise<T>, turn: LockTurn): Promise<T>;
}

/** The error a turn that left the queue rejects with. */
export function abortedError(): ExtensionError {
  return new ExtensionError(ExtensionErrorCode.OPERATION_ABORTED, 'The card operation was cancelled before it started');
}

/** An in-memory FIFO lock with the same contract as the Web Locks one (for tests and for Node). */
export function createMemoryReaderLock(): ReaderLock {
  const waiters: (() => void)[] = [];
  let held = false;

  const release = (): void => {
    const next = waiters.shift();
    if (next) next();
    else held = false;
  };

  return {
    withLock<T>(task: () => Promise<T>, turn: LockTurn): Promise<T> {
      if (turn.signal.aborted) return Promise.reject(abortedError());
      const run = (): Promise<T> => task().finally(release);
      if (!held) {
        held = true;
        return run();
      }
      return new Promise<T>((resolve, reject) => {
        const grant = (): void => {
          turn.signal.removeEventListener('abort', leave);
          run().then(resolve, reject);
        };
        const leave = (): void => {
          const index = waiters.indexOf(grant);
          if (index >= 0) waiters.splice(index, 1);
          reject(abortedError());
        };
        waiters.push(grant);
        turn.signal.addEventListener('abort', leave, { once: true });
        turn.onWait();
      });
    },
  };
}
