/**
 * The APDU pipeline over a `CardConnection` (yubikit's ApduProcessor): encodes commands, chains long
 * command data, collects long responses with GET RESPONSE, and re-issues on 6Cxx. Status words stay data:
 * the result is `{ data, sw }` of the last exchange, with all response data concatenated.
 */
import { CardError, CardErrorCode } from '../../src/card-errors.js';
import { concatBytes } from '../../src/bytes.js';
import type { CardConnection } from '../transport/card-connection.js';
import { type CommandApdu, encodeCommand, EXTENDED_MAX_NC, needsExtended, SHORT_MAX_NC, SHORT_MAX_NE } from './command.js';
import { parseResponse, type ResponseApdu } from './response.js';

/** CLA bit b5: command chaining, "not the last command of a chain" (ISO/IEC 7816-4 §5.1.1.1). */
export const CLA_CHAINING = 0x10;
/** GET RESPONSE instruction (ISO/IEC 7816-4 §7.6.1). */
export const INS_GET_RESPONSE = 0xc0;
/** Upper bound on one reassembled response; more than this means a runaway card. */
export const MAX_REASSEMBLED_LENGTH = 1 << 20;
/** Upper bound on GET RESPONSE rounds for one command (a card answering 6100 with no data must not hang us). */
export const MAX_GET_RESPONSE_ROUNDS = 4096;

/** Options of the pipeline. */
export interface ApduProcessorOptions {
  /**
   * Use extended length fields when a command needs them (card and reader must support it). Default
   * false: long data is chained and long responses are collected with GET RESPONSE, which every PIV card
   * supports (SP 800-73-4 Part 2 §3: command chaining is mandatory, extended length is not).
   */
  readonly extendedLength?: boolean;
}

/** Sends commands over one connection and reassembles their responses. */
export class ApduProcessor {
  /** Number of APDUs exchanged with the card so far (for benchmarks and diagnostics). */
  exchanges = 0;
  readonly #connection: CardConnection;
  readonly #extended: boolean;

  constructor(connection: CardConnection, options: ApduProcessorOptions = {}) {
    this.#connection = connection;
    this.#extended = options.extendedLength ?? false;
  }

  /** The connection's ATR. */
  get atr(): Uint8Array {
    return this.#connection.atr;
  }

  /**
   * Sends one logical command and resolves to its complete response. Never throws for a status word;
   * throws `APDU_MALFORMED` for a response that is not an APDU, transport errors as the transport raises
   * them, `INVALID_ARGUMENT` for a command that cannot be encoded.
   */
  async transmit(command: CommandApdu): Promise<ResponseApdu> {
    const data = command.data ?? new Uint8Array(0);
    if (this.#extended && needsExtended(command)) {
      if (data.length > EXTENDED_MAX_NC) throw new CardError(CardErrorCode.INVALID_ARGUMENT, `command data of ${data.length} bytes is too long`);
      return this.#collect(command, true);
    }
    // Command chaining, ISO/IEC 7816-4 §5.1.1.1: every part but the last carries CLA b5 = 1 and no Le.
    let offset = 0;
    while (data.length - offset > SHORT_MAX_NC) {
      const part: CommandApdu = { ...command, cla: command.cla | CLA_CHAINING, data: data.subarray(offset, offset + SHORT_MAX_NC), ne: undefined };
      const response = await this.#exchange(part, false);
      if (response.sw !== 0x9000) return response; // the card refused a link of the chain: its status is the answer
      offset += SHORT_MAX_NC;
    }
    const last: CommandApdu = {
      ...command,
      data: data.subarray(offset),
      ne: command.ne === undefined ? undefined : Math.min(command.ne, SHORT_MAX_NE),
    };
    return this.#collect(last, false);
  }

  /** Sends `command` and follows 6Cxx and 61xx until the card gives a final status. */
  async #collect(command: CommandApdu, extended: boolean): Promise<ResponseApdu> {
    let response = await this.#exchange(command, extended);
    // 6Cxx: wrong Le, SW2 = the exact length; re-issue the same command once with Ne = SW2 (ISO/IEC 7816-4 §5.1.3).
    // Only a command that asked for data is re-sent: a card answering 6Cxx to a case 1/3 command (VERIFY with
    // the PIN, say) is misbehaving, and the PIN is never sent again by itself.
    if (response.sw >>> 8 === 0x6c && command.ne !== undefined) response = await this.#exchange({ ...command, ne: response.sw & 0xff || 256 }, extended);
    const parts: Uint8Array[] = [];
    let total = 0;
    // 61xx: SW2 more bytes available (00 = 256 or more); fetch them with GET RESPONSE (ISO/IEC 7816-4 §5.1.3, §7.6.1).
    while (response.sw >>> 8 === 0x61) {
      parts.push(response.data);
      total += response.data.length;
      if (total > MAX_REASSEMBLED_LENGTH || parts.length > MAX_GET_RESPONSE_ROUNDS) {
        throw new CardError(CardErrorCode.APDU_MALFORMED, 'Runaway response: the card keeps answering 61xx', { length: total, rounds: parts.length });
      }
      const getResponse: CommandApdu = { cla: command.cla & ~CLA_CHAINING, ins: INS_GET_RESPONSE, p1: 0, p2: 0, ne: response.sw & 0xff || 256 };
      response = await this.#exchange(getResponse, false);
      if (response.sw >>> 8 === 0x6c) response = await this.#exchange({ ...getResponse, ne: response.sw & 0xff || 256 }, false);
    }
    if (parts.length === 0) return response;
    parts.push(response.data);
    return { data: concatBytes(...parts), sw: response.sw };
  }

  async #exchange(command: CommandApdu, extended: boolean): Promise<ResponseApdu> {
    const bytes = encodeCommand(command, extended);
    this.exchanges++;
    return parseResponse(await this.#connection.transmit(bytes));
  }
}
