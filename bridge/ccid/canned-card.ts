/**
 * A tiny `IccCard` test double for the CCID driver's own tests: it answers a handful of instructions with
 * canned bytes so the transport can be exercised without the PIV card.
 *
 * - SELECT (A4): 9000 with a short FCI-like body.
 * - ECHO (EE): returns the command data followed by 9000 (any length; extended APDUs allowed).
 * - READ (B0): returns P1·256+P2 bytes of a counting pattern followed by 9000.
 * - anything else: 6D00.
 */
import { type IccCard } from '../transport/card-connection.js';

/** The ATR the canned card answers with (T=1, no historical bytes). */
export const CANNED_ATR = Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01);

/** Body of the canned SELECT answer. */
export const CANNED_FCI = Uint8Array.of(0x61, 0x03, 0x4f, 0x01, 0x01);

/** Offset and length of the command data of a short or extended APDU (ISO/IEC 7816-4 §5.1). */
function commandData(apdu: Uint8Array): Uint8Array {
  if (apdu.length <= 5) return new Uint8Array(0);
  if (apdu[4] !== 0) return apdu.subarray(5, 5 + apdu[4]!);
  const length = (apdu[5]! << 8) | apdu[6]!;
  return apdu.subarray(7, 7 + length);
}

/** A card with canned answers; counts what it was asked. */
export class CannedCard implements IccCard {
  powered = false;
  powerOns = 0;
  readonly commands: Uint8Array[] = [];

  powerOn(): Promise<Uint8Array> {
    this.powered = true;
    this.powerOns++;
    return Promise.resolve(CANNED_ATR.slice());
  }

  powerOff(): Promise<void> {
    this.powered = false;
    return Promise.resolve();
  }

  async process(command: Uint8Array): Promise<Uint8Array> {
    await new Promise((resolve) => setImmediate(resolve)); // a card takes a moment
    if (!this.powered) throw new Error('canned card is not powered');
    this.commands.push(command.slice());
    switch (command[1]) {
      case 0xa4:
        return Uint8Array.of(...CANNED_FCI, 0x90, 0x00);
      case 0xee: {
        const data = commandData(command);
        const out = new Uint8Array(data.length + 2);
        out.set(data);
        out.set([0x90, 0x00], data.length);
        return out;
      }
      case 0xb0: {
        const length = (command[2]! << 8) | command[3]!;
        const out = new Uint8Array(length + 2);
        for (let i = 0; i < length; i++) out[i] = i & 0xff;
        out.set([0x90, 0x00], length);
        return out;
      }
      default:
        return Uint8Array.of(0x6d, 0x00);
    }
  }
}
