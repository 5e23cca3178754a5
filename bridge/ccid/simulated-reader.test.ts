import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../src/bytes.js';
import { CANNED_ATR, CannedCard } from './canned-card.js';
import { parseCcidDescriptor } from './ccid-descriptor.js';
import { decodeRdrToPc, encodePcToRdr } from './ccid-message.js';
import { FakeUsb } from './fake-usb.js';
import { SimulatedCcidReader } from './simulated-reader.js';
import { parseConfigurationDescriptor } from './usb-descriptors.js';

const GET_DESCRIPTOR = (type: number, index = 0): USBControlTransferParameters => ({
  requestType: 'standard',
  recipient: 'device',
  request: 6,
  value: (type << 8) | index,
  index: 0,
});

async function bytesIn(device: USBDevice, endpoint: number, length: number): Promise<Uint8Array> {
  const result = await device.transferIn(endpoint, length);
  assert.equal(result.status, 'ok');
  return new Uint8Array(result.data!.buffer, result.data!.byteOffset, result.data!.byteLength);
}

async function claimed(device: SimulatedCcidReader): Promise<SimulatedCcidReader> {
  await device.open();
  await device.claimInterface(0);
  return device;
}

describe('simulated CCID reader: USB device', () => {
  it('serves its device, configuration and string descriptors over GET_DESCRIPTOR', async () => {
    const device = new SimulatedCcidReader({ vendorId: 0x1050, productId: 0x0407, productName: 'Sim Token', maxMessageLength: 3082 });
    await assert.rejects(device.controlTransferIn(GET_DESCRIPTOR(1), 18), { name: 'InvalidStateError' });
    await device.open();
    const deviceDescriptor = await device.controlTransferIn(GET_DESCRIPTOR(1), 18);
    assert.equal(toHex(new Uint8Array(deviceDescriptor.data!.buffer)).slice(16, 24), '50100704');
    const head = await device.controlTransferIn(GET_DESCRIPTOR(2), 9);
    assert.equal(head.data!.byteLength, 9);
    const total = head.data!.getUint16(2, true);
    const full = await device.controlTransferIn(GET_DESCRIPTOR(2), total);
    const config = parseConfigurationDescriptor(new Uint8Array(full.data!.buffer));
    assert.equal(config.interfaces[0]!.interfaceClass, 0xff);
    assert.equal(parseCcidDescriptor(config.interfaces[0]!.classDescriptors[0]!).maxMessageLength, 3082);
    const product = await device.controlTransferIn(GET_DESCRIPTOR(3, 2), 255);
    assert.equal(new TextDecoder('utf-16le').decode(new Uint8Array(product.data!.buffer).subarray(2)), 'Sim Token');
    assert.equal((await device.controlTransferIn(GET_DESCRIPTOR(9), 255)).status, 'stall');
  });

  it('mirrors the raw descriptors in its WebUSB configuration object', () => {
    const device = new SimulatedCcidReader({ interfaceClass: 0x0b, interruptEndpoint: false });
    const alternate = device.configuration!.interfaces[0]!.alternate;
    assert.equal(alternate.interfaceClass, 0x0b);
    assert.deepEqual(
      alternate.endpoints.map((e) => `${e.type}-${e.direction}-${e.endpointNumber}`),
      ['bulk-out-1', 'bulk-in-2'],
    );
  });

  it('throws what Chrome throws: protected class, unclaimed endpoint, unknown interface', async () => {
    const device = new SimulatedCcidReader({ interfaceClass: 0x0b, refuseSmartCardClass: true });
    await device.open();
    await assert.rejects(device.claimInterface(0), { name: 'SecurityError', message: 'The requested interface implements a protected class.' });
    await assert.rejects(device.transferIn(2, 64), { name: 'NotFoundError' });
    await assert.rejects(device.claimInterface(3), { name: 'NotFoundError' });
  });
});

describe('simulated CCID reader: CCID messages byte for byte', () => {
  it('answers GetSlotStatus, IccPowerOn and XfrBlock like an APDU-level reader', async () => {
    const device = await claimed(new SimulatedCcidReader({ card: new CannedCard() }));
    await device.transferOut(1, encodePcToRdr({ type: 'GetSlotStatus', slot: 0, seq: 0 }));
    assert.equal(toHex(await bytesIn(device, 2, 64)), '81000000000000010003'); // present, inactive, clock stopped
    await device.transferOut(1, encodePcToRdr({ type: 'IccPowerOn', slot: 0, seq: 1, powerSelect: 0 }));
    const atr = decodeRdrToPc(await bytesIn(device, 2, 64));
    assert.equal(atr.type === 'DataBlock' && toHex(atr.data), toHex(CANNED_ATR));
    await device.transferOut(1, encodePcToRdr({ type: 'XfrBlock', slot: 0, seq: 2, bwi: 0, levelParameter: 0, data: fromHex('00a4040000') }));
    const reply = decodeRdrToPc(await bytesIn(device, 2, 64));
    assert.equal(reply.seq, 2);
    assert.equal(reply.type === 'DataBlock' && toHex(reply.data), '6103' + '4f01019000');
  });

  it('reassembles a command sent in two transfers and splits a long reply into packets', async () => {
    const device = await claimed(new SimulatedCcidReader({ card: new CannedCard(), bulkPacketSize: 16 }));
    await device.transferOut(1, encodePcToRdr({ type: 'IccPowerOn', slot: 0, seq: 0, powerSelect: 0 }));
    await bytesIn(device, 2, 64);
    const command = encodePcToRdr({ type: 'XfrBlock', slot: 0, seq: 1, bwi: 0, levelParameter: 0, data: fromHex('00b0001400') });
    await device.transferOut(1, command.subarray(0, 7));
    await device.transferOut(1, command.subarray(7));
    // 10 + 20 + 2 = 32 bytes: two full packets and a zero-length packet.
    const first = await bytesIn(device, 2, 16);
    const second = await bytesIn(device, 2, 16);
    const zlp = await bytesIn(device, 2, 16);
    assert.deepEqual([first.length, second.length, zlp.length], [16, 16, 0]);
    const reply = decodeRdrToPc(Uint8Array.of(...first, ...second));
    assert.equal(reply.type === 'DataBlock' && reply.data.length, 22);
  });

  it('reports babble when the host asks for less than a packet', async () => {
    const device = await claimed(new SimulatedCcidReader());
    await device.transferOut(1, encodePcToRdr({ type: 'GetSlotStatus', slot: 0, seq: 0 }));
    assert.equal((await device.transferIn(2, 4)).status, 'babble');
  });

  it('fails commands for a slot it does not have, and commands it does not implement', async () => {
    const device = await claimed(new SimulatedCcidReader());
    await device.transferOut(1, encodePcToRdr({ type: 'GetSlotStatus', slot: 1, seq: 4 }));
    assert.deepEqual(decodeRdrToPc(await bytesIn(device, 2, 64)), {
      type: 'SlotStatus',
      slot: 0,
      seq: 4,
      iccStatus: 'absent',
      commandStatus: 'failed',
      error: 5, // bad parameter at offset 5: bSlot (§6.2.6)
      clockStatus: 0,
    });
    await device.transferOut(1, encodePcToRdr({ type: 'Other', messageType: 0x6b, slot: 0, seq: 5 }));
    const escape = decodeRdrToPc(await bytesIn(device, 2, 64));
    assert.equal(escape.commandStatus, 'failed');
    assert.equal(escape.error, 0); // command not supported
  });

  it('notifies insertion and removal on the interrupt endpoint (§6.3.1)', async () => {
    const device = await claimed(new SimulatedCcidReader());
    device.insertCard(new CannedCard());
    assert.equal(toHex(await bytesIn(device, 3, 8)), '5003');
    device.removeCard();
    assert.equal(toHex(await bytesIn(device, 3, 8)), '5002');
  });

  it('fails pending transfers with NotFoundError on unplug and tells the fake navigator.usb', async () => {
    const device = new SimulatedCcidReader();
    const usb = new FakeUsb([device]);
    const disconnected: USBDevice[] = [];
    usb.addEventListener('disconnect', (event) => disconnected.push(event.device));
    await claimed(device);
    const pending = device.transferIn(3, 8);
    device.unplug();
    await assert.rejects(pending, { name: 'NotFoundError', message: 'The device was disconnected.' });
    assert.equal(device.opened, false);
    assert.deepEqual(disconnected, [device]);
    assert.deepEqual(await usb.getDevices(), []);
  });
});

describe('fake navigator.usb', () => {
  it('is a USB, chooses by interface class and remembers what was granted', async () => {
    const vendor = new SimulatedCcidReader({ productName: 'Vendor Token' });
    const smartCard = new SimulatedCcidReader({ productName: 'Class Reader', interfaceClass: 0x0b });
    const usb: USB = new FakeUsb([vendor, smartCard]);
    assert.deepEqual(await usb.getDevices(), []);
    assert.equal(await usb.requestDevice({ filters: [{ classCode: 0x0b }] }), smartCard);
    assert.equal(await usb.requestDevice({ filters: [{ classCode: 0xff }] }), vendor);
    assert.deepEqual(await usb.getDevices(), [vendor, smartCard]);
    await assert.rejects(usb.requestDevice({ filters: [{ vendorId: 0xdead }] }), { name: 'NotFoundError' });
  });
});
