import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CardErrorCode } from '../../src/card-errors.js';
import { fromHex } from '../../src/bytes.js';
import { CcidErrorCode } from './ccid-errors.js';
import { encodeCcidDescriptor, exchangeLevel, Feature, parseCcidDescriptor } from './ccid-descriptor.js';
import { locateCcidInterface } from './ccid-interface.js';
import { parseConfigurationDescriptor } from './usb-descriptors.js';

// A one-slot token's CCID functional descriptor, written out field by field (§5.1 Table 5.1-1).
const TOKEN_CCID = [
  '36 21', // bLength 54, bDescriptorType 0x21
  '00 01', // bcdCCID 1.00
  '00', // bMaxSlotIndex
  '07', // bVoltageSupport 5 V, 3 V, 1.8 V
  '02 00 00 00', // dwProtocols T=1
  'a0 0f 00 00', // dwDefaultClock 4000 kHz
  'a0 0f 00 00', // dwMaximumClock
  '00', // bNumClockSupported
  '00 b0 04 00', // dwDataRate 307200
  '00 b0 04 00', // dwMaxDataRate
  '00', // bNumDataRatesSupported
  'fe 00 00 00', // dwMaxIFSD 254
  '00 00 00 00', // dwSynchProtocols
  '00 00 00 00', // dwMechanical
  'fe 00 04 00', // dwFeatures: automatic everything + short and extended APDU level
  '00 0c 00 00', // dwMaxCCIDMessageLength 3072
  'ff', // bClassGetResponse
  'ff', // bClassEnvelope
  '00 00', // wLcdLayout
  '00', // bPINSupport
  '01', // bMaxCCIDBusySlots
].join(' ');

function hex(text: string): Uint8Array {
  return fromHex(text.replace(/\s+/g, ''));
}

// A composite token: two HID interfaces (whose HID descriptors also have type 0x21) and a CCID interface.
const COMPOSITE_CONFIGURATION = hex(
  [
    '09 02 96 00 03 01 00 80 1e',
    '09 04 00 00 01 03 01 01 00',
    '09 21 11 01 00 01 22 47 00',
    '07 05 81 03 08 00 0a',
    '09 04 01 00 02 03 00 00 00',
    '09 21 11 01 00 01 22 22 00',
    '07 05 04 03 40 00 02',
    '07 05 84 03 40 00 02',
    '09 04 02 00 03 0b 00 00 00',
    TOKEN_CCID,
    '07 05 02 02 40 00 00',
    '07 05 82 02 40 00 00',
    '07 05 83 03 08 00 ff',
  ].join(' '),
);

/** A device whose WebUSB view is not available: the driver falls back to the raw endpoints. */
const NO_WEBUSB_VIEW = { configuration: null } as unknown as USBDevice;

describe('CCID functional descriptor (§5.1)', () => {
  it('reads every field at its offset', () => {
    const d = parseCcidDescriptor(hex(TOKEN_CCID));
    assert.equal(d.bcdCCID, 0x0100);
    assert.equal(d.maxSlotIndex, 0);
    assert.equal(d.voltageSupport, 7);
    assert.equal(d.protocols, 2);
    assert.equal(d.defaultClock, 4000);
    assert.equal(d.dataRate, 307200);
    assert.equal(d.maxIFSD, 254);
    assert.equal(d.features, 0x000400fe);
    assert.equal(d.maxMessageLength, 3072);
    assert.equal(d.classGetResponse, 0xff);
    assert.equal(d.maxBusySlots, 1);
    assert.equal(exchangeLevel(d.features), 'extended-apdu');
  });

  it('round-trips through the encoder the simulated reader uses', () => {
    const d = parseCcidDescriptor(hex(TOKEN_CCID));
    assert.deepEqual(encodeCcidDescriptor(d), hex(TOKEN_CCID));
  });

  it('derives the exchange level from the dwFeatures bits of Table 5.1-1', () => {
    assert.equal(exchangeLevel(0x0000_00fe), 'character');
    assert.equal(exchangeLevel(Feature.TPDU_LEVEL | 0xfe), 'tpdu');
    assert.equal(exchangeLevel(Feature.SHORT_APDU_LEVEL), 'short-apdu');
    assert.equal(exchangeLevel(Feature.EXTENDED_APDU_LEVEL | Feature.USB_WAKE_UP), 'extended-apdu');
  });

  it('refuses a descriptor of the wrong size or type', () => {
    assert.throws(() => parseCcidDescriptor(hex(TOKEN_CCID).subarray(0, 53)), { code: CcidErrorCode.CCID_PROTOCOL_ERROR });
    const wrongType = hex(TOKEN_CCID);
    wrongType[1] = 0x24;
    assert.throws(() => parseCcidDescriptor(wrongType), { code: CcidErrorCode.CCID_PROTOCOL_ERROR });
  });
});

describe('configuration descriptor walk (USB 2.0 §9.6)', () => {
  it('finds three interfaces with their endpoints and class descriptors', () => {
    const config = parseConfigurationDescriptor(COMPOSITE_CONFIGURATION);
    assert.equal(config.configurationValue, 1);
    assert.deepEqual(
      config.interfaces.map((i) => [i.interfaceNumber, i.interfaceClass, i.endpoints.length, i.classDescriptors.length]),
      [
        [0, 3, 1, 1],
        [1, 3, 2, 1],
        [2, 0x0b, 3, 1],
      ],
    );
  });

  it('picks the CCID interface, not a HID descriptor that shares type 0x21', () => {
    const iface = locateCcidInterface(NO_WEBUSB_VIEW, parseConfigurationDescriptor(COMPOSITE_CONFIGURATION), 'Token');
    assert.equal(iface.interfaceNumber, 2);
    assert.deepEqual(iface.bulkOut, { number: 2, packetSize: 64 });
    assert.deepEqual(iface.bulkIn, { number: 2, packetSize: 64 });
    assert.deepEqual(iface.interruptIn, { number: 3, packetSize: 8 });
    assert.equal(iface.descriptor.maxMessageLength, 3072);
  });

  it('accepts a vendor-class interface whose CCID descriptor follows the endpoints', () => {
    const bytes = hex(
      [
        '09 02 5d 00 01 01 00 80 32',
        '09 04 00 00 03 ff 00 00 00',
        '07 05 01 02 40 00 00',
        '07 05 82 02 40 00 00',
        '07 05 83 03 08 00 10',
        TOKEN_CCID,
      ].join(' '),
    );
    const iface = locateCcidInterface(NO_WEBUSB_VIEW, parseConfigurationDescriptor(bytes), 'Vendor token');
    assert.equal(iface.interfaceClass, 0xff);
    assert.deepEqual(iface.bulkIn, { number: 2, packetSize: 64 });
  });

  it('says which device has no CCID interface', () => {
    const hidOnly = hex(['09 02 1b 00 01 01 00 80 32', '09 04 00 00 01 03 00 00 00', '09 21 11 01 00 01 22 22 00'].join(' '));
    assert.throws(() => locateCcidInterface(NO_WEBUSB_VIEW, parseConfigurationDescriptor(hidOnly), 'Some Keyboard'), (error: Error) => {
      assert.equal((error as { code?: string }).code, CardErrorCode.READER_UNSUPPORTED);
      assert.match(error.message, /Some Keyboard has no CCID/);
      return true;
    });
  });

  it('refuses truncated and self-inconsistent descriptors with the typed protocol error', () => {
    assert.throws(() => parseConfigurationDescriptor(COMPOSITE_CONFIGURATION.subarray(0, 100)), { code: CcidErrorCode.CCID_PROTOCOL_ERROR });
    const zeroLength = COMPOSITE_CONFIGURATION.slice();
    zeroLength[9] = 0;
    assert.throws(() => parseConfigurationDescriptor(zeroLength), { code: CcidErrorCode.CCID_PROTOCOL_ERROR });
    assert.throws(() => parseConfigurationDescriptor(hex('12 01 00 02')), { code: CcidErrorCode.CCID_PROTOCOL_ERROR });
  });
});
