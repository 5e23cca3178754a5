/**
 * A `CardConnection` over PC/SC (pcsc-lite, WinSCard) through the `smartcard` N-API package: the way the
 * native host reaches ordinary readers, and the way the interoperability tests reach the software card in
 * vsmartcard's virtual reader. PC/SC failures become typed card errors here and nowhere else.
 */
import {
  Context,
  SCARD_LEAVE_CARD,
  SCARD_PROTOCOL_T0,
  SCARD_PROTOCOL_T1,
  SCARD_SHARE_EXCLUSIVE,
  SCARD_SHARE_SHARED,
  SCARD_UNPOWER_CARD,
  type CardInterface,
  type ContextInterface,
} from 'smartcard';
import { CardError, CardErrorCode } from '../../src/card-errors.js';
import { type CardConnection } from '../transport/card-connection.js';

/** Largest response APDU: 65536 data bytes of an extended Le plus SW1 SW2 (ISO/IEC 7816-4 §5.1). */
const MAX_RESPONSE = 65538;

/** pcsc-lite's messages (as the `smartcard` package reports them) and the card error each one is. */
const PCSC_ERRORS: readonly [RegExp, CardErrorCode][] = [
  [/card was removed|card was reset|card is unpowered|card is unresponsive/i, CardErrorCode.CARD_REMOVED],
  [/no smart card present/i, CardErrorCode.NO_CARD],
  [/reader unavailable|unknown reader/i, CardErrorCode.READER_UNPLUGGED],
  [/timed out/i, CardErrorCode.TRANSPORT_TIMEOUT],
  [/not connected/i, CardErrorCode.CONNECTION_CLOSED],
];

/** Turns whatever the `smartcard` package threw into a `CardError` naming the reader. */
export function pcscError(error: unknown, reader: string): CardError {
  if (error instanceof CardError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = PCSC_ERRORS.find(([pattern]) => pattern.test(message))?.[1] ?? CardErrorCode.TRANSPORT_REFUSED;
  const hint = /service not running|service stopped|no readers/i.test(message) ? ' (is pcscd running?)' : '';
  return new CardError(code, `PC/SC reader '${reader}': ${message}${hint}`, { reader, pcsc: message });
}

/** Opens a PC/SC context; `TRANSPORT_REFUSED` with a hint when pcscd is not running. */
function openContext(): ContextInterface {
  try {
    return new Context();
  } catch (error) {
    throw pcscError(error, '(none)');
  }
}

/** Names of the PC/SC readers present now (empty when there are none). */
export function listPcscReaders(): string[] {
  const context = openContext();
  try {
    return context.listReaders().map((reader) => reader.name);
  } catch (error) {
    throw pcscError(error, '(none)');
  } finally {
    context.close();
  }
}

/** How to connect. */
export interface PcscConnectOptions {
  /**
   * `exclusive` (default) keeps other PC/SC programs off the card for the whole connection, so nobody can
   * reset it between VERIFY and GENERAL AUTHENTICATE (the `smartcard` package has no SCardBeginTransaction).
   */
  readonly share?: 'exclusive' | 'shared';
}

/**
 * Connects to the card in the reader named exactly `reader` (T=1 or T=0). Rejects with `READER_UNPLUGGED`
 * when there is no such reader, `NO_CARD` when it is empty, `TRANSPORT_REFUSED` when pcscd is not running
 * or another program holds the card exclusively.
 */
export async function connectPcsc(reader: string, options: PcscConnectOptions = {}): Promise<CardConnection> {
  const context = openContext();
  let card: CardInterface;
  try {
    const found = context.listReaders().find((candidate) => candidate.name === reader);
    if (!found) throw new CardError(CardErrorCode.READER_UNPLUGGED, `No PC/SC reader named '${reader}'`, { reader });
    const share = options.share === 'shared' ? SCARD_SHARE_SHARED : SCARD_SHARE_EXCLUSIVE;
    card = await found.connect(share, SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0);
  } catch (error) {
    context.close();
    throw pcscError(error, reader);
  }
  const atr = new Uint8Array(card.atr ?? card.getStatus().atr);
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();
  return {
    atr,
    transmit(command: Uint8Array): Promise<Uint8Array> {
      if (closed) return Promise.reject(new CardError(CardErrorCode.CONNECTION_CLOSED, 'The PC/SC connection is closed', { reader }));
      // One APDU at a time, in call order, as on the wire.
      const result = queue.then(async () => {
        try {
          const response = await card.transmit(Buffer.from(command), { maxRecvLength: MAX_RESPONSE });
          return new Uint8Array(response);
        } catch (error) {
          throw pcscError(error, reader);
        }
      });
      queue = result.catch(() => undefined);
      return result;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await queue;
      try {
        // Exclusive: unpower, so a verified PIN never outlives the connection (SP 800-73-4 Part 2 §2.4.3).
        // Shared: other programs may be using the card, so it is left as it is.
        card.disconnect(options.share === 'shared' ? SCARD_LEAVE_CARD : SCARD_UNPOWER_CARD);
      } catch (error) {
        // A card removed before close has nothing left to release; anything else is worth reporting.
        const typed = pcscError(error, reader);
        if (typed.code !== CardErrorCode.CARD_REMOVED && typed.code !== CardErrorCode.CONNECTION_CLOSED) throw typed;
      } finally {
        context.close();
      }
    },
  };
}
