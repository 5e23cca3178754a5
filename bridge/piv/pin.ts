/**
 * PIN and PUK reference data as the card expects it, SP 800-73-4 Part 2 §2.4.3: 6–8 characters padded
 * with FF to 8 bytes. The PIN is checked on the host before anything reaches the card, so a typo never
 * costs a try.
 */
import { CardError, CardErrorCode } from '../../src/card-errors.js';

/** The secrets VERIFY / CHANGE REFERENCE DATA / RESET RETRY COUNTER use. */
export type PinKind = 'pin' | 'puk';

/** Length of PIN and PUK reference data on the wire (SP 800-73-4 Part 2 §2.4.3). */
export const PIN_BLOCK_LENGTH = 8;

/**
 * Validates and encodes a PIN or PUK. The PIN must be 6–8 ASCII digits (SP 800-73-4 Part 2 §2.4.3:
 * "numeric digits 0–9"); the PUK 6–8 printable ASCII characters (the spec allows any 8 bytes, YubiKeys
 * 6–8). Throws `PIN_FORMAT_INVALID` (with `details.which`, never the value) otherwise.
 */
export function encodePin(value: string, which: PinKind): Uint8Array {
  const ok = which === 'pin' ? /^[0-9]{6,8}$/.test(value) : /^[\x20-\x7e]{6,8}$/.test(value);
  if (!ok) {
    const rule = which === 'pin' ? '6 to 8 digits' : '6 to 8 printable ASCII characters';
    throw new CardError(CardErrorCode.PIN_FORMAT_INVALID, `The ${which === 'pin' ? 'PIN' : 'PUK'} must be ${rule}`, { which });
  }
  const block = new Uint8Array(PIN_BLOCK_LENGTH).fill(0xff); // pad with FF (SP 800-73-4 Part 2 §2.4.3)
  for (let i = 0; i < value.length; i++) block[i] = value.charCodeAt(i);
  return block;
}
