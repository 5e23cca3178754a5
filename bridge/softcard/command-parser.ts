/**
 * The card side of ISO/IEC 7816-4 §5.1 (2020 ed.: §5.2): decodes a received command APDU into its header,
 * data field and Ne, for the four cases in short and extended form. Malformed input never throws: it
 * yields the status word the card answers with.
 */
import { Sw } from './status.js';

/** A decoded command APDU as the card sees it. */
export interface ReceivedCommand {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data field (Nc bytes, possibly empty). */
  readonly data: Uint8Array;
  /**
   * Ne, the most response bytes the host accepts. When the Le field is absent the card uses the maximum of
   * the APDU's form (256 short, 65536 extended), as YubiKeys do: yubico-piv-tool sends GET DATA and the
   * like as case 3 and still expects the data back.
   */
  readonly ne: number;
  /** True when the Le field was present (case 2 or 4). */
  readonly lePresent: boolean;
  /** True for extended length fields. */
  readonly extended: boolean;
}

/** Either the decoded command or the status word for a malformed one. */
export type ParseResult = { readonly command: ReceivedCommand } | { readonly sw: number };

/** Decodes a command APDU (ISO/IEC 7816-4 §5.1, Table 1 "decoding of the command body"). */
export function parseCommand(apdu: Uint8Array): ParseResult {
  if (apdu.length < 4) return { sw: Sw.WRONG_LENGTH };
  const [cla, ins, p1, p2] = [apdu[0]!, apdu[1]!, apdu[2]!, apdu[3]!];
  const header = { cla, ins, p1, p2 };
  const body = apdu.subarray(4);
  const empty = new Uint8Array(0);
  // Case 1: no body.
  if (body.length === 0) return { command: { ...header, data: empty, ne: 256, lePresent: false, extended: false } };
  // Case 2S: one byte Le (00 = 256).
  if (body.length === 1) {
    return { command: { ...header, data: empty, ne: body[0] === 0 ? 256 : body[0]!, lePresent: true, extended: false } };
  }
  const b0 = body[0]!;
  if (b0 !== 0) {
    // Short Lc = b0: case 3S (Lc ‖ data) or 4S (Lc ‖ data ‖ Le).
    const nc = b0;
    if (body.length === 1 + nc) return { command: { ...header, data: body.subarray(1), ne: 256, lePresent: false, extended: false } };
    if (body.length === 2 + nc) {
      const le = body[1 + nc]!;
      return { command: { ...header, data: body.subarray(1, 1 + nc), ne: le === 0 ? 256 : le, lePresent: true, extended: false } };
    }
    return { sw: Sw.WRONG_LENGTH };
  }
  // b0 = 00 and more bytes: extended form.
  if (body.length === 3) {
    // Case 2E: 00 ‖ Le1 Le2 (0000 = 65536).
    const le = (body[1]! << 8) | body[2]!;
    return { command: { ...header, data: empty, ne: le === 0 ? 65536 : le, lePresent: true, extended: true } };
  }
  if (body.length < 3) return { sw: Sw.WRONG_LENGTH };
  const nc = (body[1]! << 8) | body[2]!;
  if (nc === 0) return { sw: Sw.WRONG_LENGTH };
  if (body.length === 3 + nc) {
    return { command: { ...header, data: body.subarray(3), ne: 65536, lePresent: false, extended: true } };
  }
  if (body.length === 5 + nc) {
    const le = (body[3 + nc]! << 8) | body[4 + nc]!;
    return { command: { ...header, data: body.subarray(3, 3 + nc), ne: le === 0 ? 65536 : le, lePresent: true, extended: true } };
  }
  return { sw: Sw.WRONG_LENGTH };
}
