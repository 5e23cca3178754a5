/**
 * Status words the software card answers with (ISO/IEC 7816-4 §5.1.3, and the per-command tables of
 * SP 800-73-4 Part 2 §3), and the shape every command handler returns.
 */

/** Status words, by meaning. */
export const Sw = {
  OK: 0x9000,
  /** 61xx: more data available, fetch with GET RESPONSE (ISO/IEC 7816-4 §5.1.3). */
  MORE_DATA: 0x6100,
  /** 63Cx: verification failed, x tries left. */
  VERIFY_FAILED: 0x63c0,
  /** Memory failure: the state could not be persisted. */
  MEMORY_FAILURE: 0x6581,
  WRONG_LENGTH: 0x6700,
  /** Last command of the chain expected (ISO/IEC 7816-4 §5.1.1.1). */
  LAST_COMMAND_EXPECTED: 0x6883,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  AUTH_METHOD_BLOCKED: 0x6983,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  INCORRECT_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  NOT_ENOUGH_MEMORY: 0x6a84,
  INCORRECT_P1P2: 0x6a86,
  REFERENCE_NOT_FOUND: 0x6a88,
  /** 6Cxx: wrong Le, xx = exact length. */
  WRONG_LE: 0x6c00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  /** No precise diagnosis (an internal failure of the card). */
  UNKNOWN: 0x6f00,
} as const;

/** What a command handler returns: response data (possibly empty) and the status word. */
export interface CardResponse {
  readonly data: Uint8Array;
  readonly sw: number;
}

const EMPTY = new Uint8Array(0);

/** A response with data and 9000. */
export function ok(data: Uint8Array = EMPTY): CardResponse {
  return { data, sw: Sw.OK };
}

/** A response with no data and the given status word. */
export function status(sw: number): CardResponse {
  return { data: EMPTY, sw };
}

/** 63Cx with x = tries left, capped at 15 (SP 800-73-4 Part 2 §3.2.1). */
export function verifyFailed(retriesLeft: number): CardResponse {
  return status(Sw.VERIFY_FAILED | Math.min(Math.max(retriesLeft, 0), 15));
}
