/**
 * The descriptors of the simulated CCID reader, as raw bytes (what GET_DESCRIPTOR returns, USB 2.0 §9.6)
 * and as the WebUSB objects a browser builds from them (WebUSB §6 USBConfiguration, USBInterface, …).
 */
import { encodeCcidDescriptor, Feature, Voltage, type CcidDescriptor, type ExchangeLevel } from './ccid-descriptor.js';
import { DescriptorType } from './usb-descriptors.js';

/** The endpoint layout of the simulated reader. */
export const SimEndpoint = { BULK_OUT: 0x01, BULK_IN: 0x82, INTERRUPT_IN: 0x83 } as const;

/** What the descriptors are built from. */
export interface SimulatedDescriptorConfig {
  readonly vendorId: number;
  readonly productId: number;
  readonly interfaceClass: number;
  readonly exchangeLevel: ExchangeLevel;
  readonly maxMessageLength: number;
  readonly bulkPacketSize: number;
  readonly interruptPacketSize: number;
  readonly interruptEndpoint: boolean;
  readonly autoVoltage: boolean;
  /** Put the CCID descriptor after the endpoints, as some vendor-class tokens do. */
  readonly classDescriptorAfterEndpoints: boolean;
}

const LEVEL_FEATURE: Readonly<Record<ExchangeLevel, number>> = {
  character: 0,
  tpdu: Feature.TPDU_LEVEL,
  'short-apdu': Feature.SHORT_APDU_LEVEL,
  'extended-apdu': Feature.EXTENDED_APDU_LEVEL,
};

/** The CCID functional descriptor of the simulated reader (§5.1), modelled on a one-slot APDU token. */
export function simulatedCcidDescriptor(config: SimulatedDescriptorConfig): CcidDescriptor {
  return {
    bcdCCID: 0x0110,
    maxSlotIndex: 0,
    voltageSupport: Voltage.V5 | Voltage.V3 | Voltage.V1_8,
    protocols: 0b11, // T=0 and T=1
    defaultClock: 4000,
    maximumClock: 4000,
    numClockSupported: 0,
    dataRate: 10752,
    maxDataRate: 10752,
    numDataRatesSupported: 0,
    maxIFSD: 254,
    synchProtocols: 0,
    mechanical: 0,
    features:
      LEVEL_FEATURE[config.exchangeLevel] |
      Feature.AUTO_PARAMETERS_FROM_ATR |
      Feature.AUTO_ACTIVATION_ON_INSERT |
      (config.autoVoltage ? Feature.AUTO_VOLTAGE : 0) |
      Feature.AUTO_CLOCK |
      Feature.AUTO_BAUD |
      Feature.AUTO_PARAMETER_NEGOTIATION,
    maxMessageLength: config.maxMessageLength,
    classGetResponse: 0xff, // echo the command's class byte (§5.1)
    classEnvelope: 0xff,
    lcdLayout: 0,
    pinSupport: 0,
    maxBusySlots: 1,
  };
}

function le16(n: number): [number, number] {
  return [n & 0xff, (n >>> 8) & 0xff];
}

/** The 18-byte device descriptor (USB 2.0 §9.6.1), strings at indexes 1–3. */
export function deviceDescriptorBytes(config: SimulatedDescriptorConfig): Uint8Array {
  return Uint8Array.of(18, DescriptorType.DEVICE, ...le16(0x0200), 0, 0, 0, 64, ...le16(config.vendorId), ...le16(config.productId), ...le16(0x0100), 1, 2, 3, 1);
}

function endpointBytes(address: number, attributes: number, packetSize: number, interval: number): number[] {
  return [7, DescriptorType.ENDPOINT, address, attributes, ...le16(packetSize), interval]; // USB 2.0 §9.6.6
}

/** The full configuration descriptor: configuration, interface, CCID functional and endpoint descriptors. */
export function configurationDescriptorBytes(config: SimulatedDescriptorConfig): Uint8Array {
  const endpoints = [
    ...endpointBytes(SimEndpoint.BULK_OUT, 0x02, config.bulkPacketSize, 0),
    ...endpointBytes(SimEndpoint.BULK_IN, 0x02, config.bulkPacketSize, 0),
    ...(config.interruptEndpoint ? endpointBytes(SimEndpoint.INTERRUPT_IN, 0x03, config.interruptPacketSize, 16) : []),
  ];
  const numEndpoints = config.interruptEndpoint ? 3 : 2;
  // USB 2.0 §9.6.5; CCID §4.3: bInterfaceClass 0x0B, subclass 0, protocol 0 (bulk transfers)
  const iface = [9, DescriptorType.INTERFACE, 0, 0, numEndpoints, config.interfaceClass, 0, 0, 0];
  const functional = [...encodeCcidDescriptor(simulatedCcidDescriptor(config))];
  const body = config.classDescriptorAfterEndpoints ? [...iface, ...endpoints, ...functional] : [...iface, ...functional, ...endpoints];
  const total = 9 + body.length;
  // USB 2.0 §9.6.3: one interface, bConfigurationValue 1, bus powered, 100 mA
  return Uint8Array.of(9, DescriptorType.CONFIGURATION, ...le16(total), 1, 1, 0, 0x80, 50, ...body);
}

/** A string descriptor (USB 2.0 §9.6.7): UTF-16LE; index 0 is the language list (0x0409, US English). */
export function stringDescriptorBytes(text: string | null): Uint8Array {
  if (text === null) return Uint8Array.of(4, DescriptorType.STRING, 0x09, 0x04);
  const units = [...text].flatMap((c) => le16(c.charCodeAt(0)));
  return Uint8Array.of(2 + units.length, DescriptorType.STRING, ...units);
}

/** WebUSB's view of the configuration (what `USBDevice.configuration` holds after the browser parses it). */
export function webUsbConfiguration(config: SimulatedDescriptorConfig, isClaimed: () => boolean): USBConfiguration {
  const endpoints: USBEndpoint[] = [
    { endpointNumber: SimEndpoint.BULK_OUT & 0x0f, direction: 'out', type: 'bulk', packetSize: config.bulkPacketSize },
    { endpointNumber: SimEndpoint.BULK_IN & 0x0f, direction: 'in', type: 'bulk', packetSize: config.bulkPacketSize },
    ...(config.interruptEndpoint
      ? [{ endpointNumber: SimEndpoint.INTERRUPT_IN & 0x0f, direction: 'in', type: 'interrupt', packetSize: config.interruptPacketSize } as const]
      : []),
  ];
  const alternate: USBAlternateInterface = {
    alternateSetting: 0,
    interfaceClass: config.interfaceClass,
    interfaceSubclass: 0,
    interfaceProtocol: 0,
    interfaceName: null,
    endpoints,
  };
  const iface: USBInterface = {
    interfaceNumber: 0,
    alternate,
    alternates: [alternate],
    get claimed() {
      return isClaimed();
    },
  };
  return { configurationValue: 1, configurationName: null, interfaces: [iface] };
}
