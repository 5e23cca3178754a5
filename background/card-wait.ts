/**
 * "Insert your card": opens the card from a source, and when the reader holds no card (`NO_CARD`), tells
 * the tab once (`onInsertCard`) and keeps trying every `pollMs` until the card is there — then proceeds by
 * itself — or until `signal` aborts (the user pressed Cancel on the notice, or the tab closed).
 */
import { type CardConnection } from '../bridge/transport/card-connection.js';
import { CardErrorCode, isCardError } from '../src/card-errors.js';
import { type CardSource } from './card-source.js';
import { type Clock } from './clock.js';
import { abortedError } from './reader-lock.js';

/** How often a missing card is looked for. */
export const CARD_POLL_MS = 1_000;

/** Options of `openCardWhenPresent`. */
export interface CardWaitOptions {
  readonly signal: AbortSignal;
  readonly onInsertCard: () => void;
  readonly clock: Clock;
  readonly pollMs?: number;
}

/** Opens the card, waiting for it to be inserted if needed. Rejects with `OPERATION_ABORTED` on abort. */
export async function openCardWhenPresent(source: CardSource, options: CardWaitOptions): Promise<CardConnection> {
  let told = false;
  for (;;) {
    if (options.signal.aborted) throw abortedError();
    try {
      return await source.openCard();
    } catch (error) {
      if (!isCardError(error, CardErrorCode.NO_CARD)) throw error;
    }
    if (!told) {
      told = true;
      options.onInsertCard();
    }
    await pause(options.clock, options.pollMs ?? CARD_POLL_MS, options.signal);
  }
}

function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal.aborted) {
      reject(abortedError());
      return;
    }
    const cancel = clock.after(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    const onAbort = (): void => {
      cancel();
      reject(abortedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
