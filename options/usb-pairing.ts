/**
 * Pairing a USB reader: `navigator.usb.requestDevice` (needs the holder's click) for CCID readers that
 * WebUSB can reach (vendor-class 0xFF; Chrome refuses smart-card class 0x0B to ordinary extensions, but it
 * is offered so the driver can name the refusal). The choice is stored as vendor/product/serial.
 *
 * TEST BUILD ONLY: there is no USB device on a test machine, so the test build "pairs" the simulated CCID
 * reader (background/test-hooks.ts) instead; esbuild deletes that branch from release builds.
 */
import { type UsbDeviceId } from '../src/message-results.js';

/** Asks the holder to choose a reader; resolves to its identity. Rejects when they cancel. */
export async function pairUsbReader(): Promise<UsbDeviceId> {
  if (KYOTSU_TEST_BUILD) {
    // The simulated reader's defaults (bridge/ccid/simulated-reader.ts).
    return { vendorId: 0x1209, productId: 0x4b59, serialNumber: 'SIM0001', productName: 'Simulated reader (test build)' };
  }
  if (navigator.usb === undefined) throw new Error('WebUSB is not available in this browser');
  const device = await navigator.usb.requestDevice({ filters: [{ classCode: 0xff }, { classCode: 0x0b }] });
  return { vendorId: device.vendorId, productId: device.productId, serialNumber: device.serialNumber ?? null, productName: device.productName ?? null };
}
