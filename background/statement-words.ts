/**
 * What a statement region says when the card login for its service did not happen, in words a person
 * understands (the stable code travels beside it). English, like the services' own messages.
 */

/** The sentence for a card login that failed with `code`, for the service `name`. */
export function cardFailureMessage(code: string, name: string): string {
  switch (code) {
    case 'PIN_CANCELLED':
      return `You cancelled the PIN entry, so kyotsu did not log in to ${name}.`;
    case 'PIN_BLOCKED':
      return `Your card’s PIN is blocked, so kyotsu could not log in to ${name}. Unblock it with the PUK in the kyotsu options.`;
    case 'NO_CERTIFICATE':
      return `Your card holds no common certificate yet, so kyotsu could not log in to ${name}.`;
    case 'NO_CARD':
    case 'CARD_REMOVED':
      return `No card was found in the reader, so kyotsu could not log in to ${name}. Insert your card and reload the page.`;
    case 'READER_UNPLUGGED':
    case 'NO_READER':
    case 'READER_NOT_PAIRED':
    case 'NATIVE_HOST_UNAVAILABLE':
      return `kyotsu could not reach your card reader, so it could not log in to ${name}. Check the reader in the kyotsu options.`;
    default:
      return `kyotsu could not log in to ${name} with your card (${code}).`;
  }
}
