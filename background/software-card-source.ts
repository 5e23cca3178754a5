/**
 * The software PIV card inside the extension (bridge/softcard): a real PIV card behind `IccCard`, reached
 * through the direct transport. Created once per background from its store and kept; the reader lock
 * guarantees one connection at a time. A software card is never "removed".
 */
import { type SoftPivCard } from '../bridge/softcard/soft-piv-card.js';
import { connectDirect } from '../bridge/transport/direct.js';
import { type CardSource } from './card-source.js';

/** The software card source; `card()` exposes the card itself (its operation log, for the test build). */
export interface SoftwareCardSource extends CardSource {
  card(): Promise<SoftPivCard>;
}

/** A source over the card `create` makes (once, on first use). */
export function createSoftwareCardSource(create: () => Promise<SoftPivCard>): SoftwareCardSource {
  let card: Promise<SoftPivCard> | null = null;
  const get = (): Promise<SoftPivCard> => {
    card ??= create().catch((error: unknown) => {
      card = null; // let the next operation try again (e.g. storage was briefly unavailable)
      throw error;
    });
    return card;
  };
  return {
    kind: 'software',
    card: get,
    openCard: async () => connectDirect(await get()),
    onCardRemoved: () => () => undefined,
  };
}
