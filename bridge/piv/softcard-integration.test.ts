/**
 * The host-side PIV session against the real software PIV card, through the direct transport: the same
 * APDUs, counters and keys a reader would carry.
 */
import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import * as pkijs from 'pkijs';
import { fromHex } from '../../src/bytes.js';
import { CardErrorCode, isCardError, PinInvalidError } from '../../src/card-errors.js';
import { Algorithm, DEFAULT_MANAGEMENT_KEY, DEFAULT_PIN, DEFAULT_PUK, Slot } from '../../src/piv/constants.js';
import { SoftPivCard } from '../softcard/soft-piv-card.js';
import { connectDirect } from '../transport/direct.js';
import { PivSession } from './session.js';
import { issueTestCertificate } from './test-certificate.js';

const code = (c: CardErrorCode) => (e: unknown) => isCardError(e, c);
const message = new TextEncoder().encode('https://bank.example\u0000nonce-1234');
const sha = (bits: 256 | 384, data: Uint8Array): Uint8Array => new Uint8Array(createHash(`sha${bits}`).update(data).digest());
const spkiKey = (der: Uint8Array) => createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });

async function freshSession(options: { extendedLength?: boolean } = {}): Promise<PivSession> {
  return PivSession.open(await connectDirect(await SoftPivCard.create()), options);
}

describe('PivSession ↔ SoftPivCard', () => {
  it('provisions slot 9A: management key, on-card P-256 key, certificate written and read back', async () => {
    const piv = await freshSession();
    assert.equal(await piv.readCertificate(Slot.AUTHENTICATION), null);
    await assert.rejects(piv.generateKey(Slot.AUTHENTICATION, Algorithm.ECC_P256), code(CardErrorCode.SECURITY_STATUS_NOT_SATISFIED));
    await piv.authenticateManagementKey();
    const spki = await piv.generateKey(Slot.AUTHENTICATION, Algorithm.ECC_P256);
    const certificate = await issueTestCertificate(spki, { size: 2048 });
    await piv.writeCertificate(Slot.AUTHENTICATION, certificate);
    const back = await piv.readCertificate(Slot.AUTHENTICATION);
    assert.deepEqual(back, certificate);
    const parsed = pkijs.Certificate.fromBER(new Uint8Array(back));
    assert.deepEqual(new Uint8Array(parsed.subjectPublicKeyInfo.toSchema().toBER(false)), spki);

    // Sign: PIN first, then ECDSA verified by WebCrypto (raw) and OpenSSL (DER).
    await assert.rejects(piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, sha(256, message)), code(CardErrorCode.SECURITY_STATUS_NOT_SATISFIED));
    await piv.verifyPin(DEFAULT_PIN);
    const signature = await piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, sha(256, message));
    const key = await crypto.subtle.importKey('spki', new Uint8Array(spki), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    assert.ok(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, new Uint8Array(signature.raw), message));
    assert.ok(verify('sha256', message, spkiKey(spki), signature.der));

    await piv.deleteCertificate(Slot.AUTHENTICATION);
    assert.equal(await piv.readCertificate(Slot.AUTHENTICATION), null);
  });

  it('the same provisioning works with extended-length APDUs', async () => {
    const piv = await freshSession({ extendedLength: true });
    await piv.authenticateManagementKey();
    const spki = await piv.generateKey(Slot.CARD_AUTHENTICATION, Algorithm.ECC_P256);
    const certificate = await issueTestCertificate(spki, { size: 3000 });
    await piv.writeCertificate(Slot.CARD_AUTHENTICATION, certificate);
    assert.deepEqual(await piv.readCertificate(Slot.CARD_AUTHENTICATION), certificate);
  });

  it('signs with P-384 and with RSA-2048 (PKCS#1 v1.5 and PSS), each verified by OpenSSL', async () => {
    const piv = await freshSession();
    await piv.authenticateManagementKey();
    const p384 = await piv.generateKey(Slot.SIGNATURE, Algorithm.ECC_P384);
    const rsa = await piv.generateKey(Slot.KEY_MANAGEMENT, Algorithm.RSA_2048);
    await piv.verifyPin(DEFAULT_PIN);
    const ec = await piv.signEcdsa(Slot.SIGNATURE, Algorithm.ECC_P384, sha(384, message));
    assert.equal(ec.raw.length, 96);
    assert.ok(verify('sha384', message, { key: spkiKey(p384), dsaEncoding: 'ieee-p1363' }, ec.raw));
    await piv.verifyPin(DEFAULT_PIN);
    const pkcs1 = await piv.signRsa(Slot.KEY_MANAGEMENT, Algorithm.RSA_2048, sha(256, message), { hash: 'SHA-256' });
    assert.ok(verify('sha256', message, spkiKey(rsa), pkcs1));
    const pss = await piv.signRsa(Slot.KEY_MANAGEMENT, Algorithm.RSA_2048, sha(256, message), { hash: 'SHA-256', padding: 'pss' });
    assert.ok(verify('sha256', message, { key: spkiKey(rsa), padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss));
    assert.equal(verify('sha256', Buffer.from('other'), spkiKey(rsa), pkcs1), false);
  });

  it('PIN counters: wrong tries count down, the right PIN resets them, three wrong block, the PUK unblocks', async () => {
    const piv = await freshSession();
    assert.deepEqual(await piv.pinStatus(), { verified: false, retriesLeft: 3 });
    await assert.rejects(piv.verifyPin('000000'), (e) => e instanceof PinInvalidError && e.retriesLeft === 2);
    assert.deepEqual(await piv.pinStatus(), { verified: false, retriesLeft: 2 });
    await piv.verifyPin(DEFAULT_PIN);
    assert.deepEqual(await piv.pinStatus(), { verified: true });

    await piv.changePin(DEFAULT_PIN, '24680135');
    await assert.rejects(piv.verifyPin(DEFAULT_PIN), (e) => e instanceof PinInvalidError && e.retriesLeft === 2);
    await assert.rejects(piv.verifyPin(DEFAULT_PIN), (e) => e instanceof PinInvalidError && e.retriesLeft === 1);
    await assert.rejects(piv.verifyPin(DEFAULT_PIN), code(CardErrorCode.PIN_BLOCKED));
    await assert.rejects(piv.verifyPin('24680135'), code(CardErrorCode.PIN_BLOCKED));
    assert.deepEqual(await piv.pinStatus(), { verified: false, retriesLeft: 0 });

    await assert.rejects(piv.unblockPin('87654321', '111111'), (e) => isCardError(e, CardErrorCode.PUK_INVALID) && e.details?.retriesLeft === 2);
    await piv.unblockPin(DEFAULT_PUK, '111111');
    await piv.verifyPin('111111');
    await piv.changePuk(DEFAULT_PUK, '99999999');
    await assert.rejects(piv.changePuk(DEFAULT_PUK, '11111111'), code(CardErrorCode.PUK_INVALID));
  });

  it('management keys: 3DES and AES-128/192/256, mutual and single; a wrong key is refused', async () => {
    const piv = await freshSession();
    await assert.rejects(piv.authenticateManagementKey(new Uint8Array(24).fill(7)), code(CardErrorCode.MANAGEMENT_KEY_AUTH_FAILED));
    await piv.authenticateManagementKey(DEFAULT_MANAGEMENT_KEY, Algorithm.TDES, 'single');
    let current: [Uint8Array, number] = [DEFAULT_MANAGEMENT_KEY, Algorithm.TDES];
    const keys: [number, string][] = [
      [Algorithm.AES_128, '000102030405060708090a0b0c0d0e0f'],
      [Algorithm.AES_192, '0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a09080'],
      [Algorithm.AES_256, '1111111111111111222222222222222233333333333333334444444444444444'],
      [Algorithm.TDES, 'a1a2a3a4a5a6a7a8b1b2b3b4b5b6b7b8c1c2c3c4c5c6c7c8'],
    ];
    for (const [algorithm, hex] of keys) {
      await piv.authenticateManagementKey(current[0], current[1]);
      await piv.setManagementKey(fromHex(hex), algorithm);
      current = [fromHex(hex), algorithm];
      await piv.authenticateManagementKey(current[0], algorithm, 'mutual');
      await piv.authenticateManagementKey(current[0], algorithm, 'single');
      await assert.rejects(piv.authenticateManagementKey(DEFAULT_MANAGEMENT_KEY, Algorithm.TDES), (e) => isCardError(e));
    }
  });

  it('answers the YubiKey GET VERSION and GET SERIAL', async () => {
    const session = await PivSession.open(await connectDirect(await SoftPivCard.create({ serial: 31415926 })));
    assert.equal(await session.getSerial(), 31415926);
    const version = await session.getVersion();
    assert.ok(version !== null && version.major >= 5);
  });
});
