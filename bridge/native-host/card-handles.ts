/**
 * The host's card connections ("handles") and their PC/SC transactions.
 *
 * The `smartcard` package does not expose SCardBeginTransaction/SCardEndTransaction, so a transaction is an
 * exclusive connection: `begin` is SCardConnect(SCARD_SHARE_EXCLUSIVE), retried while another program (such
 * as the other browser's host) holds the card, and `end` is SCardDisconnect with the requested disposition.
 * That gives the guarantee a transaction gives — no other program sends an APDU to the card or resets it
 * in between — and more: between transactions a handle holds nothing, so it never blocks another
 * program's exclusive access either (a shared connection held open would: pcsc-lite refuses an exclusive
 * connect while any other connection exists).
 *
 * A handle is tied to the card that was in the reader when it was opened: pcsc-lite counts card events in
 * the reader state, so a card removed and put back (or swapped) between transactions, or a pcscd restart,
 * makes the handle "lost" and its next use fails with CARD_REMOVED — the browser connects again.
 */
import {
  SCARD_LEAVE_CARD,
  SCARD_PROTOCOL_T0,
  SCARD_PROTOCOL_T1,
  SCARD_RESET_CARD,
  SCARD_SHARE_EXCLUSIVE,
  type CardInterface,
} from 'smartcard';
import { bytesEqual, fromBase64 } from '../../src/bytes.js';
import { CardError, CardErrorCode, isCardError } from '../../src/card-errors.js';
import { NativeHostError, NativeHostErrorCode } from '../../src/native-host-errors.js';
import { type EndDisposition, MAX_RESPONSE_APDU_BYTES } from '../../src/native-host-protocol.js';
import { pcscError } from '../pcsc/pcsc-connection.js';
import { ApduLog, type HostLog } from './log.js';
import { isServiceGone, isSharingViolation } from './pcsc-readers.js';
import { type PcscService } from './pcsc-service.js';

/** How long after an unexplained command failure the host watches for the card's removal to show (ms). */
const REMOVAL_GRACE_MS = 1500;

/** Most handles one port may hold open. */
export const MAX_HANDLES = 32;

/** Tuning of the handle table. */
export interface CardHandlesOptions {
  /** How often `begin` retries while another program holds the card (ms, default 20). */
  readonly pollMs?: number;
  /** How long a `transmit` outside a transaction waits for the card (ms, default 10 000). */
  readonly implicitWaitMs?: number;
}

interface Entry {
  readonly id: number;
  readonly reader: string;
  readonly atr: Uint8Array;
  /** pcsc-lite's card event count when the handle was opened (0 where the platform does not count). */
  readonly events: number;
  /** The service generation the handle was opened in. */
  readonly generation: number;
  readonly apduLog: ApduLog;
  /** The exclusive connection while a transaction is open. */
  card: CardInterface | undefined;
  /** Why the handle can no longer be used, once its card went away. */
  lost: CardError | undefined;
  /** Operations on one handle run one after another, in arrival order. */
  queue: Promise<unknown>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The open handles of one host. */
export class CardHandles {
  private readonly entries = new Map<number, Entry>();
  private nextId = 1;
  private closing = false;
  private readonly pollMs: number;
  private readonly implicitWaitMs: number;

  constructor(
    private readonly service: PcscService,
    private readonly log: HostLog,
    options: CardHandlesOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 20;
    this.implicitWaitMs = options.implicitWaitMs ?? 10_000;
  }

  /** Number of open handles. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Opens a handle on the card now in `reader`. Holds no PC/SC connection yet. Throws READER_UNPLUGGED (no
   * such reader), NO_CARD (empty), TRANSPORT_REFUSED (a card that does not answer), PCSC_UNAVAILABLE.
   */
  connect(reader: string): { handle: number; atr: Uint8Array } {
    if (this.entries.size >= MAX_HANDLES) {
      throw new NativeHostError(NativeHostErrorCode.TOO_MANY_HANDLES, `At most ${MAX_HANDLES} card handles may be open`, { max: MAX_HANDLES });
    }
    const found = this.service.reader(reader);
    if (!found) throw new CardError(CardErrorCode.READER_UNPLUGGED, `No PC/SC reader named '${reader}'`, { reader });
    const { info, events } = found.snapshot;
    if (info.card === 'empty') throw new CardError(CardErrorCode.NO_CARD, `No card in '${reader}'`, { reader });
    if (info.card !== 'present' || info.atr === null) {
      throw new CardError(CardErrorCode.TRANSPORT_REFUSED, `The card in '${reader}' does not answer (${info.card})`, { reader, state: info.card });
    }
    const id = this.nextId;
    this.nextId = this.nextId >= 0x7fffffff ? 1 : this.nextId + 1;
    const atr = fromBase64(info.atr);
    this.entries.set(id, {
      id,
      reader,
      atr,
      events,
      generation: this.service.generation,
      apduLog: new ApduLog(this.log),
      card: undefined,
      lost: undefined,
      queue: Promise.resolve(),
    });
    this.log.info(`handle ${id}: opened on '${reader}'`);
    return { handle: id, atr };
  }

  /**
   * Takes the card exclusively, waiting up to `timeoutMs` while another program holds it (then READER_BUSY).
   * Resolves to the ATR and how long it waited.
   */
  begin(handle: number, timeoutMs: number): Promise<{ atr: Uint8Array; waitedMs: number }> {
    return this.serial(handle, async (entry) => {
      const { atr, waitedMs } = await this.beginNow(entry, timeoutMs);
      return { atr, waitedMs };
    });
  }

  /**
   * Sends one command APDU and resolves to the whole response (data ‖ SW1 SW2). Outside a transaction the
   * APDU gets one of its own (which waits up to 10 s for the card and leaves the card as it is).
   */
  transmit(handle: number, command: Uint8Array): Promise<Uint8Array> {
    return this.serial(handle, async (entry) => {
      if (entry.card) return this.transmitNow(entry, entry.card, command);
      const { card } = await this.beginNow(entry, this.implicitWaitMs);
      try {
        return await this.transmitNow(entry, card, command);
      } finally {
        this.endNow(entry, 'leave');
      }
    });
  }

  /** Ends the handle's transaction. Ending one that its card's removal already ended succeeds. */
  end(handle: number, disposition: EndDisposition): Promise<void> {
    return this.serial(handle, (entry) => {
      if (!entry.card) {
        if (entry.lost) return Promise.resolve();
        throw new NativeHostError(NativeHostErrorCode.NO_TRANSACTION, `Handle ${handle} holds no transaction`, { handle });
      }
      this.endNow(entry, disposition);
      return Promise.resolve();
    });
  }

  /** Forgets the handle, ending its transaction with a card reset if one is open. */
  disconnect(handle: number): Promise<void> {
    return this.serial(handle, (entry) => {
      if (entry.card) this.endNow(entry, 'reset');
      this.entries.delete(entry.id);
      this.log.info(`handle ${entry.id}: closed`);
      return Promise.resolve();
    });
  }

  /** Ends every transaction (with a reset, so no verified PIN outlives the browser session) and forgets every handle. */
  async closeAll(): Promise<void> {
    // A `begin` still waiting for another program's transaction gives up now instead of holding up the close.
    this.closing = true;
    await Promise.all([...this.entries.keys()].map((handle) => this.disconnect(handle).catch((error: unknown) => this.log.warn(`closing handle ${handle}: ${String(error)}`))));
  }

  /** Runs `operation` on the handle after the ones before it. */
  private serial<T>(handle: number, operation: (entry: Entry) => Promise<T>): Promise<T> {
    const entry = this.entries.get(handle);
    if (!entry) return Promise.reject(new NativeHostError(NativeHostErrorCode.HANDLE_UNKNOWN, `No open card handle ${handle}`, { handle }));
    const result = entry.queue.then(() => operation(entry));
    entry.queue = result.catch(() => undefined);
    return result;
  }

  private async beginNow(entry: Entry, timeoutMs: number): Promise<{ card: CardInterface; atr: Uint8Array; waitedMs: number }> {
    if (entry.card) throw new NativeHostError(NativeHostErrorCode.TRANSACTION_ACTIVE, `Handle ${entry.id} already holds its transaction`, { handle: entry.id });
    const started = Date.now();
    const deadline = started + timeoutMs;
    for (;;) {
      if (entry.lost) throw entry.lost;
      if (this.closing) throw new CardError(CardErrorCode.CONNECTION_CLOSED, 'The host is closing', { reader: entry.reader });
      const found = this.service.reader(entry.reader);
      if (this.service.generation !== entry.generation) {
        throw this.lose(entry, CardErrorCode.CARD_REMOVED, `The PC/SC service restarted since '${entry.reader}' was opened, so the card was reset: connect again`);
      }
      if (!found) throw this.lose(entry, CardErrorCode.READER_UNPLUGGED, `The reader '${entry.reader}' is gone`);
      const { snapshot } = found;
      if (snapshot.info.card !== 'present') throw this.lose(entry, CardErrorCode.CARD_REMOVED, `The card was removed from '${entry.reader}'`);
      if (snapshot.events !== entry.events) throw this.lose(entry, CardErrorCode.CARD_REMOVED, `The card in '${entry.reader}' was removed and inserted again: connect again`);
      let card: CardInterface;
      try {
        // PC/SC Part 5 §3.1.3 SCardConnect: exclusive, T=1 preferred, T=0 accepted.
        card = await found.reader.connect(SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0);
      } catch (error) {
        if (isSharingViolation(error)) {
          if (Date.now() >= deadline) {
            throw new NativeHostError(NativeHostErrorCode.READER_BUSY, `Another program kept the card in '${entry.reader}' for more than ${timeoutMs} ms`, {
              reader: entry.reader,
              waitedMs: Date.now() - started,
            });
          }
          await sleep(this.pollMs);
          continue;
        }
        if (isServiceGone(error)) throw this.service.lost(error);
        const typed = pcscError(error, entry.reader);
        if (isCardError(typed, CardErrorCode.NO_CARD) || isCardError(typed, CardErrorCode.CARD_REMOVED)) {
          throw this.lose(entry, CardErrorCode.CARD_REMOVED, `The card was removed from '${entry.reader}'`);
        }
        throw typed;
      }
      const atr = new Uint8Array(card.atr ?? card.getStatus().atr);
      // Where the platform counts no card events, a different ATR is the sign of another card.
      if (entry.events === 0 && !bytesEqual(atr, entry.atr)) {
        this.release(entry, card, SCARD_LEAVE_CARD);
        throw this.lose(entry, CardErrorCode.CARD_REMOVED, `Another card is in '${entry.reader}' now: connect again`);
      }
      entry.card = card;
      const waitedMs = Date.now() - started;
      this.log.debug(`handle ${entry.id}: transaction begun${waitedMs > 0 ? ` after waiting ${waitedMs} ms` : ''}`);
      return { card, atr, waitedMs };
    }
  }

  private async transmitNow(entry: Entry, card: CardInterface, command: Uint8Array): Promise<Uint8Array> {
    let response: Uint8Array;
    try {
      response = new Uint8Array(await card.transmit(Buffer.from(command), { maxRecvLength: MAX_RESPONSE_APDU_BYTES }));
    } catch (error) {
      if (isServiceGone(error)) {
        this.lose(entry, CardErrorCode.CARD_REMOVED, 'The PC/SC service stopped during the command');
        throw this.service.lost(error);
      }
      const typed = pcscError(error, entry.reader);
      if (isCardError(typed, CardErrorCode.CARD_REMOVED) || isCardError(typed, CardErrorCode.NO_CARD) || (await this.cardLeftWithin(entry, REMOVAL_GRACE_MS))) {
        throw this.lose(entry, CardErrorCode.CARD_REMOVED, `The card was removed from '${entry.reader}' during the command`);
      }
      if (isCardError(typed, CardErrorCode.READER_UNPLUGGED)) throw this.lose(entry, CardErrorCode.READER_UNPLUGGED, `The reader '${entry.reader}' is gone`);
      throw typed;
    }
    entry.apduLog.exchange(entry.reader, command, response);
    return response;
  }

  /**
   * After a command failed for no stated reason (SCARD_E_NOT_TRANSACTED, a reader driver error): did the
   * card just leave? pcscd learns of a removal by polling some readers (every 400 ms for vpcd and serial
   * readers), so the answer may take a moment to show.
   */
  private async cardLeftWithin(entry: Entry, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (!this.cardStillThere(entry)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(50);
    }
  }

  /** Is the card the handle was opened on still in the reader? */
  private cardStillThere(entry: Entry): boolean {
    try {
      const found = this.service.reader(entry.reader);
      return found !== undefined && found.snapshot.info.card === 'present' && found.snapshot.events === entry.events;
    } catch (error) {
      this.log.debug(`checking '${entry.reader}' after a failed command: ${String(error)}`);
      return false;
    }
  }

  private endNow(entry: Entry, disposition: EndDisposition): void {
    const card = entry.card;
    entry.card = undefined;
    if (!card) return;
    // SCardEndTransaction's dispositions (PC/SC Part 5 §3.1.3): reset drops the card's security state.
    this.release(entry, card, disposition === 'reset' ? SCARD_RESET_CARD : SCARD_LEAVE_CARD);
    this.log.debug(`handle ${entry.id}: transaction ended (${disposition})`);
  }

  /** SCardDisconnect that cannot fail the caller: a card or service already gone has nothing left to release. */
  private release(entry: Entry, card: CardInterface, disposition: number): void {
    try {
      card.disconnect(disposition);
    } catch (error) {
      if (isServiceGone(error)) return;
      const typed = pcscError(error, entry.reader);
      if (isCardError(typed, CardErrorCode.CARD_REMOVED) || isCardError(typed, CardErrorCode.NO_CARD) || isCardError(typed, CardErrorCode.CONNECTION_CLOSED)) return;
      this.log.warn(`handle ${entry.id}: releasing the card: ${typed.message}`);
    }
  }

  /** Marks the handle lost (its card or service went away), dropping any connection; returns the error to throw. */
  private lose(entry: Entry, code: CardErrorCode, message: string): CardError {
    if (entry.card) {
      this.release(entry, entry.card, SCARD_LEAVE_CARD);
      entry.card = undefined;
    }
    entry.lost ??= new CardError(code, message, { reader: entry.reader });
    this.log.info(`handle ${entry.id}: ${entry.lost.message}`);
    return entry.lost;
  }
}
