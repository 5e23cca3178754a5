import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CardErrorCode } from '../../src/card-errors.js';
import { CannedCard } from './canned-card.js';
import { FakeUsb } from './fake-usb.js';
import { SimulatedCcidReader } from './simulated-reader.js';
import { pairedCcidCandidates, requestCcidReader } from './webusb-readers.js';

describe('finding CCID readers through navigator.usb', () => {
  it('pairs a vendor-class token through the chooser and lists it as paired afterwards', async () => {
    const token = new SimulatedCcidReader({ productName: 'Vendor Token', card: new CannedCard() });
    const usb = new FakeUsb([token]);
    assert.deepEqual(await pairedCcidCandidates(usb), []);
    const reader = await requestCcidReader(usb, { usb });
    assert.equal(reader.name, 'Vendor Token');
    const connection = await reader.connect();
    assert.equal(connection.atr.length > 0, true);
    await connection.close();
    await reader.close();
    assert.deepEqual(await pairedCcidCandidates(usb), [token]);
  });

  it('passes on the refusal of a class 0x0B reader as TRANSPORT_REFUSED', async () => {
    const usb = new FakeUsb([new SimulatedCcidReader({ interfaceClass: 0x0b, refuseSmartCardClass: true })]);
    await assert.rejects(requestCcidReader(usb), { code: CardErrorCode.TRANSPORT_REFUSED });
  });

  it('rejects with the chooser error when nothing is chosen', async () => {
    await assert.rejects(requestCcidReader(new FakeUsb()), { name: 'NotFoundError' });
  });
});
