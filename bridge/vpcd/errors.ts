/**
 * Error codes of the vpcd bridge (the software card served to pcscd through vsmartcard's virtual reader).
 * Codes are part of the wire protocol: never rename one, only add.
 */
import { KyotsuError } from '../../src/errors.js';

/** Stable codes of the vpcd bridge. */
export const VpcdErrorCode = {
  /** vpcd sent a frame the protocol does not allow (empty message, unknown control byte). */
  VPCD_MALFORMED_FRAME: 'VPCD_MALFORMED_FRAME',
  /** A reply does not fit the 2-byte length prefix (more than 65535 bytes). */
  VPCD_FRAME_TOO_LONG: 'VPCD_FRAME_TOO_LONG',
  /** The card failed while handling a command; vpcd got 6F00 instead. */
  VPCD_CARD_FAILED: 'VPCD_CARD_FAILED',
  /** The virtual reader could not be reached (pcscd not running, vpcd driver not configured). */
  VPCD_UNREACHABLE: 'VPCD_UNREACHABLE',
  /** The connection to the virtual reader dropped (pcscd stopped or restarted). */
  VPCD_CONNECTION_LOST: 'VPCD_CONNECTION_LOST',
} as const;
export type VpcdErrorCode = (typeof VpcdErrorCode)[keyof typeof VpcdErrorCode];

/** A typed error of the vpcd bridge. Messages never carry APDU bodies that could hold a secret. */
export class VpcdError extends KyotsuError {
  declare readonly code: VpcdErrorCode;

  constructor(code: VpcdErrorCode, message: string, details?: Record<string, string | number | boolean | null>) {
    super(code, message, details);
    this.name = 'VpcdError';
  }
}
