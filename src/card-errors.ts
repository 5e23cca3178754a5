/**
 * Typed errors of the card stack (transport → APDU → PIV session). Codes are part of the wire protocol:
 * never rename one, only add. Status words become these errors in exactly one place
 * (bridge/apdu/status-words.ts); transports and parsers throw them directly.
 */
import { type ErrorObject, KyotsuError } from './errors.js';

/** Stable codes of every card-stack error. */
export const CardErrorCode = {
  // --- Card status words (ISO/IEC 7816-4 §5.6, SP 800-73-4 Part 2 §3) ---
  /** Wrong PIN; `details.retriesLeft` says how many tries remain (63Cx). */
  PIN_INVALID: 'PIN_INVALID',
  /** The PIN is blocked (6983, or 63C0 after the last wrong try); unblock it with the PUK. */
  PIN_BLOCKED: 'PIN_BLOCKED',
  /** Wrong PUK; `details.retriesLeft` says how many tries remain. */
  PUK_INVALID: 'PUK_INVALID',
  /** The PUK is blocked; only a card reset helps. */
  PUK_BLOCKED: 'PUK_BLOCKED',
  /** The PIN (or management key) must be verified first (6982). */
  SECURITY_STATUS_NOT_SATISFIED: 'SECURITY_STATUS_NOT_SATISFIED',
  /** An authentication method other than PIN/PUK is blocked (6983 outside VERIFY/RESET). */
  AUTH_METHOD_BLOCKED: 'AUTH_METHOD_BLOCKED',
  /** The application or file is not on the card (6A82 on SELECT). */
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  /** The data object or key reference is not on the card (6A82 on GET DATA, 6A88). */
  DATA_OBJECT_NOT_FOUND: 'DATA_OBJECT_NOT_FOUND',
  /** Incorrect data in the command (6A80). */
  INCORRECT_DATA: 'INCORRECT_DATA',
  /** Incorrect P1/P2 (6A86, 6B00). */
  INCORRECT_PARAMETERS: 'INCORRECT_PARAMETERS',
  /** Instruction or function not supported (6D00, 6A81). */
  INS_NOT_SUPPORTED: 'INS_NOT_SUPPORTED',
  /** Class not supported, or chaining / secure messaging / logical channel not supported (6E00, 688x). */
  CLA_NOT_SUPPORTED: 'CLA_NOT_SUPPORTED',
  /** Wrong length (6700, or 6Cxx that reached the session). */
  WRONG_LENGTH: 'WRONG_LENGTH',
  /** Conditions of use not satisfied (6985). */
  CONDITIONS_NOT_SATISFIED: 'CONDITIONS_NOT_SATISFIED',
  /** Not enough memory on the card (6A84). */
  NOT_ENOUGH_MEMORY: 'NOT_ENOUGH_MEMORY',
  /** Any other status word; `details.sw` is its hex. */
  CARD_ERROR: 'CARD_ERROR',
  /** Management-key (9B) challenge–response failed: wrong key or algorithm. */
  MANAGEMENT_KEY_AUTH_FAILED: 'MANAGEMENT_KEY_AUTH_FAILED',

  // --- Malformed card data ---
  /** The response APDU is not well-formed (shorter than SW1 SW2, runaway GET RESPONSE, too long). */
  APDU_MALFORMED: 'APDU_MALFORMED',
  /** BER-TLV data is not well-formed (ISO/IEC 7816-4 §5.2.2). */
  TLV_MALFORMED: 'TLV_MALFORMED',
  /** A well-formed response lacks what the command must return (for example no 7C/82 in a signature). */
  RESPONSE_INVALID: 'RESPONSE_INVALID',
  /** The slot holds a gzip-compressed certificate (CertInfo bit 0), which kyotsu does not accept. */
  CERTIFICATE_COMPRESSED: 'CERTIFICATE_COMPRESSED',
  /** The certificate container (53 → 70/71/FE) is malformed. */
  CERTIFICATE_CONTAINER_MALFORMED: 'CERTIFICATE_CONTAINER_MALFORMED',

  // --- Host-side argument checks (nothing was sent to the card) ---
  /** PIN or PUK does not have the required format; `details.which` is `pin` or `puk`. */
  PIN_FORMAT_INVALID: 'PIN_FORMAT_INVALID',
  /** The algorithm is not supported for this operation; `details.algorithm`. */
  ALGORITHM_UNSUPPORTED: 'ALGORITHM_UNSUPPORTED',
  /** An argument is out of range (digest length, key length, data size). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',

  // --- Transports (WebUSB CCID, PC/SC, virtual card) ---
  /** The card was removed (possibly mid-command). */
  CARD_REMOVED: 'CARD_REMOVED',
  /** The reader was unplugged. */
  READER_UNPLUGGED: 'READER_UNPLUGGED',
  /** The reader cannot be used (for example TPDU-only CCID); the message names the reader. */
  READER_UNSUPPORTED: 'READER_UNSUPPORTED',
  /** The platform refused access to the reader (for example WebUSB and interface class 0x0B). */
  TRANSPORT_REFUSED: 'TRANSPORT_REFUSED',
  /** The reader or card did not answer in time. */
  TRANSPORT_TIMEOUT: 'TRANSPORT_TIMEOUT',
  /** No card is present in the reader. */
  NO_CARD: 'NO_CARD',
  /** The connection was closed by this side; open a new one. */
  CONNECTION_CLOSED: 'CONNECTION_CLOSED',
} as const;
export type CardErrorCode = (typeof CardErrorCode)[keyof typeof CardErrorCode];

type Details = Record<string, string | number | boolean | null>;

/** Any card-stack error: a `KyotsuError` whose code is a `CardErrorCode`. */
export class CardError extends KyotsuError {
  declare readonly code: CardErrorCode;

  constructor(code: CardErrorCode, message: string, details?: Details) {
    super(code, message, details);
    this.name = 'CardError';
  }
}

/** Wrong PIN or PUK with the number of tries left (yubikit's `InvalidPinError`). */
export class PinInvalidError extends CardError {
  /** Tries left before the reference is blocked. */
  readonly retriesLeft: number;

  constructor(which: 'pin' | 'puk', retriesLeft: number, details?: Details) {
    const noun = which === 'pin' ? 'PIN' : 'PUK';
    const tries = retriesLeft === 1 ? '1 try' : `${retriesLeft} tries`;
    super(which === 'pin' ? CardErrorCode.PIN_INVALID : CardErrorCode.PUK_INVALID, `Wrong ${noun}: ${tries} left`, {
      ...details,
      which,
      retriesLeft,
    });
    this.name = 'PinInvalidError';
    this.retriesLeft = retriesLeft;
  }
}

/** PIN or PUK blocked. */
export class PinBlockedError extends CardError {
  constructor(which: 'pin' | 'puk', details?: Details) {
    super(
      which === 'pin' ? CardErrorCode.PIN_BLOCKED : CardErrorCode.PUK_BLOCKED,
      which === 'pin' ? 'The PIN is blocked; unblock it with the PUK' : 'The PUK is blocked; the card must be reset',
      { ...details, which, retriesLeft: 0 },
    );
    this.name = 'PinBlockedError';
  }
}

const CODES: ReadonlySet<string> = new Set(Object.values(CardErrorCode));

/** True when `error` is a kyotsu error (possibly revived from JSON) with a card-stack code, optionally a given one. */
export function isCardError(error: unknown, code?: CardErrorCode): error is KyotsuError & { code: CardErrorCode } {
  return error instanceof KyotsuError && CODES.has(error.code) && (code === undefined || error.code === code);
}

/**
 * Rebuilds the typed card error from its wire form (the inverse of `toJSON`): PIN_INVALID comes back as a
 * `PinInvalidError` with `retriesLeft`, other card codes as `CardError`, unknown codes as plain `KyotsuError`.
 */
export function cardErrorFromObject(object: ErrorObject): KyotsuError {
  const details: Details = object.details ? { ...object.details } : {};
  const { which, retriesLeft, ...rest } = details;
  const side = object.code.startsWith('PUK_') ? 'puk' : 'pin';
  switch (object.code) {
    case CardErrorCode.PIN_INVALID:
    case CardErrorCode.PUK_INVALID:
      if (typeof retriesLeft === 'number') return new PinInvalidError(which === 'puk' ? 'puk' : side, retriesLeft, rest);
      break;
    case CardErrorCode.PIN_BLOCKED:
    case CardErrorCode.PUK_BLOCKED:
      return new PinBlockedError(side, rest);
  }
  if (!CODES.has(object.code)) return new KyotsuError(object.code, object.message, object.details ? details : undefined);
  return new CardError(object.code as CardErrorCode, object.message, object.details ? details : undefined);
}
