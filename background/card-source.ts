/**
 * Where the card is reached. Each source turns "the user's card" into a `CardConnection`:
 * - `software`: the software PIV card inside the extension (IndexedDB, non-extractable keys) — default;
 * - `webusb`: a USB CCID reader paired from the options page (bridge/ccid);
 * - `native`: the native-messaging PC/SC host (native-card-source.ts).
 * Sources throw `NO_CARD` when the reader is there but holds no card: `card-wait.ts` turns that into the
 * "insert your card" notice.
 */
import { type CardConnection } from '../bridge/transport/card-connection.js';
import { type CardSourceKind } from '../src/message-results.js';

/** One way of reaching the card. */
export interface CardSource {
  readonly kind: CardSourceKind;
  /** Powers the card and connects. Throws `NO_CARD`, `READER_NOT_PAIRED`, `NATIVE_HOST_NOT_FOUND`, `PCSC_UNAVAILABLE`, `NO_READER`, … */
  openCard(): Promise<CardConnection>;
  /** Registers a listener for card removal (the PIN cache is cleared then); returns its remover. */
  onCardRemoved(listener: () => void): () => void;
}

/** Simple listener set for sources' removal events. */
export class RemovalListeners {
  private readonly listeners = new Set<() => void>();

  add(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(): void {
    for (const listener of this.listeners) listener();
  }
}
