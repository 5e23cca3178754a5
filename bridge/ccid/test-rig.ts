/**
 * Test rig for the CCID driver's tests: a simulated reader holding the canned card, opened by the driver.
 */
import { CannedCard } from './canned-card.js';
import { CcidReader, type CcidReaderOptions } from './ccid-reader.js';
import { SimulatedCcidReader, type SimulatedCcidReaderOptions } from './simulated-reader.js';

/** What `openRig` returns. */
export interface Rig {
  readonly card: CannedCard;
  readonly device: SimulatedCcidReader;
  readonly reader: CcidReader;
}

/** A simulated reader with the canned card inserted (unless `empty`), opened with short timeouts. */
export async function openRig(
  options: SimulatedCcidReaderOptions & { readonly empty?: boolean; readonly reader?: CcidReaderOptions } = {},
): Promise<Rig> {
  const card = new CannedCard();
  const device = new SimulatedCcidReader({ ...(options.empty ? {} : { card }), ...options });
  const reader = await CcidReader.open(device, { transferTimeoutMs: 5000, ...options.reader });
  return { card, device, reader };
}

/** The error's `code`, for `assert.rejects` predicates. */
export function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}
