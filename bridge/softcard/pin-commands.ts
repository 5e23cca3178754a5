/**
 * PIN and PUK commands: VERIFY (SP 800-73-4 Part 2 §3.2.1), CHANGE REFERENCE DATA (§3.2.2), RESET RETRY
 * COUNTER (§3.2.3) and YubiKey's SET PIN RETRIES. Every check of a secret first decrements and persists
 * the retry counter, then compares, then restores the counter on success (as smart cards do), so cutting
 * power at any moment can never yield a free guess.
 */
import { DEFAULT_PIN, DEFAULT_PUK, KeyRef } from '../../src/piv/constants.js';
import { type AppletContext, secretEqual } from './applet-context.js';
import { type CardState, makeReference, padReference, referenceHash, type ReferenceData } from './card-state.js';
import { type ReceivedCommand } from './command-parser.js';
import { type CardResponse, ok, status, Sw, verifyFailed } from './status.js';

/** Length of the formatted PIN/PUK block (SP 800-73-4 Part 2 §2.4.3). */
const REFERENCE_LENGTH = 8;

/**
 * True when an 8-byte block is a well-formed new PIN/PUK: 6 to 8 bytes other than FF, then FF padding.
 * Like YubiKeys, any byte values are accepted (SP 800-73-4 asks for digits; YubiKeys allow more).
 */
export function isWellFormedReference(block: Uint8Array): boolean {
  if (block.length !== REFERENCE_LENGTH) return false;
  let length = block.indexOf(0xff);
  if (length === -1) length = REFERENCE_LENGTH;
  if (length < 6) return false;
  return block.subarray(length).every((b) => b === 0xff);
}

type Which = 'pin' | 'puk';

/** Replaces one reference in the state. */
function withReference(state: CardState, which: Which, reference: ReferenceData): CardState {
  return which === 'pin' ? { ...state, pin: reference } : { ...state, puk: reference };
}

/**
 * Checks `candidate` against the PIN or PUK with the decrement-first discipline. Resolves to `true` (the
 * counter is restored to its maximum) or to the tries left after a failure.
 */
async function checkReference(ctx: AppletContext, which: Which, candidate: Uint8Array): Promise<true | number> {
  const before = ctx.state[which];
  const decremented = { ...before, retriesLeft: before.retriesLeft - 1 };
  await ctx.commit(withReference(ctx.state, which, decremented));
  const matches = secretEqual(await referenceHash(before.salt, candidate), before.hash);
  if (!matches) return decremented.retriesLeft;
  await ctx.commit(withReference(ctx.state, which, { ...before, retriesLeft: before.retriesMax }));
  return true;
}

/** VERIFY (00 20 P1 80 [Lc PIN]): P1 00 verify or query, P1 FF reset the PIN's security status. */
export async function handleVerify(command: ReceivedCommand, ctx: AppletContext): Promise<CardResponse> {
  if (command.p1 !== 0x00 && command.p1 !== 0xff) return status(Sw.INCORRECT_P1P2);
  if (command.p2 !== KeyRef.PIN) {
    // 00 (global PIN) and 96–98 (OCC) are valid PIV key references this card does not have.
    return status(command.p2 === 0x00 || (command.p2 >= 0x96 && command.p2 <= 0x98) ? Sw.REFERENCE_NOT_FOUND : Sw.INCORRECT_P1P2);
  }
  const security = ctx.security;
  if (command.p1 === 0xff) {
    // §3.2.1: P1 = FF with no data resets the security status of the key reference.
    if (command.data.length !== 0) return status(Sw.INCORRECT_DATA);
    security.pinVerified = false;
    security.pinAlways = false;
    return ok();
  }
  const pin = ctx.state.pin;
  if (command.data.length === 0) {
    // §3.2.1: without data, 9000 if already verified, else the tries left (6983 if blocked).
    if (security.pinVerified) return ok();
    return pin.retriesLeft === 0 ? status(Sw.AUTH_METHOD_BLOCKED) : verifyFailed(pin.retriesLeft);
  }
  if (command.data.length !== REFERENCE_LENGTH) return status(Sw.INCORRECT_DATA);
  if (pin.retriesLeft === 0) return status(Sw.AUTH_METHOD_BLOCKED);
  const result = await checkReference(ctx, 'pin', command.data);
  if (result !== true) {
    security.pinVerified = false;
    security.pinAlways = false;
    return verifyFailed(result);
  }
  security.pinVerified = true;
  security.pinAlways = true;
  return ok();
}

/** Shared body of CHANGE REFERENCE DATA and RESET RETRY COUNTER: check `which`, then install a new value. */
async function checkThenReplace(
  command: ReceivedCommand,
  ctx: AppletContext,
  checked: Which,
  replaced: Which,
): Promise<CardResponse> {
  if (command.data.length !== 2 * REFERENCE_LENGTH) return status(Sw.INCORRECT_DATA);
  if (ctx.state[checked].retriesLeft === 0) return status(Sw.AUTH_METHOD_BLOCKED);
  const current = command.data.subarray(0, REFERENCE_LENGTH);
  const next = command.data.subarray(REFERENCE_LENGTH);
  const result = await checkReference(ctx, checked, current);
  if (result !== true) {
    if (checked === 'pin') {
      ctx.security.pinVerified = false;
      ctx.security.pinAlways = false;
    }
    return verifyFailed(result);
  }
  if (!isWellFormedReference(next)) return status(Sw.INCORRECT_DATA);
  const isDefault = secretEqual(next, padReference(replaced === 'pin' ? DEFAULT_PIN : DEFAULT_PUK));
  // The new value starts with a full counter; for RESET RETRY COUNTER (§3.2.3) that unblocks the PIN, and
  // checkReference already restored the PUK's own counter.
  await ctx.commit(withReference(ctx.state, replaced, await makeReference(next, ctx.state[replaced].retriesMax, isDefault)));
  return ok();
}

/** CHANGE REFERENCE DATA (00 24 00 80|81 Lc old ‖ new): changes the PIN or the PUK. */
export async function handleChangeReference(command: ReceivedCommand, ctx: AppletContext): Promise<CardResponse> {
  if (command.p1 !== 0x00) return status(Sw.INCORRECT_P1P2);
  if (command.p2 !== KeyRef.PIN && command.p2 !== KeyRef.PUK) return status(Sw.INCORRECT_P1P2);
  const which: Which = command.p2 === KeyRef.PIN ? 'pin' : 'puk';
  return checkThenReplace(command, ctx, which, which);
}

/** RESET RETRY COUNTER (00 2C 00 80 Lc PUK ‖ new PIN): unblocks the PIN with the PUK. */
export async function handleResetRetryCounter(command: ReceivedCommand, ctx: AppletContext): Promise<CardResponse> {
  if (command.p1 !== 0x00 || command.p2 !== KeyRef.PIN) return status(Sw.INCORRECT_P1P2);
  return checkThenReplace(command, ctx, 'puk', 'pin');
}

/**
 * YubiKey SET PIN RETRIES (00 FA pinTries pukTries): needs the management key and the PIN; sets both
 * counters and, as on YubiKeys, resets PIN and PUK to their defaults.
 */
export async function handleSetPinRetries(command: ReceivedCommand, ctx: AppletContext): Promise<CardResponse> {
  if (!ctx.security.managementAuthenticated || !ctx.security.pinVerified) return status(Sw.SECURITY_STATUS_NOT_SATISFIED);
  if (command.p1 === 0 || command.p2 === 0) return status(Sw.INCORRECT_P1P2);
  await ctx.commit({
    ...ctx.state,
    pin: await makeReference(padReference(DEFAULT_PIN), command.p1, true),
    puk: await makeReference(padReference(DEFAULT_PUK), command.p2, true),
  });
  ctx.security.pinVerified = false;
  ctx.security.pinAlways = false;
  return ok();
}
