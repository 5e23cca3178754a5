/**
 * Finding CCID readers through `navigator.usb` (or the fake): the chooser filters for pairing, and the
 * already-paired devices that could be CCID readers. Whether a vendor-class device really is one is only
 * known after `CcidReader.open` has read its class descriptor.
 */
import { SMART_CARD_CLASS, VENDOR_CLASS } from './ccid-descriptor.js';
import { CcidReader, type CcidReaderOptions } from './ccid-reader.js';

/**
 * Chooser filters (WebUSB §3.1): smart-card class interfaces, and vendor-class interfaces where tokens
 * reachable from an extension put their CCID function.
 */
export const CCID_DEVICE_FILTERS: readonly USBDeviceFilter[] = [{ classCode: SMART_CARD_CLASS }, { classCode: VENDOR_CLASS }];

/** True when some interface of the device's active configuration is class 0x0B or vendor class 0xFF. */
export function mayBeCcidReader(device: USBDevice): boolean {
  return (device.configuration ?? device.configurations[0])?.interfaces.some((i) =>
    i.alternates.some((a) => a.interfaceClass === SMART_CARD_CLASS || a.interfaceClass === VENDOR_CLASS),
  ) ?? false;
}

/** Paired devices (granted earlier through the chooser) that may be CCID readers. */
export async function pairedCcidCandidates(usb: Pick<USB, 'getDevices'>): Promise<USBDevice[]> {
  return (await usb.getDevices()).filter(mayBeCcidReader);
}

/**
 * Shows the chooser (needs a user gesture, e.g. on the options page) and opens the chosen device as a CCID
 * reader. Rejects with the chooser's NotFoundError when the user cancels, or the typed errors of
 * `CcidReader.open`.
 */
export async function requestCcidReader(usb: Pick<USB, 'requestDevice'>, options: CcidReaderOptions = {}): Promise<CcidReader> {
  const device = await usb.requestDevice({ filters: [...CCID_DEVICE_FILTERS] });
  return CcidReader.open(device, options);
}
