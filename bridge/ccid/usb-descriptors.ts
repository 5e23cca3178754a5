/**
 * Walks a raw USB configuration descriptor (USB 2.0 §9.6.3 and following) as returned by
 * GET_DESCRIPTOR(CONFIGURATION). WebUSB parses interfaces and endpoints itself but hides class-specific
 * descriptors such as the CCID functional descriptor, so the driver reads the raw bytes and finds them here.
 */
import { protocolError } from './ccid-errors.js';

/** Standard descriptor types (USB 2.0 §9.4 Table 9-5). */
export const DescriptorType = { DEVICE: 1, CONFIGURATION: 2, STRING: 3, INTERFACE: 4, ENDPOINT: 5 } as const;

/** bRequest of GET_DESCRIPTOR (USB 2.0 §9.4 Table 9-4). */
export const GET_DESCRIPTOR = 6;

/** One endpoint descriptor (USB 2.0 §9.6.6). */
export interface RawEndpoint {
  /** bEndpointAddress: bit 7 = IN, bits 0–3 = endpoint number. */
  readonly address: number;
  readonly number: number;
  readonly direction: 'in' | 'out';
  readonly type: 'control' | 'isochronous' | 'bulk' | 'interrupt';
  readonly packetSize: number;
}

/** One interface alternate setting with what follows it up to the next interface (USB 2.0 §9.6.5). */
export interface RawInterface {
  readonly interfaceNumber: number;
  readonly alternateSetting: number;
  readonly interfaceClass: number;
  readonly interfaceSubclass: number;
  readonly interfaceProtocol: number;
  readonly endpoints: readonly RawEndpoint[];
  /** Every non-standard descriptor in this interface's span (before, between or after its endpoints). */
  readonly classDescriptors: readonly Uint8Array[];
}

/** A parsed configuration descriptor. */
export interface RawConfiguration {
  readonly configurationValue: number;
  readonly interfaces: readonly RawInterface[];
}

const ENDPOINT_TYPES = ['control', 'isochronous', 'bulk', 'interrupt'] as const;

/**
 * Parses the full configuration descriptor (wTotalLength bytes). Throws the typed protocol error when a
 * descriptor's bLength runs past the end or is shorter than its type requires.
 */
export function parseConfigurationDescriptor(bytes: Uint8Array): RawConfiguration {
  // USB 2.0 §9.6.3: bLength 9, bDescriptorType 2, wTotalLength, bNumInterfaces, bConfigurationValue, …
  if (bytes.length < 9 || bytes[1] !== DescriptorType.CONFIGURATION || bytes[0]! < 9) {
    throw protocolError('not a USB configuration descriptor');
  }
  const totalLength = bytes[2]! | (bytes[3]! << 8);
  if (totalLength > bytes.length) {
    throw protocolError(`configuration descriptor truncated: wTotalLength ${totalLength}, got ${bytes.length} bytes`);
  }
  const interfaces: { base: Omit<RawInterface, 'endpoints' | 'classDescriptors'>; endpoints: RawEndpoint[]; classDescriptors: Uint8Array[] }[] = [];
  let offset = bytes[0]!;
  while (offset < totalLength) {
    const length = bytes[offset]!;
    const type = bytes[offset + 1];
    if (length < 2 || type === undefined || offset + length > totalLength) {
      throw protocolError(`malformed descriptor at offset ${offset} of the configuration descriptor`);
    }
    const d = bytes.subarray(offset, offset + length);
    const current = interfaces[interfaces.length - 1];
    if (type === DescriptorType.INTERFACE) {
      if (length < 9) throw protocolError(`interface descriptor of ${length} bytes at offset ${offset}`);
      interfaces.push({
        base: {
          interfaceNumber: d[2]!,
          alternateSetting: d[3]!,
          interfaceClass: d[5]!,
          interfaceSubclass: d[6]!,
          interfaceProtocol: d[7]!,
        },
        endpoints: [],
        classDescriptors: [],
      });
    } else if (type === DescriptorType.ENDPOINT) {
      if (length < 7) throw protocolError(`endpoint descriptor of ${length} bytes at offset ${offset}`);
      current?.endpoints.push({
        address: d[2]!,
        number: d[2]! & 0x0f,
        direction: (d[2]! & 0x80) !== 0 ? 'in' : 'out',
        type: ENDPOINT_TYPES[d[3]! & 0x03]!,
        packetSize: (d[4]! | (d[5]! << 8)) & 0x07ff,
      });
    } else {
      current?.classDescriptors.push(d.slice());
    }
    offset += length;
  }
  return {
    configurationValue: bytes[5]!,
    interfaces: interfaces.map((i) => ({ ...i.base, endpoints: i.endpoints, classDescriptors: i.classDescriptors })),
  };
}
