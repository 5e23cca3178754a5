/**
 * The whole PIV flow through the WebUSB CCID driver and the simulated reader, with the real software PIV
 * card and the real PIV session: provision (9B auth, generate, write a 2 KB certificate), then a login
 * (select, read certificate, verify PIN, sign) with time extensions during the signature, the card pulled
 * out mid-signature, and the reader unplugged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CardErrorCode, PinInvalidError } from '../../src/card-errors.js';
import { Algorithm, DEFAULT_PIN, Slot } from '../../src/piv/constants.js';
import { PivSession } from '../piv/session.js';
import { issueTestCertificate } from '../piv/test-certificate.js';
import { SoftPivCard } from '../softcard/soft-piv-card.js';
import { CcidReader } from './ccid-reader.js';
import { SimulatedCcidReader, type SimulatedCcidReaderOptions } from './simulated-reader.js';

/** GENERAL AUTHENTICATE with the 9A key: the signature of a login. */
const isSignature = (apdu: Uint8Array): boolean => apdu[1] === 0x87 && apdu[3] === Slot.AUTHENTICATION;

const CHALLENGE = new TextEncoder().encode('origin hash ‖ nonce hash');

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data.slice()));
}

async function verifies(spki: Uint8Array, raw: Uint8Array, data: Uint8Array): Promise<boolean> {
  const key = await crypto.subtle.importKey('spki', spki.slice(), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, raw.slice(), data.slice());
}

interface Provisioned {
  readonly card: SoftPivCard;
  readonly device: SimulatedCcidReader;
  readonly reader: CcidReader;
  readonly spki: Uint8Array;
  readonly certificate: Uint8Array;
}

/** A card with a P-256 key and a ~2 KB certificate in 9A, provisioned through the CCID reader itself. */
async function provisioned(options: SimulatedCcidReaderOptions = {}, extendedLength = false): Promise<Provisioned> {
  const card = await SoftPivCard.create();
  const device = new SimulatedCcidReader({ card, ...options });
  const reader = await CcidReader.open(device);
  const connection = await reader.connect();
  const piv = await PivSession.open(connection, { extendedLength });
  await piv.authenticateManagementKey();
  const spki = await piv.generateKey(Slot.AUTHENTICATION, Algorithm.ECC_P256);
  const certificate = await issueTestCertificate(spki, { size: 2200 });
  await piv.writeCertificate(Slot.AUTHENTICATION, certificate);
  await connection.close();
  return { card, device, reader, spki, certificate };
}

describe('PIV over the WebUSB CCID driver and the simulated reader', () => {
  it('runs a login: select, read the certificate, verify the PIN, sign — with time extensions mid-signature', async () => {
    const { device, reader, spki, certificate } = await provisioned({ timeExtensions: (apdu) => (isSignature(apdu) ? 3 : 0) });
    assert.ok(certificate.length >= 2000, `certificate of ${certificate.length} bytes`);
    const piv = await PivSession.open(await reader.connect());
    assert.deepEqual(await piv.readCertificate(Slot.AUTHENTICATION), certificate);
    await assert.rejects(piv.verifyPin('000000'), (error) => error instanceof PinInvalidError && error.retriesLeft === 2);
    await piv.verifyPin(DEFAULT_PIN);
    device.resetStats();
    const signature = await piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, await sha256(CHALLENGE));
    assert.equal(device.stats.timeExtensionsSent, 3, 'the reader asked for more time during the signature');
    assert.equal(device.stats.bulkOutTransfers, 1, 'and the driver did not resend the command');
    assert.ok(await verifies(spki, signature.raw, CHALLENGE), 'the signature verifies with the certificate key');
    await reader.close();
  });

  it('reports the card pulled out mid-signature as CARD_REMOVED, then a fresh connection needs the PIN again', async () => {
    const { device, reader, card, spki } = await provisioned({ timeExtensions: (apdu) => (isSignature(apdu) ? 1 : 0) });
    const events: string[] = [];
    reader.onCardEvent((event) => events.push(event.type));
    const connection = await reader.connect();
    const piv = await PivSession.open(connection);
    await piv.verifyPin(DEFAULT_PIN);
    device.removeCardDuringCommand(isSignature);
    await assert.rejects(piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, await sha256(CHALLENGE)), { code: CardErrorCode.CARD_REMOVED });
    await connection.close();

    const waiting = reader.waitForCard({ timeoutMs: 10_000 });
    device.insertCard(card);
    await waiting;
    assert.deepEqual(events, ['card-removed', 'card-inserted']);
    const again = await PivSession.open(await reader.connect());
    await assert.rejects(again.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, await sha256(CHALLENGE)), {
      code: CardErrorCode.SECURITY_STATUS_NOT_SATISFIED,
    });
    await again.verifyPin(DEFAULT_PIN);
    const signature = await again.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, await sha256(CHALLENGE));
    assert.ok(await verifies(spki, signature.raw, CHALLENGE));
    await reader.close();
  });

  it('reports the reader unplugged mid-signature as READER_UNPLUGGED', async () => {
    const { device, reader } = await provisioned();
    const piv = await PivSession.open(await reader.connect());
    await piv.verifyPin(DEFAULT_PIN);
    device.unplugDuringCommand(isSignature);
    await assert.rejects(piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, await sha256(CHALLENGE)), { code: CardErrorCode.READER_UNPLUGGED });
    await reader.close();
  });

  it('carries extended APDUs through an extended-APDU reader with CCID-level chaining', async () => {
    const { device, reader, certificate, spki } = await provisioned({ exchangeLevel: 'extended-apdu', maxMessageLength: 271 }, true);
    const piv = await PivSession.open(await reader.connect(), { extendedLength: true });
    device.resetStats();
    assert.deepEqual(await piv.readCertificate(Slot.AUTHENTICATION), certificate);
    assert.equal(device.stats.apdus, 1, 'one extended GET DATA, no GET RESPONSE');
    assert.ok(device.stats.bulkOutTransfers > 1, 'the response came back in several CCID blocks');
    await piv.verifyPin(DEFAULT_PIN);
    const signature = await piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, await sha256(CHALLENGE));
    assert.ok(await verifies(spki, signature.raw, CHALLENGE));
    await reader.close();
  });
});
