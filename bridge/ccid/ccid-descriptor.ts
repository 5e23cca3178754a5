/**
 * The CCID class functional descriptor (USB CCID Rev 1.1 §5.1 Table 5.1-1) and what the driver decides
 * from it: the exchange level (dwFeatures) and the largest message (dwMaxCCIDMessageLength).
 */
import { protocolError } from './ccid-errors.js';

/** bDescriptorType of the CCID functional descriptor (§5.1). */
export const CCID_DESCRIPTOR_TYPE = 0x21;
/** bLength of the CCID functional descriptor (§5.1). */
export const CCID_DESCRIPTOR_LENGTH = 0x36;
/** The smart-card interface class (§4.3 "Interface Descriptor": bInterfaceClass 0x0B). */
export const SMART_CARD_CLASS = 0x0b;
/** Vendor-specific interface class; some tokens put a CCID interface behind it. */
export const VENDOR_CLASS = 0xff;

/** dwFeatures bits (§5.1 Table 5.1-1, dwFeatures). */
export const Feature = {
  AUTO_PARAMETERS_FROM_ATR: 0x0000_0002,
  AUTO_ACTIVATION_ON_INSERT: 0x0000_0004,
  AUTO_VOLTAGE: 0x0000_0008,
  AUTO_CLOCK: 0x0000_0010,
  AUTO_BAUD: 0x0000_0020,
  AUTO_PARAMETER_NEGOTIATION: 0x0000_0040,
  AUTO_PPS: 0x0000_0080,
  CLOCK_STOP: 0x0000_0100,
  NAD_NOT_ZERO: 0x0000_0200,
  AUTO_IFSD: 0x0000_0400,
  /** "TPDU level exchanges with CCID". */
  TPDU_LEVEL: 0x0001_0000,
  /** "Short APDU level exchange with CCID". */
  SHORT_APDU_LEVEL: 0x0002_0000,
  /** "Short and Extended APDU level exchange with CCID". */
  EXTENDED_APDU_LEVEL: 0x0004_0000,
  /** The bits that select the exchange level; none of them set means character level. */
  EXCHANGE_LEVEL_MASK: 0x0007_0000,
  USB_WAKE_UP: 0x0010_0000,
} as const;

/** bVoltageSupport bits (§5.1). */
export const Voltage = { V5: 0x01, V3: 0x02, V1_8: 0x04 } as const;

/** The level at which the reader exchanges data with the host (§5.1 dwFeatures, §6.1.4). */
export type ExchangeLevel = 'character' | 'tpdu' | 'short-apdu' | 'extended-apdu';

/** The fields of the CCID functional descriptor (§5.1 Table 5.1-1). */
export interface CcidDescriptor {
  readonly bcdCCID: number;
  readonly maxSlotIndex: number;
  readonly voltageSupport: number;
  /** Bit 0 = T=0, bit 1 = T=1. */
  readonly protocols: number;
  readonly defaultClock: number;
  readonly maximumClock: number;
  readonly numClockSupported: number;
  readonly dataRate: number;
  readonly maxDataRate: number;
  readonly numDataRatesSupported: number;
  readonly maxIFSD: number;
  readonly synchProtocols: number;
  readonly mechanical: number;
  readonly features: number;
  /** Largest bulk message, header included. */
  readonly maxMessageLength: number;
  readonly classGetResponse: number;
  readonly classEnvelope: number;
  readonly lcdLayout: number;
  readonly pinSupport: number;
  readonly maxBusySlots: number;
}

/** Smallest dwMaxCCIDMessageLength a reader may report: a short APDU of 261 bytes plus the header (§5.1). */
export const MIN_MAX_MESSAGE_LENGTH = 261 + 10;

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/**
 * Parses a CCID functional descriptor. Accepts bDescriptorType 0x21 and, for the vendor-class tokens that
 * use it, 0xFF. Throws the typed protocol error on the wrong size or type.
 */
export function parseCcidDescriptor(d: Uint8Array): CcidDescriptor {
  if (d.length !== CCID_DESCRIPTOR_LENGTH || d[0] !== CCID_DESCRIPTOR_LENGTH) {
    throw protocolError(`CCID class descriptor of ${d.length} bytes, expected ${CCID_DESCRIPTOR_LENGTH} (§5.1)`);
  }
  if (d[1] !== CCID_DESCRIPTOR_TYPE && d[1] !== 0xff) throw protocolError(`descriptor type 0x${d[1]!.toString(16)} is not CCID`);
  // §5.1 Table 5.1-1, offsets in the descriptor:
  return {
    bcdCCID: d[2]! | (d[3]! << 8), // 2
    maxSlotIndex: d[4]!, // 4
    voltageSupport: d[5]!, // 5
    protocols: u32(d, 6), // 6
    defaultClock: u32(d, 10), // 10
    maximumClock: u32(d, 14), // 14
    numClockSupported: d[18]!, // 18
    dataRate: u32(d, 19), // 19
    maxDataRate: u32(d, 23), // 23
    numDataRatesSupported: d[27]!, // 27
    maxIFSD: u32(d, 28), // 28
    synchProtocols: u32(d, 32), // 32
    mechanical: u32(d, 36), // 36
    features: u32(d, 40), // 40
    maxMessageLength: u32(d, 44), // 44
    classGetResponse: d[48]!, // 48
    classEnvelope: d[49]!, // 49
    lcdLayout: d[50]! | (d[51]! << 8), // 50
    pinSupport: d[52]!, // 52
    maxBusySlots: d[53]!, // 53
  };
}

/**
 * The exchange level from dwFeatures (§5.1 Table 5.1-1: "Only one of the following values may be present
 * to select a level of exchange"; none means character level). A reader that sets several is taken at the
 * highest, as libccid does.
 */
export function exchangeLevel(features: number): ExchangeLevel {
  if (features & Feature.EXTENDED_APDU_LEVEL) return 'extended-apdu';
  if (features & Feature.SHORT_APDU_LEVEL) return 'short-apdu';
  if (features & Feature.TPDU_LEVEL) return 'tpdu';
  return 'character';
}

/** Encodes a CCID functional descriptor (the simulated reader uses it; tests round-trip it). */
export function encodeCcidDescriptor(d: CcidDescriptor, descriptorType = CCID_DESCRIPTOR_TYPE): Uint8Array {
  const out = new Uint8Array(CCID_DESCRIPTOR_LENGTH);
  const view = new DataView(out.buffer);
  out[0] = CCID_DESCRIPTOR_LENGTH;
  out[1] = descriptorType;
  view.setUint16(2, d.bcdCCID, true);
  out[4] = d.maxSlotIndex;
  out[5] = d.voltageSupport;
  view.setUint32(6, d.protocols, true);
  view.setUint32(10, d.defaultClock, true);
  view.setUint32(14, d.maximumClock, true);
  out[18] = d.numClockSupported;
  view.setUint32(19, d.dataRate, true);
  view.setUint32(23, d.maxDataRate, true);
  out[27] = d.numDataRatesSupported;
  view.setUint32(28, d.maxIFSD, true);
  view.setUint32(32, d.synchProtocols, true);
  view.setUint32(36, d.mechanical, true);
  view.setUint32(40, d.features, true);
  view.setUint32(44, d.maxMessageLength, true);
  out[48] = d.classGetResponse;
  out[49] = d.classEnvelope;
  view.setUint16(50, d.lcdLayout, true);
  out[52] = d.pinSupport;
  out[53] = d.maxBusySlots;
  return out;
}
