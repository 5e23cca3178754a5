/**
 * The card's ISO/IEC 7816-4 transmission layer, between the raw APDU bytes and the PIV application:
 * class byte checks, command chaining (CLA bit b5, §5.1.1.1), and returning responses longer than Ne with
 * 61xx and GET RESPONSE (§5.1.3, §7.6.1) as YubiKeys do.
 *
 * The card never answers 6Cxx (wrong Le): OpenSC first reads 8 bytes of each PIV object (Le = 08) to learn
 * its length and expects the first 8 bytes with 61xx, as from a YubiKey; a 6Cxx to that probe of the
 * 20-byte Discovery Object makes OpenSC fall back to SELECT on every transaction, which resets the PIN's
 * security status (checked against OpenSC 0.23 through pcscd and vpcd).
 */
import { concatBytes } from '../../src/bytes.js';
import { parseCommand, type ReceivedCommand } from './command-parser.js';
import { type CardResponse, Sw } from './status.js';

const GET_RESPONSE = 0xc0;
/** CLA bit b5: command chaining, "not the last command of a chain" (ISO/IEC 7816-4 §5.1.1). */
const CLA_CHAINING = 0x10;
/** The most command data a chain may accumulate (a full 3063-byte object plus its TLV headers fits). */
export const MAX_CHAINED_DATA = 4096;

/** A command once the transmission layer has reassembled it (chains joined). */
export type AssembledCommand = ReceivedCommand;

/** Executes one complete command. */
export type Executor = (command: AssembledCommand) => Promise<CardResponse>;

function encode(data: Uint8Array, sw: number): Uint8Array {
  const out = new Uint8Array(data.length + 2);
  out.set(data, 0);
  out[data.length] = sw >>> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}

/** 61xx for `remaining` further bytes (xx = 00 means 256 or more). */
function moreData(remaining: number): number {
  return Sw.MORE_DATA | (remaining >= 256 ? 0 : remaining);
}

/** Volatile transmission state of one powered session: an open chain and an undelivered response. */
export class ApduFraming {
  private chain: { ins: number; p1: number; p2: number; parts: Uint8Array[]; length: number } | undefined;
  private pending: Uint8Array | undefined;

  /** Forgets any open chain and undelivered response (power cycle). */
  reset(): void {
    this.chain = undefined;
    this.pending = undefined;
  }

  /**
   * Handles one raw command APDU and returns the raw response APDU. Never throws for malformed input;
   * exceptions from `execute` propagate (the card turns them into 6F00).
   */
  async handle(raw: Uint8Array, execute: Executor): Promise<{ response: Uint8Array; ins: number; p1: number; p2: number }> {
    const header = { ins: raw[1] ?? 0, p1: raw[2] ?? 0, p2: raw[3] ?? 0 };
    const answer = (data: Uint8Array, sw: number) => ({ response: encode(data, sw), ...header });
    const parsed = parseCommand(raw);
    if ('sw' in parsed) {
      this.reset();
      return answer(new Uint8Array(0), parsed.sw);
    }
    const command = parsed.command;
    // ISO/IEC 7816-4 §5.1.1: only the interindustry class 0x00 (with the chaining bit) is supported: no
    // secure messaging, no logical channels other than 0, no proprietary class.
    if ((command.cla & ~CLA_CHAINING) !== 0x00) {
      this.reset();
      return answer(new Uint8Array(0), Sw.CLA_NOT_SUPPORTED);
    }

    // GET RESPONSE (ISO/IEC 7816-4 §7.6.1): hands out the next part of an undelivered response.
    if (command.ins === GET_RESPONSE && this.chain === undefined) {
      const pending = this.pending;
      if (command.p1 !== 0 || command.p2 !== 0) return answer(new Uint8Array(0), Sw.INCORRECT_P1P2);
      if (pending === undefined) return answer(new Uint8Array(0), Sw.CONDITIONS_NOT_SATISFIED);
      const part = pending.subarray(0, command.ne);
      const rest = pending.subarray(part.length);
      this.pending = rest.length > 0 ? rest : undefined;
      return answer(part, rest.length > 0 ? moreData(rest.length) : Sw.OK);
    }
    this.pending = undefined;

    // Command chaining (ISO/IEC 7816-4 §5.1.1.1): every link carries the same INS P1 P2.
    const chained = (command.cla & CLA_CHAINING) !== 0;
    const chain = this.chain;
    if (chain !== undefined && (chain.ins !== command.ins || chain.p1 !== command.p1 || chain.p2 !== command.p2)) {
      this.chain = undefined;
      return answer(new Uint8Array(0), Sw.LAST_COMMAND_EXPECTED);
    }
    if (chained || chain !== undefined) {
      const current = chain ?? { ins: command.ins, p1: command.p1, p2: command.p2, parts: [], length: 0 };
      current.parts.push(command.data);
      current.length += command.data.length;
      if (current.length > MAX_CHAINED_DATA) {
        this.chain = undefined;
        return answer(new Uint8Array(0), Sw.NOT_ENOUGH_MEMORY);
      }
      if (chained) {
        this.chain = current;
        return answer(new Uint8Array(0), Sw.OK);
      }
      this.chain = undefined;
      return this.respond(command, { ...command, cla: 0x00, data: concatBytes(...current.parts) }, execute, answer);
    }
    return this.respond(command, command, execute, answer);
  }

  private async respond<T>(
    last: ReceivedCommand,
    full: AssembledCommand,
    execute: Executor,
    answer: (data: Uint8Array, sw: number) => T,
  ): Promise<T> {
    const result = await execute(full);
    const data = result.data;
    if (data.length <= last.ne) return answer(data, result.sw);
    // The first Ne bytes now and 61xx for the rest (ISO/IEC 7816-4 §5.1.3; YubiKey behaviour).
    const part = data.subarray(0, last.ne);
    this.pending = data.subarray(last.ne);
    return answer(part, moreData(this.pending.length));
  }
}
