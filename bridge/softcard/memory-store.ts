/**
 * The default store: keeps the card state in memory, serialised (so what is saved is exactly what a
 * persistent store would write, and later mutation of a state object cannot leak into the saved copy).
 */
import { type CardState } from './card-state.js';
import { type SoftCardStore } from './card-store.js';
import { decodeCardState, encodeCardState } from './state-codec.js';

/** An in-memory `SoftCardStore`; the state lives as long as this object. */
export class MemoryCardStore implements SoftCardStore {
  private saved: string | undefined;
  /** How many times `save` has been called (lets tests prove a command persisted before answering). */
  saves = 0;

  /** Reads back the last saved state. */
  load(): Promise<CardState | undefined> {
    return Promise.resolve(this.saved === undefined ? undefined : decodeCardState(this.saved));
  }

  /** Replaces the saved state. */
  save(state: CardState): Promise<void> {
    this.saved = encodeCardState(state);
    this.saves++;
    return Promise.resolve();
  }
}
