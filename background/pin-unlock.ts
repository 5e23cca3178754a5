/**
 * Unlocks the card for one operation: VERIFY PIN with the cached PIN if there is one, else with a PIN the
 * holder types into the PIN window. Rules (DEVELOPERS.md, "Security is not optional"):
 * - a PIN is sent to the card only because the holder submitted it (or submitted it earlier and it is
 *   cached); a wrong PIN is never sent again — the window shows the tries left and waits for the holder;
 * - a cached PIN the card refuses is dropped from the cache at once, and the holder is asked;
 * - a blocked PIN ends the operation with `PIN_BLOCKED` (unblock with the PUK in the options page).
 */
import { CardErrorCode, isCardError, PinBlockedError } from '../src/card-errors.js';
import { type PinPromptView } from '../src/message-results.js';
import { type Caller } from './card-job.js';
import { type CardSession } from './card-session.js';
import { type PinCache } from './pin-cache.js';
import { type PinPrompts } from './pin-prompt.js';

/** What unlocking needs. */
export interface UnlockDeps {
  readonly pinCache: PinCache;
  readonly pins: PinPrompts;
}

/** VERIFY PIN for `session`, from the cache or the PIN window. */
export async function unlockCard(
  deps: UnlockDeps,
  session: CardSession,
  caller: Caller,
  purpose: PinPromptView['purpose'],
  signal: AbortSignal,
): Promise<void> {
  const cardId = await session.cardId();
  const cached = deps.pinCache.get(cardId);
  if (cached !== null) {
    try {
      await session.verifyPin(cached);
      return;
    } catch (error) {
      if (!isCardError(error, CardErrorCode.PIN_INVALID) && !isCardError(error, CardErrorCode.PIN_BLOCKED)) throw error;
      deps.pinCache.clear('wrong-pin');
      if (isCardError(error, CardErrorCode.PIN_BLOCKED)) throw error;
    }
  }
  const retriesLeft = await session.pinRetries();
  if (retriesLeft === null) return; // already verified in this session
  if (retriesLeft === 0) throw new PinBlockedError('pin');
  caller.notify('pin-requested');
  const dialog = deps.pins.open({ origin: caller.origin, serviceName: caller.serviceName, purpose, retriesLeft }, signal);
  let failure: unknown;
  try {
    for (;;) {
      const pin = await dialog.nextPin(); // waits for the holder; never re-sends a PIN by itself
      try {
        await session.verifyPin(pin);
        dialog.answer({ outcome: 'accepted' });
        deps.pinCache.put(cardId, pin);
        return;
      } catch (error) {
        if (isCardError(error, CardErrorCode.PIN_INVALID) && typeof error.details?.retriesLeft === 'number') {
          dialog.answer({ outcome: 'wrong', retriesLeft: error.details.retriesLeft });
          continue;
        }
        if (isCardError(error, CardErrorCode.PIN_BLOCKED)) dialog.answer({ outcome: 'blocked' });
        throw error;
      }
    }
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await dialog.finish(failure);
  }
}
