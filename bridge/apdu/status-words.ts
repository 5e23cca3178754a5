/**
 * THE one place where status words become typed errors (yubikit style). Everything below this line keeps
 * status words as data; everything above it (the PIV session) calls `requireSuccess` / `errorForStatus`.
 * Status words: ISO/IEC 7816-4 §5.1.3 (2020 ed.: §5.6), with the PIV meanings of SP 800-73-4 Part 2 §3
 * (the "Status word" tables of each command).
 */
import { CardError, CardErrorCode, PinBlockedError, PinInvalidError } from '../../src/card-errors.js';
import { type ResponseApdu, swHex } from './response.js';

/** Normal processing (ISO/IEC 7816-4 §5.1.3). */
export const SW_OK = 0x9000;

/** What the failed command was, so the same status word can say the right thing. */
export interface StatusContext {
  /** The command in words for the message, e.g. `GET DATA 5fc105`. */
  readonly command?: string;
  /** The secret this command checks: PIN or PUK (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER), or the 9B management key. */
  readonly reference?: 'pin' | 'puk' | 'management';
  /** What 6A82 refers to: the application (SELECT) or a data object (GET DATA, the default). */
  readonly notFound?: 'file' | 'object';
}

/** Maps a non-9000 status word to its typed error; `details.sw` always carries the hex status word. */
export function errorForStatus(sw: number, context: StatusContext = {}): CardError {
  const hex = swHex(sw);
  const details: Record<string, string> = context.command === undefined ? { sw: hex } : { sw: hex, command: context.command };
  const prefix = context.command === undefined ? '' : `${context.command}: `;
  const error = (code: CardErrorCode, message: string, extra: Record<string, number> = {}): CardError =>
    new CardError(code, `${prefix}${message} (status ${hex})`, { ...details, ...extra });
  const ref = context.reference;
  const sw1 = sw >>> 8;
  const sw2 = sw & 0xff;

  // 63Cx: verification failed, x further tries allowed (ISO/IEC 7816-4 §5.1.3 Table 6; SP 800-73-4 Part 2 §3.2.1 VERIFY).
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) {
    const retriesLeft = sw2 & 0x0f;
    if (ref === 'management') return error(CardErrorCode.MANAGEMENT_KEY_AUTH_FAILED, 'Management key authentication failed', { retriesLeft });
    const which = ref === 'puk' ? 'puk' : 'pin';
    return retriesLeft === 0 ? new PinBlockedError(which, details) : new PinInvalidError(which, retriesLeft, details);
  }
  // 6Cxx: wrong Le, SW2 = exact length (the APDU layer re-issues; reaching here means the card insisted).
  if (sw1 === 0x6c) return error(CardErrorCode.WRONG_LENGTH, 'Wrong Le field', { exactLength: sw2 === 0 ? 256 : sw2 });

  switch (sw) {
    case 0x6300: // verification failed, no counter given
      if (ref === 'management') return error(CardErrorCode.MANAGEMENT_KEY_AUTH_FAILED, 'Management key authentication failed');
      return error(ref === 'puk' ? CardErrorCode.PUK_INVALID : CardErrorCode.PIN_INVALID, `Wrong ${ref === 'puk' ? 'PUK' : 'PIN'}`);
    case 0x6983: // authentication method blocked (SP 800-73-4 Part 2 §3.2.1: PIN blocked)
    case 0x6984: // reference data not usable
      if (ref === 'pin' || ref === 'puk') return new PinBlockedError(ref, details);
      return error(CardErrorCode.AUTH_METHOD_BLOCKED, 'Authentication method blocked');
    case 0x6982: // security status not satisfied (SP 800-73-4 Part 2 §3.2.4: also a failed 9B response)
      if (ref === 'management') return error(CardErrorCode.MANAGEMENT_KEY_AUTH_FAILED, 'Management key authentication failed');
      return error(CardErrorCode.SECURITY_STATUS_NOT_SATISFIED, 'Security status not satisfied (PIN or management key required)');
    case 0x6985:
      return error(CardErrorCode.CONDITIONS_NOT_SATISFIED, 'Conditions of use not satisfied');
    case 0x6700:
      return error(CardErrorCode.WRONG_LENGTH, 'Wrong length');
    case 0x6a80:
      return error(CardErrorCode.INCORRECT_DATA, 'Incorrect parameters in the command data field');
    case 0x6a81:
    case 0x6d00:
      return error(CardErrorCode.INS_NOT_SUPPORTED, 'Instruction or function not supported');
    case 0x6a82:
      return context.notFound === 'file'
        ? error(CardErrorCode.FILE_NOT_FOUND, 'Application or file not found')
        : error(CardErrorCode.DATA_OBJECT_NOT_FOUND, 'Data object not found');
    case 0x6a88: // referenced data (key, object) not found
      return error(CardErrorCode.DATA_OBJECT_NOT_FOUND, 'Referenced data not found');
    case 0x6a84:
      return error(CardErrorCode.NOT_ENOUGH_MEMORY, 'Not enough memory on the card');
    case 0x6a86:
    case 0x6b00:
      return error(CardErrorCode.INCORRECT_PARAMETERS, 'Incorrect parameters P1-P2');
    case 0x6e00:
    case 0x6881: // logical channel not supported
    case 0x6882: // secure messaging not supported
    case 0x6883: // last command of the chain expected
    case 0x6884: // command chaining not supported
      return error(CardErrorCode.CLA_NOT_SUPPORTED, 'Class byte function not supported');
    default:
      return error(CardErrorCode.CARD_ERROR, 'Card returned an error status');
  }
}

/** Returns the response data when the status word is 9000; otherwise throws `errorForStatus(sw, context)`. */
export function requireSuccess(response: ResponseApdu, context: StatusContext = {}): Uint8Array {
  if (response.sw === SW_OK) return response.data;
  throw errorForStatus(response.sw, context);
}
