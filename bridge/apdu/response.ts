/**
 * Response APDUs, ISO/IEC 7816-4 §5.1 (2020 ed.: §5.2): a data field of Nr bytes then SW1 SW2. Status
 * words stay data at this layer; bridge/apdu/status-words.ts is the one place that turns them into errors.
 */
import { CardError, CardErrorCode } from '../../src/card-errors.js';

/** A response APDU split into its data field and status word (SW1 << 8 | SW2). */
export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw: number;
}

/** Largest response a single exchange may carry: extended Ne 65536 plus SW1 SW2. */
export const MAX_RESPONSE_LENGTH = 65536 + 2;

/** Splits a raw response; throws `APDU_MALFORMED` when it is shorter than SW1 SW2 or longer than any APDU can be. */
export function parseResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) {
    throw new CardError(CardErrorCode.APDU_MALFORMED, `Response APDU of ${bytes.length} bytes has no status word`, { length: bytes.length });
  }
  if (bytes.length > MAX_RESPONSE_LENGTH) {
    throw new CardError(CardErrorCode.APDU_MALFORMED, `Response APDU of ${bytes.length} bytes is longer than any APDU`, { length: bytes.length });
  }
  const n = bytes.length - 2;
  return { data: bytes.slice(0, n), sw: (bytes[n]! << 8) | bytes[n + 1]! };
}

/** The status word as four lower-case hex digits, e.g. `63c2`. */
export function swHex(sw: number): string {
  return sw.toString(16).padStart(4, '0');
}
