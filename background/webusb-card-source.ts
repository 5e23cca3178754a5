/**
 * The WebUSB card source: a USB CCID reader the holder paired from the options page
 * (`navigator.usb.requestDevice`), driven by bridge/ccid. The reader is opened once and kept; card
 * removal (RDR_to_PC_NotifySlotChange) is passed on so the PIN cache is cleared, and an unplugged reader
 * is forgotten so the next operation finds it again.
 *
 * `findDevices` is `navigator.usb.getDevices` in release builds. Only the test build passes another one
 * (background/test-hooks.ts: the simulated CCID reader, as if `navigator.usb` had returned it).
 */
import { CcidReader } from '../bridge/ccid/ccid-reader.js';
import { type CardConnection } from '../bridge/transport/card-connection.js';
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';
import { type UsbDeviceId } from '../src/message-results.js';
import { type CardSource, RemovalListeners } from './card-source.js';

/** Where USB devices come from: the devices this extension may use. */
export type UsbDeviceFinder = () => Promise<USBDevice[]>;

/** The default finder: the devices the holder granted with `requestDevice`. */
export const grantedUsbDevices: UsbDeviceFinder = () =>
  navigator.usb === undefined ? Promise.resolve([]) : navigator.usb.getDevices();

/** True when `device` is the paired reader. */
export function matchesPaired(device: USBDevice, paired: UsbDeviceId): boolean {
  return device.vendorId === paired.vendorId && device.productId === paired.productId && (paired.serialNumber === null || device.serialNumber === paired.serialNumber);
}

/** A card source on the paired WebUSB reader. */
export function createWebUsbCardSource(paired: () => Promise<UsbDeviceId | null>, findDevices: UsbDeviceFinder = grantedUsbDevices): CardSource {
  const removals = new RemovalListeners();
  let reader: { device: USBDevice; open: Promise<CcidReader> } | null = null;

  async function currentReader(): Promise<CcidReader> {
    const id = await paired();
    if (id === null) throw new ExtensionError(ExtensionErrorCode.READER_NOT_PAIRED, 'No USB reader is paired; pair one in the kyotsu settings');
    const device = (await findDevices()).find((candidate) => matchesPaired(candidate, id));
    if (!device) throw new ExtensionError(ExtensionErrorCode.READER_NOT_PAIRED, `The paired reader ${id.productName ?? ''} is not connected`);
    if (reader?.device !== device) {
      const open = CcidReader.open(device, navigator.usb === undefined ? {} : { usb: navigator.usb });
      reader = { device, open };
      const entry = reader;
      open.then(
        (opened) =>
          opened.onCardEvent((event) => {
            if (event.type === 'card-removed' || event.type === 'reader-unplugged') removals.emit();
            if (event.type === 'reader-unplugged' && reader === entry) reader = null;
          }),
        () => {
          if (reader === entry) reader = null; // a failed open is retried by the next operation
        },
      );
    }
    return reader.open;
  }

  return {
    kind: 'webusb',
    openCard: async (): Promise<CardConnection> => (await currentReader()).connect(),
    onCardRemoved: (listener) => removals.add(listener),
  };
}
