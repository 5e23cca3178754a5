/**
 * Errors of the software card's own machinery (its stores), as opposed to status words, which the card
 * answers on the wire. Codes are stable: never rename one, only add.
 */
import { KyotsuError } from '../../src/errors.js';

/** Stable codes of software-card errors. */
export const SoftCardErrorCode = {
  /** The saved card state cannot be read back (corrupt file, wrong format version, undecryptable blob). */
  STATE_CORRUPT: 'SOFTCARD_STATE_CORRUPT',
  /** The store could not save or load the state (I/O error, IndexedDB unavailable). */
  STORE_FAILED: 'SOFTCARD_STORE_FAILED',
} as const;
export type SoftCardErrorCode = (typeof SoftCardErrorCode)[keyof typeof SoftCardErrorCode];

/** An error of the software card's store or state codec. */
export class SoftCardError extends KyotsuError {
  declare readonly code: SoftCardErrorCode;

  constructor(code: SoftCardErrorCode, message: string, details?: Record<string, string | number | boolean | null>) {
    super(code, message, details);
    this.name = 'SoftCardError';
  }
}
