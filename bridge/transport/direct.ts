/**
 * The virtual-card transport: a `CardConnection` straight onto an `IccCard` in the same process (the
 * software PIV card), with no reader in between. Used by tests, benchmarks and the extension's built-in
 * virtual card.
 */
import { CardError, CardErrorCode } from '../../src/card-errors.js';
import type { CardConnection, IccCard } from './card-connection.js';

/**
 * Powers the card on and returns a connection to it: `atr` is the card's ATR, `transmit` hands each
 * command APDU to `card.process` (one at a time, in order), `close` powers the card off. After `close`,
 * `transmit` rejects with `CONNECTION_CLOSED`.
 */
export async function connectDirect(card: IccCard): Promise<CardConnection> {
  const atr = await card.powerOn();
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();
  const closedError = (): CardError => new CardError(CardErrorCode.CONNECTION_CLOSED, 'The card connection is closed');
  return {
    atr,
    transmit(command: Uint8Array): Promise<Uint8Array> {
      if (closed) return Promise.reject(closedError());
      // A card processes one APDU at a time: serialise callers that do not await each other.
      const result = queue.then(() => (closed ? Promise.reject(closedError()) : card.process(command.slice())));
      queue = result.catch(() => undefined);
      return result;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await queue;
      await card.powerOff();
    },
  };
}
