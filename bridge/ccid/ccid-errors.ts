/**
 * The typed errors the CCID driver raises. Transport failures every reader shares (card removed, reader
 * unplugged, unsupported reader, refused access, timeout, no card, closed connection) use the card stack's
 * codes from src/card-errors.ts; failures only a CCID reader can have get this driver's own codes. Nothing
 * above the driver ever sees a raw `DOMException` or a bare `Error`.
 */
import { CardError, type CardErrorCode } from '../../src/card-errors.js';
import { KyotsuError } from '../../src/errors.js';

/** Codes of failures particular to CCID readers. Part of the wire protocol: never rename one, only add. */
export const CcidErrorCode = {
  /**
   * The reader broke the CCID protocol: a malformed, truncated or overlong message, a reply out of
   * sequence (bSeq), the wrong reply type, an unusable descriptor.
   */
  CCID_PROTOCOL_ERROR: 'CCID_PROTOCOL_ERROR',
  /**
   * The reader reported a failure in its slot error register (bError, USB CCID §6.2.6: mute card, busy
   * slot, hardware error, …) or a USB transfer to it failed.
   */
  CCID_READER_ERROR: 'CCID_READER_ERROR',
} as const;
export type CcidErrorCode = (typeof CcidErrorCode)[keyof typeof CcidErrorCode];

type Details = Record<string, string | number | boolean | null>;

/** A CCID-specific failure. */
export class CcidError extends KyotsuError {
  declare readonly code: CcidErrorCode;

  constructor(code: CcidErrorCode, message: string, details?: Details) {
    super(code, message, details);
    this.name = 'CcidError';
  }
}

/** A shared transport failure (CARD_REMOVED, READER_UNPLUGGED, …) as the card stack's `CardError`. */
export function cardError(code: CardErrorCode, message: string, details?: Details): CardError {
  return new CardError(code, message, details);
}

/** A CCID protocol violation (malformed message, wrong sequence number, unexpected reply). */
export function protocolError(message: string, details?: Details): CcidError {
  return new CcidError(CcidErrorCode.CCID_PROTOCOL_ERROR, message, details);
}

/** A failure the reader reported, or a failed USB transfer. */
export function readerError(message: string, details?: Details): CcidError {
  return new CcidError(CcidErrorCode.CCID_READER_ERROR, message, details);
}
