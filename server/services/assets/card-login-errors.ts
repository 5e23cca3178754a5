/**
 * What a person reads when "Log in with your card" did not work. The kyotsu content script reports a
 * failure as a stable code and a message (`kyotsu-error` on the button, content/wiring.ts). Two kinds:
 * - the card side (kyotsu or the card: PIN cancelled, PIN blocked, no card, …): its message is written for
 *   developers, so each code gets a sentence here that says what happened and what to do;
 * - this service's own refusal (routes/card-login.ts: invalidated certificate, expired challenge, …): the
 *   service already wrote its message for people, so it is shown as it is.
 */
import { CardErrorCode } from '../../../src/card-errors.js';
import { MessagingErrorCode } from '../../../src/errors.js';
import { ExtensionErrorCode } from '../../../src/extension-errors.js';
import { NativeHostErrorCode } from '../../../src/native-host-errors.js';

const TRY_AGAIN = 'Choose “Log in with your card” to try again, or log in with your password.';

/** Sentences for the card-side codes a holder meets; the rest get the generic one. */
const CARD_SIDE: Readonly<Record<string, string>> = {
  [ExtensionErrorCode.PIN_CANCELLED]: `You cancelled the PIN entry, so you are not logged in. ${TRY_AGAIN}`,
  [ExtensionErrorCode.OPERATION_ABORTED]: `The card login was cancelled. ${TRY_AGAIN}`,
  [ExtensionErrorCode.CONSENT_DENIED]: 'You did not allow this service to use your card, so you are not logged in. You can log in with your password instead.',
  [CardErrorCode.PIN_BLOCKED]: 'Your card’s PIN is blocked after too many wrong tries. Unblock it with your PUK in the kyotsu settings, or log in with your password.',
  [CardErrorCode.NO_CARD]: `No card was found in the reader. Insert your card, then ${lower(TRY_AGAIN)}`,
  [CardErrorCode.CARD_REMOVED]: `The card was taken out of the reader during the login. Insert it again, then ${lower(TRY_AGAIN)}`,
  [CardErrorCode.READER_UNPLUGGED]: `The card reader was unplugged during the login. Connect it, then ${lower(TRY_AGAIN)}`,
  [ExtensionErrorCode.READER_NOT_PAIRED]: 'No card reader is connected. Connect your reader (or pair it in the kyotsu settings) and try again.',
  [ExtensionErrorCode.NO_READER]: 'No card reader is connected. Connect your reader, insert your card and try again.',
  [ExtensionErrorCode.NO_CERTIFICATE]: 'Your card holds no common certificate yet. Log in with your password and get one on your account page.',
  [ExtensionErrorCode.BACKGROUND_RESTARTED]: `kyotsu restarted during the login. ${TRY_AGAIN}`,
  [NativeHostErrorCode.HOST_NOT_FOUND]: 'kyotsu cannot reach your card reader: its helper app is not installed on this computer. See the kyotsu settings, or log in with your password.',
  [NativeHostErrorCode.PCSC_UNAVAILABLE]: 'kyotsu cannot reach your card reader: the smart-card service of this computer is not running. See the kyotsu settings, or log in with your password.',
};

function lower(sentence: string): string {
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

/** Every code that comes from kyotsu or the card rather than from this service. */
const CARD_SIDE_CODES = new Set<string>([
  ...Object.values(CardErrorCode),
  ...Object.values(ExtensionErrorCode),
  ...Object.values(MessagingErrorCode),
  ...Object.values(NativeHostErrorCode),
  'LOGIN_FAILED', // content/wiring.ts: the login threw before the service answered
]);

/** The sentence to show for a failed card login with `code` and `message` (from the `kyotsu-error` event). */
export function cardLoginFailureText(code: string, message: string): string {
  const known = CARD_SIDE[code];
  if (known) return known;
  if (CARD_SIDE_CODES.has(code) || !message) return `The card login did not work (${code}). ${TRY_AGAIN}`;
  // The service answered without words of its own (content/wiring.ts falls back to "HTTP 503").
  if (/^HTTP \d+$/.test(message)) return `This service could not take the card login just now (${message}). Please try again shortly, or log in with your password.`;
  return message; // the service's own words
}
