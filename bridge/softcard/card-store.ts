/**
 * Where the software card keeps its non-volatile memory, and the one serialised form of it. Stores are
 * pluggable: memory (default, tests), a file in Node, IndexedDB in the extension.
 */
import { type CardState } from './card-state.js';

/**
 * Persistent storage of one card's state. `save` must be atomic (a crash leaves either the old or the new
 * state, never a mix) and durable when it resolves: the card answers only after `save` resolved, so a
 * power cut can never undo a PIN retry decrement that the host has seen.
 */
export interface SoftCardStore {
  /** The saved state, or `undefined` when nothing was saved yet (a factory-fresh card). */
  load(): Promise<CardState | undefined>;
  /** Replaces the saved state with `state`, atomically and durably. */
  save(state: CardState): Promise<void>;
}
