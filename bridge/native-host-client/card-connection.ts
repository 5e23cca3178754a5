/**
 * A `CardConnection` over the native PC/SC host, with the PC/SC transaction exposed: the background opens
 * one per card operation with `transaction: true`, so the card is the operation's alone from SELECT through
 * VERIFY and GENERAL AUTHENTICATE — no other browser, no other program in between — and `close` resets the
 * card, so the verified PIN does not outlive the operation (SP 800-73-4 Part 2 §2.4.3 security status).
 */
import { fromBase64, toBase64 } from '../../src/bytes.js';
import { CardError, CardErrorCode, isCardError } from '../../src/card-errors.js';
import { KyotsuError } from '../../src/errors.js';
import { NativeHostErrorCode } from '../../src/native-host-errors.js';
import { type EndDisposition, type Handle } from '../../src/native-host-protocol.js';
import { type CardConnection } from '../transport/card-connection.js';
import { type NativeHostClient } from './client.js';

/** How to open a card connection. */
export interface NativeConnectOptions {
  /** Begin a PC/SC transaction right away, held until `close` (default true). */
  readonly transaction?: boolean;
  /** How long to wait for another program to release the card (ms, default 30 000). */
  readonly waitMs?: number;
}

/** Errors after which there is nothing left at the host to release. */
function nothingToRelease(error: unknown): boolean {
  if (isCardError(error, CardErrorCode.CARD_REMOVED) || isCardError(error, CardErrorCode.READER_UNPLUGGED)) return true;
  if (!(error instanceof KyotsuError)) return false;
  return (
    error.code === NativeHostErrorCode.HANDLE_UNKNOWN ||
    error.code === NativeHostErrorCode.HOST_DISCONNECTED ||
    error.code === NativeHostErrorCode.PCSC_UNAVAILABLE
  );
}

/** The card in one reader, through the native host. */
export class NativeCardConnection implements CardConnection {
  private inTransaction = false;
  private closed = false;

  private constructor(
    private readonly client: NativeHostClient,
    /** The host's handle. */
    readonly handle: Handle,
    /** The reader's PC/SC name. */
    readonly reader: string,
    readonly atr: Uint8Array,
  ) {}

  /** Opens the card in `reader` (NO_CARD, READER_UNPLUGGED, READER_BUSY, PCSC_UNAVAILABLE, … as typed errors). */
  static async open(client: NativeHostClient, reader: string, options: NativeConnectOptions = {}): Promise<NativeCardConnection> {
    const { handle, atr } = await client.request({ type: 'connect', reader });
    const connection = new NativeCardConnection(client, handle, reader, fromBase64(atr));
    if (options.transaction ?? true) {
      try {
        await connection.beginTransaction(options.waitMs ?? 30_000);
      } catch (error) {
        await connection.close();
        throw error;
      }
    }
    return connection;
  }

  /** True while this connection holds the card exclusively. */
  get transactionOpen(): boolean {
    return this.inTransaction;
  }

  /** Takes the card exclusively, waiting up to `waitMs` for another program (READER_BUSY after that). */
  async beginTransaction(waitMs = 30_000): Promise<void> {
    await this.client.request({ type: 'begin', handle: this.handle, timeoutMs: waitMs }, waitMs + 15_000);
    this.inTransaction = true;
  }

  /** Releases the card; `reset` (the default) drops the card's security state. */
  async endTransaction(disposition: EndDisposition = 'reset'): Promise<void> {
    this.inTransaction = false;
    await this.client.request({ type: 'end', handle: this.handle, disposition });
  }

  /** Sends one APDU; status words are not interpreted here. */
  async transmit(command: Uint8Array): Promise<Uint8Array> {
    if (this.closed) throw new CardError(CardErrorCode.CONNECTION_CLOSED, 'The native card connection is closed', { reader: this.reader });
    try {
      return fromBase64((await this.client.request({ type: 'transmit', handle: this.handle, apdu: toBase64(command) })).response);
    } catch (error) {
      // The host ended the transaction when the card went away.
      if (nothingToRelease(error)) this.inTransaction = false;
      throw error;
    }
  }

  /** Ends the transaction (with a reset) and the handle; idempotent. A card or host already gone is not an error here. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.inTransaction = false;
    try {
      await this.client.request({ type: 'disconnect', handle: this.handle });
    } catch (error) {
      if (!nothingToRelease(error)) throw error;
    }
  }
}
