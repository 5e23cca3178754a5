import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CardErrorCode } from '../../src/card-errors.js';
import { fromHex } from '../../src/bytes.js';
import { CANNED_ATR, CANNED_FCI, CannedCard } from './canned-card.js';
import { CcidReader, connectCcidCard } from './ccid-reader.js';
import { SimulatedCcidReader } from './simulated-reader.js';
import { openRig } from './test-rig.js';

const SELECT = fromHex('00a4040005a000000308');

/** READ of `n` bytes from the canned card (P1 P2 = n). */
function read(n: number): Uint8Array {
  return Uint8Array.of(0x00, 0xb0, n >> 8, n & 0xff, 0x00);
}

describe('CCID driver: opening a reader', () => {
  it('opens a vendor-class reader, powers the card and exchanges APDUs', async () => {
    const { reader, device, card } = await openRig();
    assert.equal(reader.name, 'Kyotsu Simulated CCID Reader');
    assert.equal(reader.exchangeLevel, 'short-apdu');
    assert.equal(await reader.slotStatus(), 'inactive');
    const connection = await reader.connect();
    assert.deepEqual(connection.atr, CANNED_ATR);
    assert.deepEqual(await connection.transmit(SELECT), Uint8Array.of(...CANNED_FCI, 0x90, 0x00));
    assert.equal(await reader.slotStatus(), 'active');
    assert.deepEqual(card.commands, [SELECT]);
    await connection.close();
    assert.equal(card.powered, false, 'closing the connection powers the card down');
    await reader.close();
    assert.equal(device.opened, false);
  });

  it('uses a class 0x0B interface when the browser allows it', async () => {
    const { reader } = await openRig({ interfaceClass: 0x0b });
    const connection = await reader.connect();
    assert.deepEqual(await connection.transmit(SELECT), Uint8Array.of(...CANNED_FCI, 0x90, 0x00));
    await connection.close();
    await reader.close();
  });

  it('finds a CCID descriptor placed after the endpoint descriptors', async () => {
    const { reader } = await openRig({ classDescriptorAfterEndpoints: true });
    assert.equal(reader.descriptor.maxMessageLength, 271);
    await reader.close();
  });

  it('refuses a TPDU-level reader with an error naming it, and leaves the device closed', async () => {
    const device = new SimulatedCcidReader({ exchangeLevel: 'tpdu', productName: 'Acme TPDU Reader 3000', card: new CannedCard() });
    await assert.rejects(CcidReader.open(device), (error: Error & { code?: string }) => {
      assert.equal(error.code, CardErrorCode.READER_UNSUPPORTED);
      assert.match(error.message, /Acme TPDU Reader 3000/);
      assert.match(error.message, /TPDU/);
      return true;
    });
    assert.equal(device.opened, false);
  });

  it('refuses a character-level reader', async () => {
    const device = new SimulatedCcidReader({ exchangeLevel: 'character', productName: 'Old Serial Bridge' });
    await assert.rejects(CcidReader.open(device), { code: CardErrorCode.READER_UNSUPPORTED, message: /Old Serial Bridge/ });
  });

  it('reports Chrome refusing the smart-card class as TRANSPORT_REFUSED, pointing to the native host', async () => {
    const device = new SimulatedCcidReader({ interfaceClass: 0x0b, refuseSmartCardClass: true, productName: 'Desk Reader' });
    await assert.rejects(CcidReader.open(device), (error: Error & { code?: string }) => {
      assert.equal(error.code, CardErrorCode.TRANSPORT_REFUSED);
      assert.match(error.message, /Desk Reader/);
      assert.match(error.message, /native host \(PC\/SC\)/);
      return true;
    });
    assert.equal(device.opened, false);
  });

  it('names a reader without a product string by its USB ids', async () => {
    const device = new SimulatedCcidReader({ exchangeLevel: 'tpdu', productName: null, vendorId: 0x076b, productId: 0x3021 });
    await assert.rejects(CcidReader.open(device), { message: /USB device 076b:3021/ });
  });

  it('connectCcidCard closes the reader together with the connection', async () => {
    const device = new SimulatedCcidReader({ card: new CannedCard() });
    const connection = await connectCcidCard(device);
    assert.deepEqual(await connection.transmit(SELECT), Uint8Array.of(...CANNED_FCI, 0x90, 0x00));
    await connection.close();
    await connection.close();
    assert.equal(device.opened, false);
    await assert.rejects(connection.transmit(SELECT), { code: CardErrorCode.CONNECTION_CLOSED });
  });

  it('ends an older connection when a newer one powers the card up again', async () => {
    const { reader } = await openRig();
    const first = await reader.connect();
    const second = await reader.connect();
    await assert.rejects(first.transmit(SELECT), { code: CardErrorCode.CONNECTION_CLOSED });
    assert.deepEqual(await second.transmit(SELECT), Uint8Array.of(...CANNED_FCI, 0x90, 0x00));
    await first.close();
    await second.close();
    await reader.close();
  });

  it('rejects connect with NO_CARD when the slot is empty', async () => {
    const { reader } = await openRig({ empty: true });
    assert.equal(await reader.slotStatus(), 'absent');
    await assert.rejects(reader.connect(), { code: CardErrorCode.NO_CARD });
    await reader.close();
  });
});

describe('CCID driver: message sizes', () => {
  it('reassembles a reply sent as header and data in separate transfers, skipping a leftover zero-length packet', async () => {
    // Packets of 8: the 8 bytes of data (6 + SW) are an exact multiple and end with a zero-length packet.
    const { reader, device } = await openRig({ bulkPacketSize: 8, splitReplyAfterHeader: true });
    const connection = await reader.connect();
    const response = await connection.transmit(read(6));
    assert.deepEqual(response, Uint8Array.of(0, 1, 2, 3, 4, 5, 0x90, 0x00));
    assert.ok(device.stats.bulkInTransfers > reader.stats.commands, 'replies took more than one transfer each');
    assert.deepEqual(await connection.transmit(read(1)), Uint8Array.of(0, 0x90, 0x00));
    await connection.close();
    await reader.close();
  });

  it('reads a 258-byte response in one transfer of many packets', async () => {
    const { reader, device } = await openRig();
    const connection = await reader.connect();
    device.resetStats();
    const response = await connection.transmit(read(256));
    assert.equal(response.length, 258);
    assert.equal(response[255], 255);
    assert.equal(device.stats.bulkInTransfers, 1);
    assert.equal(device.stats.bulkInPackets, Math.ceil((10 + 258) / 64));
    await connection.close();
    await reader.close();
  });

  it('refuses, on a short-APDU reader, a command that does not fit dwMaxCCIDMessageLength', async () => {
    const { reader, card } = await openRig();
    const connection = await reader.connect();
    assert.equal(connection.extendedApdu, false);
    assert.equal(connection.maxCommandLength, 261);
    const long = Uint8Array.of(0x00, 0xee, 0x00, 0x00, 0x00, 0x01, 0x2c, ...new Uint8Array(300));
    await assert.rejects(connection.transmit(long), { code: CardErrorCode.READER_UNSUPPORTED, message: /command chaining/ });
    assert.equal(card.commands.length, 0, 'nothing reached the card');
    await connection.close();
    await reader.close();
  });

  it('chains a long command and a long response on an extended-APDU reader (wLevelParameter, bChainParameter)', async () => {
    const { reader, device, card } = await openRig({ exchangeLevel: 'extended-apdu', maxMessageLength: 271 });
    const connection = await reader.connect();
    assert.equal(connection.extendedApdu, true);
    const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
    const echo = Uint8Array.of(0x00, 0xee, 0x00, 0x00, 0x00, data.length >> 8, data.length & 0xff, ...data, 0x00, 0x00);
    device.resetStats();
    const response = await connection.transmit(echo);
    assert.deepEqual(response, Uint8Array.of(...data, 0x90, 0x00));
    assert.deepEqual(card.commands.at(-1), echo, 'the card got the command whole');
    // 1009 command bytes in blocks of 261, 1002 response bytes in blocks of 261.
    assert.equal(device.stats.bulkOutTransfers, 4 + 3);
    assert.equal(device.stats.apdus, 1);
    await connection.close();
    await reader.close();
  });
});
