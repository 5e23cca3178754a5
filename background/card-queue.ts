/**
 * The one queue every card operation goes through. It holds the reader lock (`ReaderLock`: Web Locks in
 * the extension) for the whole operation — SELECT, VERIFY PIN, GENERAL AUTHENTICATE — so two operations
 * never interleave on the card, in any tab or window.
 *
 * - FIFO: turns are granted in the order they were asked for.
 * - Waiting: a caller whose turn must wait is told (`onWait`), so its tab can say "card in use — waiting".
 * - Joining: a caller with the same `joinKey` as an operation in flight (a second login to the same origin)
 *   gets the same promise instead of a second card operation.
 * - Leaving: a caller whose `signal` aborts (its tab closed) leaves at once; the operation itself is aborted
 *   only when every caller that joined it has left — dropped from the lock queue if it had not started, or
 *   told through its own signal if it had.
 */
import { abortedError, type ReaderLock } from './reader-lock.js';

/** One caller's request for a card operation. */
export interface CardJob<T> {
  /** Callers with the same key while an operation is in flight share it. Include the operation kind. */
  readonly joinKey?: string;
  /** The caller's own signal (its tab, its cancel button). */
  readonly signal: AbortSignal;
  /** Told when the operation must wait for the reader. */
  readonly onWait?: () => void;
  /** The card work, run holding the reader; `signal` aborts when every caller has left. */
  readonly task: (signal: AbortSignal) => Promise<T>;
}

/** The queue. */
export interface CardQueue {
  run<T>(job: CardJob<T>): Promise<T>;
  /** Operations in flight (queued or running), for status displays and tests. */
  readonly inFlight: number;
}

interface Flight {
  readonly controller: AbortController;
  readonly waitListeners: Set<() => void>;
  participants: number;
  waiting: boolean;
  promise: Promise<unknown>;
}

/** Creates the card queue over a reader lock. */
export function createCardQueue(lock: ReaderLock): CardQueue {
  const joinable = new Map<string, Flight>();
  let inFlight = 0;

  function start<T>(job: CardJob<T>): Flight {
    const flight: Flight = { controller: new AbortController(), waitListeners: new Set(), participants: 0, waiting: false, promise: Promise.resolve() };
    inFlight++;
    const { signal } = flight.controller;
    const onWait = (): void => {
      flight.waiting = true;
      for (const listener of flight.waitListeners) listener();
    };
    flight.promise = lock
      .withLock(() => {
        flight.waiting = false;
        return job.task(signal);
      }, { signal, onWait })
      .finally(() => {
        inFlight--;
        if (job.joinKey !== undefined && joinable.get(job.joinKey) === flight) joinable.delete(job.joinKey);
      });
    if (job.joinKey !== undefined) joinable.set(job.joinKey, flight);
    return flight;
  }

  function join<T>(flight: Flight, job: CardJob<T>): Promise<T> {
    flight.participants++;
    const onWait = job.onWait;
    if (onWait) {
      flight.waitListeners.add(onWait);
      if (flight.waiting) onWait();
    }
    return new Promise<T>((resolve, reject) => {
      const detach = (): void => {
        job.signal.removeEventListener('abort', leave);
        if (onWait) flight.waitListeners.delete(onWait);
      };
      const leave = (): void => {
        detach();
        reject(abortedError());
        flight.participants--;
        if (flight.participants === 0) flight.controller.abort();
      };
      job.signal.addEventListener('abort', leave, { once: true });
      // The flight's result is shared by everyone who joined under this key; each job's T is the same.
      (flight.promise as Promise<T>).then(
        (value) => {
          detach();
          resolve(value);
        },
        (error: unknown) => {
          detach();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  return {
    run<T>(job: CardJob<T>): Promise<T> {
      if (job.signal.aborted) return Promise.reject(abortedError());
      const existing = job.joinKey === undefined ? undefined : joinable.get(job.joinKey);
      return join(existing ?? start(job), job);
    },
    get inFlight() {
      return inFlight;
    },
  };
}
