/**
 * The optional PIN cache: memory only (never storage, never a log), one entry for one card, cleared
 * - after `idleMinutes` without use (default 10; 0 turns the cache off),
 * - when the card is removed or another card is used,
 * - when the background stops (browser restart, or the MV3 service worker being stopped): memory only.
 * One cleanup path: `clear`, which every expiry goes through.
 */
import { type Clock } from './clock.js';

/** Default idle lifetime of a cached PIN. */
export const DEFAULT_PIN_CACHE_MINUTES = 10;

/** Why the cache was cleared (for tests and the options page; never logged with the PIN). */
export type PinCacheClearReason = 'idle' | 'card-removed' | 'other-card' | 'wrong-pin' | 'disabled' | 'pin-changed';

/** The cache. */
export class PinCache {
  private entry: { cardId: string; pin: string; cancelTimer: () => void } | null = null;
  private idleMs: number;

  /** @param onClear told after each clear, with the reason (never the PIN). */
  constructor(
    private readonly clock: Clock,
    idleMinutes = DEFAULT_PIN_CACHE_MINUTES,
    private readonly onClear: (reason: PinCacheClearReason) => void = () => undefined,
  ) {
    this.idleMs = idleMinutes * 60_000;
  }

  /** The cached PIN for this card, or null. A hit counts as use and restarts the idle timer. */
  get(cardId: string): string | null {
    if (this.entry === null) return null;
    if (this.entry.cardId !== cardId) {
      this.clear('other-card');
      return null;
    }
    this.touch();
    return this.entry.pin;
  }

  /** Remembers the PIN the card just accepted (no-op when the cache is off). */
  put(cardId: string, pin: string): void {
    if (this.idleMs === 0) return;
    this.entry?.cancelTimer();
    this.entry = { cardId, pin, cancelTimer: () => undefined };
    this.touch();
  }

  /** Changes the idle lifetime; 0 turns the cache off and clears it. */
  setIdleMinutes(minutes: number): void {
    this.idleMs = minutes * 60_000;
    if (this.idleMs === 0) this.clear('disabled');
    else if (this.entry) this.touch();
  }

  /** True when a PIN is cached (for status displays; the PIN itself is never exposed). */
  get holdsPin(): boolean {
    return this.entry !== null;
  }

  /** Forgets the PIN. The only way an entry ends. */
  clear(reason: PinCacheClearReason): void {
    if (this.entry === null) return;
    this.entry.cancelTimer();
    this.entry = null;
    this.onClear(reason);
  }

  private touch(): void {
    const entry = this.entry;
    if (entry === null) return;
    entry.cancelTimer();
    entry.cancelTimer = this.clock.after(this.idleMs, () => this.clear('idle'));
  }
}
