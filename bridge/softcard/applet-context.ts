/**
 * What every PIV command handler of the software card works with: the persistent state (read, and
 * replaced through `commit`, which persists before returning), the volatile security status of the
 * current session, and the card's timing model.
 */
import { isCardError } from '../../src/card-errors.js';
import { parseSingleTlv, parseTlvs, type Tlv } from '../../src/tlv.js';
import { type CardState } from './card-state.js';

/**
 * Volatile security status (SP 800-73-4 Part 2 §2.4 "security status"): lost on power-off and, as on
 * YubiKeys, on SELECT of the PIV application.
 */
export interface SecurityStatus {
  /** The PIN was verified in this session. */
  pinVerified: boolean;
  /**
   * A fresh PIN verification not yet consumed by a key with PIN policy "always" (the Digital Signature
   * key 9C by default): each such use needs its own VERIFY (SP 800-73-4 Part 1 §3.3.2, PIN Always).
   */
  pinAlways: boolean;
  /** The 9B management key was authenticated in this session. */
  managementAuthenticated: boolean;
  /** An open 9B exchange: the witness or challenge the card sent, awaiting the host's answer. */
  managementExchange: { readonly kind: 'witness' | 'challenge'; readonly value: Uint8Array } | undefined;
}

/** A fresh, unauthenticated security status. */
export function initialSecurity(): SecurityStatus {
  return { pinVerified: false, pinAlways: false, managementAuthenticated: false, managementExchange: undefined };
}

/** Resets the security status in place (SELECT, power cycle). */
export function resetSecurity(security: SecurityStatus): void {
  Object.assign(security, initialSecurity());
}

/** The handlers' view of the card. */
export interface AppletContext {
  /** The current persistent state. */
  readonly state: CardState;
  /** The session's security status (mutable). */
  readonly security: SecurityStatus;
  /**
   * Persists `next` atomically through the store and then makes it the current state. Throws if the
   * store fails; the card then answers 6581 and keeps the previous state.
   */
  commit(next: CardState): Promise<void>;
  /** Waits the configured private-key operation latency (timing model; 0 by default). */
  privateKeyDelay(): Promise<void>;
}

/** BER-TLV list, or `undefined` when malformed (the handler answers 6A80). */
export function tryParseTlvs(bytes: Uint8Array): Tlv[] | undefined {
  try {
    return parseTlvs(bytes);
  } catch (error) {
    if (isCardError(error)) return undefined;
    throw error;
  }
}

/** Exactly one TLV with the given tag covering `bytes`, or `undefined`. */
export function tryParseSingle(bytes: Uint8Array, tag: number): Tlv | undefined {
  try {
    return parseSingleTlv(bytes, tag);
  } catch (error) {
    if (isCardError(error)) return undefined;
    throw error;
  }
}

/** Constant-time comparison of equal-length secrets (lengths are not secret). */
export function secretEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
