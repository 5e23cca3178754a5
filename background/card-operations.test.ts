/**
 * The background's card operations end to end on the real software PIV card (bridge/softcard) through the
 * real PIV session: enrollment, login with the PIN window, wrong PIN and blocking, PUK unblock, PIN cache.
 * Only the browser is faked: prompt windows are a recording stand-in and the reader lock is in memory.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { fromBase64 } from '../src/bytes.js';
import { parseCertificate } from '../src/pki/certificate.js';
import { tokenSignedData } from '../src/protocol/signed-data.js';
import { authenticate } from './op-authenticate.js';
import { unblockPin } from './op-card-admin.js';
import { cardHarness, type CardHarness, enrollCard } from './card-harness.js';

const ORIGIN = 'https://bank-a.example';
const NONCE = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

const setup = (pinCacheMinutes = 0) => cardHarness({ pinCacheMinutes, origin: ORIGIN, serviceName: 'Bank A' });

/** Enrolls the card: key generated on the card, CSR signed by it, certificate from a test CA written back. */
async function enroll(h: CardHarness): Promise<Uint8Array> {
  const { certificate, pinAnswer } = await enrollCard(h);
  assert.deepEqual(pinAnswer, { outcome: 'accepted' });
  return certificate;
}

async function verifies(token: { unverifiedCertificate: string; signature: string }, origin: string): Promise<boolean> {
  const spki = parseCertificate(fromBase64(token.unverifiedCertificate)).subjectPublicKeyInfo.toSchema().toBER(false);
  const key = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromBase64(token.signature).slice(), (await tokenSignedData('ES256', origin, NONCE)).slice());
}

describe('card operations on the software PIV card', () => {
  let h: CardHarness;
  beforeEach(async () => {
    h = await setup();
  });

  it('enrolls and then logs in: the token carries the enrolled certificate and verifies for the caller’s origin', async () => {
    const certificate = await enroll(h);
    const login = authenticate(h.deps, h.caller, NONCE);
    assert.deepEqual(await h.typePin('123456'), { outcome: 'accepted' });
    const token = await login;
    assert.equal(token.unverifiedCertificate, Buffer.from(certificate).toString('base64'));
    assert.equal(await verifies(token, ORIGIN), true);
    assert.equal(await verifies(token, 'https://evil.example'), false);
    const activity = await h.deps.activity.list();
    assert.deepEqual(activity.map((e) => [e.operation, e.result, e.origin]), [
      ['authenticate', 'ok', ORIGIN],
      ['write-certificate', 'ok', ORIGIN],
      ['enroll', 'ok', ORIGIN],
    ]);
  });

  it('a wrong PIN costs exactly one try, shows the tries left and waits for the holder; the third blocks the PIN', async () => {
    await enroll(h);
    const login = authenticate(h.deps, h.caller, NONCE);
    assert.deepEqual(await h.typePin('000000'), { outcome: 'wrong', retriesLeft: 2 });
    await tick();
    assert.equal(h.deps.pins.info(new URL(h.opened.at(-1)!, 'ext://x/').searchParams.get('request')!).retriesLeft, 2);
    assert.deepEqual(await h.typePin('000001'), { outcome: 'wrong', retriesLeft: 1 });
    assert.deepEqual(await h.typePin('000002'), { outcome: 'blocked' });
    await assert.rejects(login, { code: 'PIN_BLOCKED' });
    assert.equal(h.deps.pins.size, 0, 'the PIN window is closed');
    assert.equal((await h.deps.activity.list())[0]?.result, 'PIN_BLOCKED');
    // A blocked PIN is refused before any window opens.
    const windows = h.opened.length;
    await assert.rejects(authenticate(h.deps, h.caller, NONCE), { code: 'PIN_BLOCKED' });
    assert.equal(h.opened.length, windows);
    // The PUK unblocks it with a new PIN, which then works.
    await unblockPin(h.deps, { ...h.caller, origin: null }, '12345678', '654321');
    const again = authenticate(h.deps, h.caller, NONCE);
    assert.deepEqual(await h.typePin('654321'), { outcome: 'accepted' });
    assert.equal(await verifies(await again, ORIGIN), true);
  });

  it('cancelling the PIN window ends the login with PIN_CANCELLED and costs no try', async () => {
    await enroll(h);
    const login = authenticate(h.deps, h.caller, NONCE);
    while (h.deps.pins.size === 0) await tick();
    await h.deps.pins.cancel(new URL(h.opened.at(-1)!, 'ext://x/').searchParams.get('request')!);
    await assert.rejects(login, { code: 'PIN_CANCELLED' });
    const next = authenticate(h.deps, h.caller, NONCE);
    assert.deepEqual(await h.typePin('000000'), { outcome: 'wrong', retriesLeft: 2 }, 'the cancelled prompt cost no try');
    await h.typePin('123456');
    await next;
  });

  it('with the PIN cache on, a second login within the idle time asks no PIN; after the idle time it asks again', async () => {
    h = await setup(10);
    await enroll(h); // the PIN typed for enrollment is cached
    const windows = h.opened.length;
    await authenticate(h.deps, h.caller, NONCE);
    assert.equal(h.opened.length, windows, 'no PIN window');
    h.deps.clock.advance(10 * 60_000);
    const login = authenticate(h.deps, h.caller, NONCE);
    await h.typePin('123456');
    await login;
    assert.equal(h.opened.length, windows + 1);
  });
});
