/**
 * Finds the CCID interface of a USB device: an interface of class 0x0B (USB CCID Rev 1.1 §4.3), or a
 * vendor-class (0xFF) interface that carries a CCID functional descriptor (§5.1) as some tokens do, with
 * a bulk-OUT, a bulk-IN and optionally an interrupt-IN endpoint (§3.2 "Endpoints").
 */
import { CardErrorCode } from '../../src/card-errors.js';
import { cardError } from './ccid-errors.js';
import {
  CCID_DESCRIPTOR_LENGTH,
  CCID_DESCRIPTOR_TYPE,
  parseCcidDescriptor,
  SMART_CARD_CLASS,
  VENDOR_CLASS,
  type CcidDescriptor,
} from './ccid-descriptor.js';
import { type RawConfiguration, type RawEndpoint, type RawInterface } from './usb-descriptors.js';

/** An endpoint as the driver uses it. */
export interface CcidEndpoint {
  readonly number: number;
  readonly packetSize: number;
}

/** The CCID interface the driver talks to. */
export interface CcidInterface {
  readonly interfaceNumber: number;
  readonly alternateSetting: number;
  readonly interfaceClass: number;
  readonly descriptor: CcidDescriptor;
  readonly bulkOut: CcidEndpoint;
  readonly bulkIn: CcidEndpoint;
  /** Absent on readers with a captive card; the driver then polls GetSlotStatus. */
  readonly interruptIn: CcidEndpoint | undefined;
}

function isCcidDescriptor(d: Uint8Array, interfaceClass: number): boolean {
  if (d.length !== CCID_DESCRIPTOR_LENGTH) return false;
  // Class 0x0B uses type 0x21 (§5.1); a few vendor-class tokens mark the same descriptor 0xFF.
  return d[1] === CCID_DESCRIPTOR_TYPE || (interfaceClass === VENDOR_CLASS && d[1] === 0xff);
}

type EndpointLike = Pick<RawEndpoint, 'direction' | 'type' | 'packetSize'> & { readonly number: number };

function endpoint(endpoints: readonly EndpointLike[], direction: 'in' | 'out', type: 'bulk' | 'interrupt'): CcidEndpoint | undefined {
  const found = endpoints.find((e) => e.direction === direction && e.type === type);
  return found ? { number: found.number, packetSize: found.packetSize } : undefined;
}

/** WebUSB's own view of the alternate's endpoints, when the device exposes it. */
function webUsbEndpoints(device: USBDevice, raw: RawInterface): readonly EndpointLike[] | undefined {
  const iface = device.configuration?.interfaces.find((i) => i.interfaceNumber === raw.interfaceNumber);
  const alternate = iface?.alternates.find((a) => a.alternateSetting === raw.alternateSetting);
  return alternate?.endpoints.map((e) => ({ number: e.endpointNumber, direction: e.direction, type: e.type, packetSize: e.packetSize }));
}

/**
 * Picks the CCID interface from the raw configuration descriptor, taking endpoints from WebUSB's parsed
 * alternate (the browser's view wins) and the functional descriptor from the raw bytes. Throws
 * READER_UNSUPPORTED naming the device when there is none.
 */
export function locateCcidInterface(device: USBDevice, configuration: RawConfiguration, reader: string): CcidInterface {
  for (const raw of configuration.interfaces) {
    if (raw.interfaceClass !== SMART_CARD_CLASS && raw.interfaceClass !== VENDOR_CLASS) continue;
    const functional = raw.classDescriptors.find((d) => isCcidDescriptor(d, raw.interfaceClass));
    if (!functional) continue;
    const endpoints = webUsbEndpoints(device, raw) ?? raw.endpoints;
    const bulkOut = endpoint(endpoints, 'out', 'bulk');
    const bulkIn = endpoint(endpoints, 'in', 'bulk');
    if (!bulkOut || !bulkIn) continue;
    return {
      interfaceNumber: raw.interfaceNumber,
      alternateSetting: raw.alternateSetting,
      interfaceClass: raw.interfaceClass,
      descriptor: parseCcidDescriptor(functional),
      bulkOut,
      bulkIn,
      interruptIn: endpoint(endpoints, 'in', 'interrupt'),
    };
  }
  throw cardError(CardErrorCode.READER_UNSUPPORTED, `${reader} has no CCID smart-card interface`, { reader });
}
