import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { fromBase64Url, toHex } from '../../src/bytes.js';
import { CardErrorCode, isCardError, PinInvalidError } from '../../src/card-errors.js';
import { rawToDerEcdsa } from '../../src/crypto/ecdsa-signature.js';
import { Algorithm, Slot } from '../../src/piv/constants.js';
import { encodeTlv } from '../../src/tlv.js';
import { type ScriptStep, ScriptedConnection } from '../apdu/scripted-connection.js';
import { wrapCertificateContainer } from './certificate-container.js';
import { pkcs1v15Encode } from './rsa-padding.js';
import { PivSession } from './session.js';

const SELECT: ScriptStep = ['00a4040009a00000030800001000 00', '61114f0600001000010079074f05a000000308 9000'];
const code = (c: string) => (e: unknown) => isCardError(e, c as CardErrorCode);
const hex = (n: number, b: number): string => toHex(new Uint8Array(n).fill(b));

async function session(...steps: ScriptStep[]): Promise<{ piv: PivSession; conn: ScriptedConnection }> {
  const conn = new ScriptedConnection([SELECT, ...steps]);
  return { piv: await PivSession.open(conn), conn };
}

describe('PivSession against scripted cards', () => {
  it('SELECT parses the application template; a card without PIV gives FILE_NOT_FOUND', async () => {
    const { piv } = await session();
    assert.equal(toHex(piv.application.aid!), '000010000100');
    await assert.rejects(PivSession.open(new ScriptedConnection([[SELECT[0], '6a82']])), code('FILE_NOT_FOUND'));
  });

  it('reads a certificate that arrives over GET RESPONSE, and null for an empty slot', async () => {
    const cert = encodeTlv(0x30, new Uint8Array(300).fill(0x42));
    const container = toHex(wrapCertificateContainer(cert));
    const rest = (container.length / 2 - 256).toString(16).padStart(2, '0');
    const { piv, conn } = await session(
      ['00cb3fff05 5c035fc105 00', `${container.slice(0, 512)} 61${rest}`],
      [`00c00000${rest}`, `${container.slice(512)} 9000`],
      ['00cb3fff05 5c035fc10a 00', '6a82'],
    );
    assert.deepEqual(await piv.readCertificate(Slot.AUTHENTICATION), cert);
    assert.equal(await piv.readCertificate(Slot.SIGNATURE), null);
    assert.ok(conn.done);
    assert.equal(piv.processor.exchanges, 4);
  });

  it('a compressed certificate is a clear CERTIFICATE_COMPRESSED error', async () => {
    const compressed = toHex(encodeTlv(0x53, encodeTlv(0x70, Uint8Array.of(0x1f, 0x8b)), encodeTlv(0x71, Uint8Array.of(1)), encodeTlv(0xfe)));
    const { piv } = await session(['00cb3fff05 5c035fc105 00', `${compressed} 9000`]);
    await assert.rejects(piv.readCertificate(Slot.AUTHENTICATION), code('CERTIFICATE_COMPRESSED'));
  });

  it('VERIFY: wrong PIN gives PinInvalid with retries, the last wrong try PIN_BLOCKED, then 6983 PIN_BLOCKED', async () => {
    const { piv } = await session(
      ['0020008008 363534333231ffff', '63c2'],
      ['0020008008 363534333231ffff', '63c0'],
      ['0020008008 313233343536ffff', '6983'],
    );
    await assert.rejects(piv.verifyPin('654321'), (e) => e instanceof PinInvalidError && e.retriesLeft === 2);
    await assert.rejects(piv.verifyPin('654321'), code('PIN_BLOCKED'));
    await assert.rejects(piv.verifyPin('123456'), code('PIN_BLOCKED'));
  });

  it('a malformed PIN is refused before anything reaches the card', async () => {
    const { piv, conn } = await session();
    await assert.rejects(piv.verifyPin('12ab'), code('PIN_FORMAT_INVALID'));
    assert.equal(conn.sent.length, 1);
  });

  it('the empty VERIFY reports verified, tries left, or blocked without costing a try', async () => {
    const { piv } = await session(['00200080', '63c3'], ['00200080', '9000'], ['00200080', '6983'], ['00200080', '6a88']);
    assert.deepEqual(await piv.pinStatus(), { verified: false, retriesLeft: 3 });
    assert.deepEqual(await piv.pinStatus(), { verified: true });
    assert.deepEqual(await piv.pinStatus(), { verified: false, retriesLeft: 0 });
    await assert.rejects(piv.pinStatus(), code('DATA_OBJECT_NOT_FOUND'));
  });

  it('CHANGE REFERENCE DATA and RESET RETRY COUNTER report PIN and PUK errors by name', async () => {
    const { piv } = await session(
      ['0024008010 313131313131ffff 323232323232ffff', '63c1'],
      ['0024008110 3132333435363738 3837363534333231', '9000'],
      ['002c008010 3131313131313131 313233343536ffff', '63c1'],
      ['002c008010 3131313131313131 313233343536ffff', '6983'],
    );
    await assert.rejects(piv.changePin('111111', '222222'), (e) => isCardError(e, CardErrorCode.PIN_INVALID) && e.details?.retriesLeft === 1);
    await piv.changePuk('12345678', '87654321');
    await assert.rejects(piv.unblockPin('11111111', '123456'), (e) => isCardError(e, CardErrorCode.PUK_INVALID) && e.details?.retriesLeft === 1);
    await assert.rejects(piv.unblockPin('11111111', '123456'), code('PUK_BLOCKED'));
  });

  it('ECDSA P-256: sends 7C{82, 81 digest} and returns DER and raw r‖s; a SHA-384 digest is cut to 32 bytes', async () => {
    const raw = Uint8Array.from({ length: 64 }, (_, i) => i + 1);
    const der = rawToDerEcdsa(raw);
    const reply = `${toHex(encodeTlv(0x7c, encodeTlv(0x82, der)))} 9000`;
    const { piv } = await session(
      [`0087119a26 7c24 8200 8120 ${hex(32, 0xaa)} 00`, reply],
      [`0087119a26 7c24 8200 8120 ${hex(32, 0xbb)} 00`, reply],
    );
    const signature = await piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, new Uint8Array(32).fill(0xaa));
    assert.deepEqual([toHex(signature.der), toHex(signature.raw)], [toHex(der), toHex(raw)]);
    await piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, new Uint8Array(48).fill(0xbb));
  });

  it('RSA-2048: the 266-byte request is chained and the 264-byte response collected with GET RESPONSE', async () => {
    const digest = new Uint8Array(32).fill(0x11);
    const request = toHex(encodeTlv(0x7c, encodeTlv(0x82), encodeTlv(0x81, pkcs1v15Encode(digest, 'SHA-256', 256))));
    const signature = hex(256, 0x5e);
    const response = toHex(encodeTlv(0x7c, encodeTlv(0x82, new Uint8Array(256).fill(0x5e))));
    const { piv, conn } = await session(
      [`1087079aff${request.slice(0, 510)}`, '9000'],
      [`0087079a0b${request.slice(510)}00`, `${response.slice(0, 512)} 6108`],
      ['00c0000008', `${response.slice(512)} 9000`],
    );
    assert.equal(toHex(await piv.signRsa(Slot.AUTHENTICATION, Algorithm.RSA_2048, digest, { hash: 'SHA-256' })), signature);
    assert.ok(conn.done);
  });

  it('signing before VERIFY is SECURITY_STATUS_NOT_SATISFIED; a signature without tag 82 is RESPONSE_INVALID', async () => {
    const { piv } = await session([`0087119a26 7c24 8200 8120 ${hex(32, 1)} 00`, '6982'], [`0087119a26 7c24 8200 8120 ${hex(32, 1)} 00`, '7c00 9000']);
    await assert.rejects(piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, new Uint8Array(32).fill(1)), code('SECURITY_STATUS_NOT_SATISFIED'));
    await assert.rejects(piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, new Uint8Array(32).fill(1)), code('RESPONSE_INVALID'));
  });

  it('GENERATE returns the SPKI of the card key; a refused management key is MANAGEMENT_KEY_AUTH_FAILED', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const point = Uint8Array.of(4, ...fromBase64Url(jwk.x!), ...fromBase64Url(jwk.y!));
    const { piv } = await session(
      ['0047009a05 ac03800111 00', `${toHex(encodeTlv(0x7f49, encodeTlv(0x86, point)))} 9000`],
      ['0087039b04 7c028000 00', '6982'],
    );
    const spki = await piv.generateKey(Slot.AUTHENTICATION, Algorithm.ECC_P256);
    assert.equal(toHex(spki), toHex(new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }))));
    await assert.rejects(piv.authenticateManagementKey(), code('MANAGEMENT_KEY_AUTH_FAILED'));
  });

  it('GET VERSION and GET SERIAL on a YubiKey, and null on a card without them', async () => {
    const { piv } = await session(['00fd000000', '050401 9000'], ['00f8000000', '00bc614e 9000'], ['00fd000000', '6d00'], ['00f8000000', '6a81']);
    assert.deepEqual(await piv.getVersion(), { major: 5, minor: 4, patch: 1 });
    assert.equal(await piv.getSerial(), 12345678);
    assert.equal(await piv.getVersion(), null);
    assert.equal(await piv.getSerial(), null);
  });
});
