/**
 * Command APDU encoding, ISO/IEC 7816-4 §5.1 (2020 ed.: §5.2): the four cases, short and extended.
 * Lengths are given as numbers of bytes (Nc, Ne) and encoded here: Ne = 256 is the short Le 00,
 * Ne = 65536 the extended Le 0000.
 */
import { CardError, CardErrorCode } from '../../src/card-errors.js';

/** A command APDU before encoding. */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data field (Nc bytes); absent or empty for cases 1 and 2. */
  readonly data?: Uint8Array;
  /** Ne, the maximum number of response bytes expected (1..256 short, 1..65536 extended); absent for cases 1 and 3. */
  readonly ne?: number;
}

/** Largest Nc and Ne of short APDUs (ISO/IEC 7816-4 §5.1). */
export const SHORT_MAX_NC = 255;
export const SHORT_MAX_NE = 256;
/** Largest Nc and Ne of extended APDUs. */
export const EXTENDED_MAX_NC = 65535;
export const EXTENDED_MAX_NE = 65536;

function invalid(message: string): CardError {
  return new CardError(CardErrorCode.INVALID_ARGUMENT, message);
}

/** True when the command needs extended length fields (Nc > 255 or Ne > 256). */
export function needsExtended(command: CommandApdu): boolean {
  return (command.data?.length ?? 0) > SHORT_MAX_NC || (command.ne ?? 0) > SHORT_MAX_NE;
}

/**
 * Encodes a command APDU. `extended` selects extended length fields for cases 2–4 (ISO/IEC 7816-4 §5.1:
 * a 00 byte then two-byte Lc; Le two bytes, or three with the leading 00 in case 2E). Throws
 * `INVALID_ARGUMENT` when a header byte or length is out of range for the chosen form.
 */
export function encodeCommand(command: CommandApdu, extended = false): Uint8Array {
  const { cla, ins, p1, p2 } = command;
  for (const b of [cla, ins, p1, p2]) if (!Number.isInteger(b) || b < 0 || b > 0xff) throw invalid(`header byte ${b} out of range`);
  const data = command.data ?? new Uint8Array(0);
  const nc = data.length;
  const ne = command.ne;
  const maxNc = extended ? EXTENDED_MAX_NC : SHORT_MAX_NC;
  const maxNe = extended ? EXTENDED_MAX_NE : SHORT_MAX_NE;
  if (nc > maxNc) throw invalid(`command data of ${nc} bytes exceeds ${maxNc}`);
  if (ne !== undefined && (!Number.isInteger(ne) || ne < 1 || ne > maxNe)) throw invalid(`Ne ${ne} out of range 1..${maxNe}`);

  const out: number[] = [cla, ins, p1, p2];
  if (nc > 0) {
    if (extended) out.push(0x00, nc >>> 8, nc & 0xff); // Lc: 00 ‖ two bytes (cases 3E, 4E)
    else out.push(nc); // Lc: one byte (cases 3S, 4S)
  }
  const header = Uint8Array.from(out);
  let le: number[] = [];
  if (ne !== undefined) {
    if (!extended) le = [ne & 0xff]; // 256 → 00 (cases 2S, 4S)
    else {
      const v = ne & 0xffff; // 65536 → 0000
      le = nc > 0 ? [v >>> 8, v & 0xff] : [0x00, v >>> 8, v & 0xff]; // case 4E: two bytes; case 2E: 00 ‖ two bytes
    }
  }
  const apdu = new Uint8Array(header.length + nc + le.length);
  apdu.set(header, 0);
  apdu.set(data, header.length);
  apdu.set(le, header.length + nc);
  return apdu;
}
