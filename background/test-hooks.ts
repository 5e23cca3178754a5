/**
 * TEST BUILD ONLY (`KYOTSU_TEST_BUILD`, scripts/build.ts --test-build). main.ts reaches this module only
 * from branches esbuild deletes in release builds, so the store zips contain none of it
 * (scripts/build.test.ts proves that).
 *
 * - `simulatedUsb()`: the simulated CCID reader of bridge/ccid, holding its own software PIV card, handed
 *   to the WebUSB card source as if `navigator.usb.getDevices()` had returned it.
 * - `installTestHooks()`: `globalThis.kyotsuTest` in the background, for Playwright's `worker.evaluate`:
 *   the software card's own operation log, and the simulated reader's insert/remove.
 */
import { type CardLogEntry, SoftPivCard } from '../bridge/softcard/soft-piv-card.js';
import { SimulatedCcidReader } from '../bridge/ccid/simulated-reader.js';
import { type SoftwareCardSource } from './software-card-source.js';
import { type UsbDeviceFinder } from './webusb-card-source.js';

/** The simulated reader and the card inside it. */
export interface SimulatedUsb {
  readonly find: UsbDeviceFinder;
  readonly reader: Promise<SimulatedCcidReader>;
  readonly card: Promise<SoftPivCard>;
}

/** Creates the simulated reader with a fresh software card inserted. */
export function simulatedUsb(): SimulatedUsb {
  const card = SoftPivCard.create();
  const reader = card.then((inserted) => new SimulatedCcidReader({ card: inserted }));
  return { find: async () => [await reader], reader, card };
}

/** What Playwright can call in the background of a test build. */
export interface KyotsuTestHooks {
  /** The software card's own operation log (INS, P1, P2, SW, start/end times; never data). */
  softwareCardLog(): Promise<readonly CardLogEntry[]>;
  /** The operation log of the card inside the simulated USB reader. */
  usbCardLog(): Promise<readonly CardLogEntry[]>;
  /** Sets the timing model of both cards (the software card and the one in the simulated reader). */
  setCardTiming(timing: { readonly signMs?: number; readonly apduMs?: number }): Promise<void>;
  removeUsbCard(): Promise<void>;
  insertUsbCard(): Promise<void>;
}

/** Installs `globalThis.kyotsuTest`. */
export function installTestHooks(deps: { readonly software: SoftwareCardSource; readonly usb: SimulatedUsb }): void {
  const hooks: KyotsuTestHooks = {
    softwareCardLog: async () => [...(await deps.software.card()).log],
    usbCardLog: async () => [...(await deps.usb.card).log],
    setCardTiming: async (timing) => {
      (await deps.software.card()).setTiming(timing);
      (await deps.usb.card).setTiming(timing);
    },
    removeUsbCard: async () => (await deps.usb.reader).removeCard(),
    insertUsbCard: async () => (await deps.usb.reader).insertCard(await deps.usb.card),
  };
  (globalThis as { kyotsuTest?: KyotsuTestHooks }).kyotsuTest = hooks;
}
