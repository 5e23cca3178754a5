/**
 * Runs one card operation end to end: a turn in the card queue (reader lock held throughout), the card
 * opened from the current source (waiting for it to be inserted if needed), the PIV application selected,
 * the operation's work, and — always — the connection closed. The tab that asked is told what it waits
 * for: `card-busy` while another operation holds the reader, `insert-card` while no card is present,
 * `cleared` when its turn comes.
 */
import { type Notice } from '../src/message-results.js';
import { type CardQueue } from './card-queue.js';
import { type CardSession, type OpenCardSession } from './card-session.js';
import { type CardSource } from './card-source.js';
import { openCardWhenPresent } from './card-wait.js';
import { type Clock } from './clock.js';

/** Who asked for an operation. */
export interface Caller {
  /** Aborts when the caller's tab closes or it cancels. */
  readonly signal: AbortSignal;
  /** The origin the browser reported for the caller (`sender`), or null for the options page. */
  readonly origin: string | null;
  /** The provider's display name, when the caller is a provider. */
  readonly serviceName: string | null;
  /** True for automatic login (no click). */
  readonly automatic: boolean;
  /** Tells the caller's tab what it is waiting for. */
  notify(kind: Notice['kind']): void;
}

/** What every card operation needs. */
export interface CardJobDeps {
  readonly queue: CardQueue;
  /** The card source chosen in the settings, resolved at the start of each operation. */
  readonly source: () => Promise<CardSource>;
  readonly openSession: OpenCardSession;
  readonly clock: Clock;
}

/** Runs `work` on the card for `caller`; operations with the same `joinKey` in flight are shared. */
export function runCardJob<T>(
  deps: CardJobDeps,
  caller: Caller,
  joinKey: string | undefined,
  work: (session: CardSession, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  let waited = false;
  return deps.queue.run({
    ...(joinKey === undefined ? {} : { joinKey }),
    signal: caller.signal,
    onWait: () => {
      waited = true;
      caller.notify('card-busy');
    },
    task: async (signal) => {
      if (waited) caller.notify('cleared');
      const source = await deps.source();
      const connection = await openCardWhenPresent(source, { signal, clock: deps.clock, onInsertCard: () => caller.notify('insert-card') });
      try {
        return await work(await deps.openSession(connection), signal);
      } finally {
        await connection.close();
      }
    },
  });
}
