/**
 * Reader states as PC/SC reports them (SCardGetStatusChange's dwEventState, through the `smartcard`
 * package), turned into the protocol's `ReaderInfo`; and how to tell "pcscd is gone" from other failures.
 */
import {
  SCARD_STATE_EMPTY,
  SCARD_STATE_EXCLUSIVE,
  SCARD_STATE_MUTE,
  SCARD_STATE_PRESENT,
  SCARD_STATE_UNAVAILABLE,
} from 'smartcard';
import { toBase64 } from '../../src/bytes.js';
import { type ReaderCardState, type ReaderInfo } from '../../src/native-host-protocol.js';

/** What the `smartcard` package tells about one reader. */
export interface RawReaderState {
  readonly name: string;
  readonly state: number;
  readonly atr: Buffer | Uint8Array | null;
}

/** A reader as the host tracks it: the protocol view plus pcsc-lite's card event counter. */
export interface ReaderSnapshot {
  readonly info: ReaderInfo;
  /**
   * pcsc-lite counts card insertions and removals in the upper 16 bits of dwEventState; a changed count
   * means the card was swapped even if the ATR is the same. 0 where the platform does not count.
   */
  readonly events: number;
}

function cardState(state: number): ReaderCardState {
  // PC/SC Part 5 §3.1.3 (SCARD_READERSTATE): MUTE is PRESENT plus "does not answer"; test it first.
  if (state & SCARD_STATE_MUTE) return 'mute';
  if (state & SCARD_STATE_PRESENT) return 'present';
  if (state & SCARD_STATE_EMPTY) return 'empty';
  return 'unavailable';
}

/** The protocol view of one reader. */
export function readerSnapshot(raw: RawReaderState): ReaderSnapshot {
  const card = raw.state & SCARD_STATE_UNAVAILABLE ? 'unavailable' : cardState(raw.state);
  const atr = card === 'present' && raw.atr && raw.atr.length > 0 ? toBase64(new Uint8Array(raw.atr)) : null;
  return {
    info: { name: raw.name, card, atr, busy: (raw.state & SCARD_STATE_EXCLUSIVE) !== 0 },
    events: raw.state >>> 16,
  };
}

/**
 * True when a `smartcard` failure means the PC/SC service itself is gone (SCARD_E_NO_SERVICE,
 * SCARD_E_SERVICE_STOPPED) or our context died with it (a context from before a pcscd restart is refused as
 * an invalid handle), so the context must be re-established.
 */
export function isServiceGone(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /service not running|service stopped|context is not valid|invalid handle|communication error/i.test(message);
}

/** True for SCARD_E_SHARING_VIOLATION: another program holds the card exclusively right now. */
export function isSharingViolation(error: unknown): boolean {
  return error instanceof Error && /sharing violation/i.test(error.message);
}
