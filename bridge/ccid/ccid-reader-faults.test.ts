import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CardErrorCode } from '../../src/card-errors.js';
import { fromHex } from '../../src/bytes.js';
import { CANNED_FCI } from './canned-card.js';
import { CcidErrorCode } from './ccid-errors.js';
import { type CcidReaderEvent } from './ccid-reader.js';
import { FakeUsb } from './fake-usb.js';
import { codeOf, openRig } from './test-rig.js';

const SELECT = fromHex('00a4040005a000000308');
const SELECT_OK = Uint8Array.of(...CANNED_FCI, 0x90, 0x00);
const ECHO = fromHex('00ee000003010203');

describe('CCID driver: faults', () => {
  it('turns a reply with the wrong bSeq into a typed protocol error, and the next command still works', async () => {
    const { reader, device } = await openRig();
    const connection = await reader.connect();
    device.corruptNextReply((message) => {
      const copy = message.slice();
      copy[6] = (copy[6]! + 1) & 0xff;
      return copy;
    });
    await assert.rejects(connection.transmit(SELECT), { code: CcidErrorCode.CCID_PROTOCOL_ERROR, message: /out of sequence/ });
    assert.deepEqual(await connection.transmit(SELECT), SELECT_OK);
    await connection.close();
    await reader.close();
  });

  it('keeps reading through time extensions without resending the command (§6.2.6)', async () => {
    const { reader, device } = await openRig({ timeExtensions: (apdu) => (apdu[1] === 0xee ? 3 : 0) });
    const connection = await reader.connect();
    device.resetStats();
    assert.deepEqual(await connection.transmit(ECHO), fromHex('0102039000'));
    assert.equal(device.stats.timeExtensionsSent, 3);
    assert.equal(reader.stats.timeExtensions, 3);
    assert.equal(device.stats.bulkOutTransfers, 1, 'the command was sent once');
    assert.equal(device.stats.bulkInTransfers, 4, 'three time extensions and the answer');
    await connection.close();
    await reader.close();
  });

  it('reports a card pulled out mid-command as CARD_REMOVED, fails the next command at once, and emits card-removed', async () => {
    const { reader, device } = await openRig();
    const events: string[] = [];
    reader.onCardEvent((event) => events.push(event.type));
    const connection = await reader.connect();
    device.removeCardDuringCommand((apdu) => apdu[1] === 0xee);
    await assert.rejects(connection.transmit(ECHO), { code: CardErrorCode.CARD_REMOVED });
    const commandsBefore = device.stats.bulkOutTransfers;
    await assert.rejects(connection.transmit(SELECT), { code: CardErrorCode.CARD_REMOVED });
    assert.equal(device.stats.bulkOutTransfers, commandsBefore, 'nothing was sent for a removed card');
    await connection.close();
    assert.equal(await reader.slotStatus(), 'absent');
    assert.deepEqual(events, ['card-removed']);
    await reader.close();
  });

  it('reports a card pulled out mid-command even while the reader is sending time extensions', async () => {
    const { reader, device } = await openRig({ timeExtensions: () => 2 });
    const connection = await reader.connect();
    device.removeCardDuringCommand();
    await assert.rejects(connection.transmit(ECHO), { code: CardErrorCode.CARD_REMOVED });
    await reader.close();
  });

  it('reports the reader unplugged mid-command as READER_UNPLUGGED, then refuses everything with the same code', async () => {
    const { reader, device } = await openRig();
    const events: string[] = [];
    reader.onCardEvent((event) => events.push(event.type));
    const connection = await reader.connect();
    device.unplugDuringCommand();
    await assert.rejects(connection.transmit(ECHO), { code: CardErrorCode.READER_UNPLUGGED });
    await assert.rejects(connection.transmit(SELECT), { code: CardErrorCode.CARD_REMOVED });
    await assert.rejects(reader.slotStatus(), { code: CardErrorCode.READER_UNPLUGGED });
    await assert.rejects(reader.connect(), { code: CardErrorCode.READER_UNPLUGGED });
    await connection.close();
    await reader.close();
    assert.deepEqual(events, ['reader-unplugged']);
  });

  it('learns of an unplug while idle from navigator.usb and ends a wait for a card', async () => {
    const usb = new FakeUsb();
    const { reader, device } = await openRig({ empty: true, interruptEndpoint: false, reader: { usb, pollIntervalMs: 60_000 } });
    const waiting = reader.waitForCard({ timeoutMs: 60_000 });
    usb.plug(device);
    device.unplug();
    await assert.rejects(waiting, { code: CardErrorCode.READER_UNPLUGGED });
    await assert.rejects(reader.slotStatus(), { code: CardErrorCode.READER_UNPLUGGED });
    await reader.close();
  });

  it('never hangs on a reader that stops answering: TRANSPORT_TIMEOUT, and the device is closed', async () => {
    const { reader, device } = await openRig({ reader: { transferTimeoutMs: 250 } });
    const connection = await reader.connect();
    device.dropNextReplies(1);
    await assert.rejects(connection.transmit(SELECT), { code: CardErrorCode.TRANSPORT_TIMEOUT });
    await reader.close();
    assert.equal(device.opened, false);
    await assert.rejects(connection.transmit(SELECT), (error) => codeOf(error) === CardErrorCode.TRANSPORT_TIMEOUT);
  });

  it('bounds a command that only ever gets time extensions by the command timeout', async () => {
    const { reader, device } = await openRig({ timeExtensions: () => Infinity, timeExtensionIntervalMs: 5, reader: { commandTimeoutMs: 300 } });
    const connection = await reader.connect();
    await assert.rejects(connection.transmit(ECHO), { code: CardErrorCode.TRANSPORT_TIMEOUT });
    assert.ok(reader.stats.timeExtensions > 0, 'time extensions arrived until the deadline');
    await reader.close();
    assert.equal(device.opened, false);
  });

  it('reports a reader that answers with the wrong message type as a protocol error', async () => {
    const { reader, device } = await openRig();
    const connection = await reader.connect();
    device.corruptNextReply((message) => {
      // Turn the DataBlock into a SlotStatus of the same sequence number (no data).
      const copy = message.slice(0, 10);
      copy[0] = 0x81;
      copy.fill(0, 1, 5);
      return copy;
    });
    await assert.rejects(connection.transmit(SELECT), { code: CcidErrorCode.CCID_PROTOCOL_ERROR, message: /expected DataBlock/ });
    await connection.close();
    await reader.close();
  });

  it('maps a reader-reported slot error to CCID_READER_ERROR naming it', async () => {
    const { reader, device } = await openRig();
    const connection = await reader.connect();
    device.corruptNextReply((message) => {
      const copy = message.slice(0, 10);
      copy.fill(0, 1, 5);
      copy[7] = 0x40; // failed, card present and active
      copy[8] = 0xfb; // HW_ERROR
      return copy;
    });
    await assert.rejects(connection.transmit(SELECT), { code: CcidErrorCode.CCID_READER_ERROR, message: /HW_ERROR/ });
    await connection.close();
    await reader.close();
  });
});

describe('CCID driver: card events (§6.3.1)', () => {
  it('emits card-removed and card-inserted from NotifySlotChange and resolves waitForCard on insertion', async () => {
    const { reader, device, card } = await openRig();
    const events: CcidReaderEvent['type'][] = [];
    reader.onCardEvent((event) => events.push(event.type));
    device.removeCard();
    const waiting = reader.waitForCard({ timeoutMs: 10_000 });
    await new Promise((resolve) => setImmediate(resolve));
    device.insertCard(card);
    await waiting;
    assert.deepEqual(events, ['card-removed', 'card-inserted']);
    const connection = await reader.connect();
    assert.deepEqual(await connection.transmit(SELECT), SELECT_OK);
    await connection.close();
    await reader.close();
  });

  it('resolves waitForCard at once when a card is already in', async () => {
    const { reader } = await openRig();
    await reader.waitForCard({ timeoutMs: 1 });
    await reader.close();
  });

  it('polls GetSlotStatus on a reader without an interrupt endpoint', async () => {
    const { reader, device, card } = await openRig({ empty: true, interruptEndpoint: false, reader: { pollIntervalMs: 5 } });
    const waiting = reader.waitForCard({ timeoutMs: 10_000 });
    device.insertCard(card);
    await waiting;
    assert.equal(await reader.slotStatus(), 'inactive');
    await reader.close();
  });

  it('gives up waiting with NO_CARD after the timeout', async () => {
    const { reader } = await openRig({ empty: true });
    await assert.rejects(reader.waitForCard({ timeoutMs: 20 }), { code: CardErrorCode.NO_CARD });
    await reader.close();
  });

  it('stops waiting when the caller aborts', async () => {
    const { reader } = await openRig({ empty: true });
    const controller = new AbortController();
    const waiting = reader.waitForCard({ signal: controller.signal });
    controller.abort(new Error('user closed the dialog'));
    await assert.rejects(waiting, { message: 'user closed the dialog' });
    await reader.close();
  });

  it('clears a stalled interrupt endpoint and keeps delivering events', async () => {
    const { reader, device } = await openRig();
    const removed = new Promise<void>((resolve) => reader.onCardEvent((event) => event.type === 'card-removed' && resolve()));
    device.stallInterrupt(2);
    device.injectInterrupt(Uint8Array.of(0x50, 0x01)); // "still present": wakes the pending transfer, no event
    device.removeCard();
    await removed;
    assert.equal(device.stats.interruptTransfers, 4, 'the pending transfer, two stalled ones, and the one that got the removal');
    await reader.close();
  });

  it('stops listening with a notification error when the interrupt endpoint keeps stalling', async () => {
    const { reader, device } = await openRig();
    const failed = new Promise<CcidReaderEvent>((resolve) => reader.onCardEvent((event) => event.type === 'notification-error' && resolve(event)));
    device.stallInterrupt(1000);
    device.injectInterrupt(Uint8Array.of(0x50, 0x03)); // wakes the pending transfer; the next ones stall
    const event = await failed;
    assert.equal(event.type === 'notification-error' && event.error.code, CcidErrorCode.CCID_READER_ERROR);
    await reader.close();
  });

  it('reports a malformed notification as an event and keeps listening', async () => {
    const { reader, device, card } = await openRig();
    const events: CcidReaderEvent[] = [];
    reader.onCardEvent((event) => events.push(event));
    const inserted = new Promise<void>((resolve) => reader.onCardEvent((event) => event.type === 'card-inserted' && resolve()));
    // A notification of an unknown type, then a genuine remove and insert.
    device.injectInterrupt(Uint8Array.of(0x5f, 0x00));
    device.removeCard();
    device.insertCard(card);
    await inserted;
    assert.deepEqual(
      events.map((e) => e.type),
      ['notification-error', 'card-removed', 'card-inserted'],
    );
    await reader.close();
  });
});
