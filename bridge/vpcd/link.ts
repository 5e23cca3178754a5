/**
 * One vpcd connection's protocol: turns vpcd's messages into calls on an `IccCard` and sends the replies.
 *
 * vsmartcard vpcd.c (vicc_poweroff/poweron/reset/getatr/transmit): a 1-byte message is a control code —
 * 0 power off, 1 power on, 2 reset (no reply to any of these), 4 get ATR (reply: the ATR); a longer message
 * is a command APDU (reply: the response APDU). vpcd waits for each reply before sending anything else, but
 * messages are still handled strictly one after another here so a slow card cannot reorder replies.
 */
import { type IccCard } from '../transport/card-connection.js';
import { encodeFrame, FrameDecoder } from './frame.js';
import { VpcdError, VpcdErrorCode } from './errors.js';
import { type VpcdLog } from './log.js';
import { ApduRedactor, type ApduTrace } from './redact.js';

/** vpcd control codes (vsmartcard vpcd.h: VPCD_CTRL_OFF/ON/RESET/ATR). */
export const VpcdControl = {
  POWER_OFF: 0,
  POWER_ON: 1,
  RESET: 2,
  GET_ATR: 4,
} as const;

/** ISO/IEC 7816-4 §5.6 SW 6F00 "no precise diagnosis": what vpcd gets when the card itself failed. */
const SW_NO_PRECISE_DIAGNOSIS = Uint8Array.of(0x6f, 0x00);

/** What a link needs from its connection. */
export interface VpcdLinkOptions {
  /** The card in the virtual reader. */
  readonly card: IccCard;
  /** Writes one whole frame (length prefix included) to vpcd. */
  readonly send: (frame: Uint8Array) => void;
  /** Receives log lines (typed errors for malformed frames and card failures; redacted APDU traces at debug). */
  readonly log: VpcdLog;
  /** Called after every APDU exchange with a redacted description (for traces of what a tool sent). */
  readonly onExchange?: (trace: ApduTrace) => void;
}

/** The card side of one vpcd connection. Feed it received bytes; it answers through `send`. */
export class VpcdLink {
  private readonly decoder = new FrameDecoder();
  private readonly redactor = new ApduRedactor();
  private queue: Promise<void> = Promise.resolve();
  private atr: Uint8Array | undefined;
  private powered = false;
  private closed = false;

  constructor(private readonly options: VpcdLinkOptions) {}

  /** Accepts bytes as they arrive from the socket (any split); whole messages are handled in order. */
  receive(chunk: Uint8Array): void {
    for (const message of this.decoder.push(chunk)) {
      this.queue = this.queue.then(() => this.handle(message));
    }
  }

  /** Resolves once every message received so far has been handled. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** The card leaves the reader: waits for the message in progress, then powers the card off. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    if (this.powered) {
      this.powered = false;
      await this.options.card.powerOff();
    }
  }

  private async handle(message: Uint8Array): Promise<void> {
    if (this.closed) return;
    try {
      if (message.length === 0) {
        throw new VpcdError(VpcdErrorCode.VPCD_MALFORMED_FRAME, 'vpcd sent an empty message');
      }
      if (message.length === 1) await this.control(message[0]!);
      else await this.apdu(message);
    } catch (error) {
      // Each failure is reported and the link goes on: vpcd decides whether the card is still there.
      this.options.log('error', error instanceof Error ? error.message : String(error), error instanceof Error ? error : undefined);
    }
  }

  private async control(code: number): Promise<void> {
    const { card } = this.options;
    switch (code) {
      case VpcdControl.POWER_OFF:
        this.options.log('debug', 'vpcd: power off');
        this.powered = false;
        await card.powerOff();
        return;
      case VpcdControl.POWER_ON:
      case VpcdControl.RESET:
        this.options.log('debug', code === VpcdControl.RESET ? 'vpcd: reset' : 'vpcd: power on');
        this.atr = await card.powerOn();
        this.powered = true;
        return;
      case VpcdControl.GET_ATR:
        this.options.send(encodeFrame(await this.currentAtr()));
        return;
      default:
        throw new VpcdError(VpcdErrorCode.VPCD_MALFORMED_FRAME, `vpcd sent an unknown control code ${code}`, { code });
    }
  }

  /**
   * The ATR of the inserted card. pcscd polls it (IFDHICCPresence → vicc_present) whether or not the card
   * is powered, so the first time it is learnt by a power cycle that leaves the card as it was.
   */
  private async currentAtr(): Promise<Uint8Array> {
    if (this.atr === undefined) {
      this.atr = await this.options.card.powerOn();
      if (!this.powered) await this.options.card.powerOff();
    }
    return this.atr;
  }

  private async apdu(command: Uint8Array): Promise<void> {
    let response: Uint8Array;
    let frame: Uint8Array;
    let failure: VpcdError | undefined;
    try {
      response = await this.options.card.process(command);
      frame = encodeFrame(response);
    } catch (error) {
      // vpcd blocks until it gets a reply, so a failing card still answers: 6F00, and the failure is logged.
      const cause = error instanceof Error ? error : new Error(String(error));
      const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : null;
      response = SW_NO_PRECISE_DIAGNOSIS;
      frame = encodeFrame(response);
      failure = new VpcdError(VpcdErrorCode.VPCD_CARD_FAILED, `card failed: ${cause.message}`, { cause: code });
    }
    this.options.send(frame);
    const trace = this.redactor.trace(command, response);
    this.options.onExchange?.(trace);
    this.options.log('debug', `apdu ${trace.command} -> ${trace.responseLength} bytes ${trace.sw}`);
    if (failure) throw new VpcdError(failure.code, `${failure.message} (command ${trace.command})`, { ...failure.details });
  }
}
