/**
 * One card signature for several logins, on the real software PIV card through the real PIV session: the
 * card's own log shows one VERIFY and one GENERAL AUTHENTICATE for three services; each service's token
 * verifies for that service's origin and nonce only; a single login is a plain web-eid:1.0 token.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { parseCertificate } from '../src/pki/certificate.js';
import { parseAuthToken } from '../src/protocol/auth-token.js';
import { parseBatchAuthToken } from '../src/protocol/batch/batch-token.js';
import { batchSignedDataForLeaf } from '../src/protocol/batch/signed-data.js';
import { tokenSignedData } from '../src/protocol/signed-data.js';
import { authenticateMany } from './op-batch-authenticate.js';
import { cardHarness, enrollCard } from './card-harness.js';

const GENERAL_AUTHENTICATE = 0x87;
const VERIFY = 0x20;
const nonce = (n: number) => Buffer.from(new Uint8Array(32).fill(n)).toString('base64');
const LOGINS = [
  { origin: 'https://bank-a.example', nonce: nonce(1), serviceName: 'Bank A' },
  { origin: 'https://bank-b.example', nonce: nonce(2), serviceName: 'Bank B' },
  { origin: 'https://card-co.example', nonce: nonce(3), serviceName: 'Card Co.' },
];
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

async function setup() {
  const h = await cardHarness({ origin: 'https://portal.example', serviceName: 'Bank A, Bank B and Card Co.' });
  const { certificate } = await enrollCard(h);
  return { ...h, certificate };
}

async function verify(certificate: Uint8Array, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  const spki = parseCertificate(certificate).subjectPublicKeyInfo.toSchema().toBER(false);
  const key = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature.slice(), message.slice());
}

describe('authenticateMany: several logins, one card signature', () => {
  let h: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    h = await setup();
  });

  it('three services: one PIN, one GENERAL AUTHENTICATE; each token verifies for its own origin and nonce only', async () => {
    const before = h.card.log.length;
    const login = authenticateMany(h.deps, h.caller, LOGINS);
    assert.deepEqual(await h.typePin('123456'), { outcome: 'accepted' });
    const tokens = await login;
    const ops = h.card.log.slice(before).map((e) => e.ins);
    assert.equal(ops.filter((ins) => ins === GENERAL_AUTHENTICATE).length, 1, 'exactly one signature on the card');
    assert.equal(ops.filter((ins) => ins === VERIFY).length, 2, 'one PIN retries check and one VERIFY with the PIN');
    assert.deepEqual(tokens.map((t) => [t.origin, t.format]), LOGINS.map((l) => [l.origin, 'kyotsu-batch:1']));
    const parsed = tokens.map((t) => parseBatchAuthToken(t.tokenJson));
    assert.equal(new Set(parsed.map((p) => Buffer.from(p.signature).toString('hex'))).size, 1, 'one signature shared by all');
    for (const [i, token] of parsed.entries()) {
      for (const [j, other] of LOGINS.entries()) {
        const message = await batchSignedDataForLeaf('ES256', other.origin, other.nonce, token.leaf);
        assert.equal(await verify(h.certificate, token.signature, message), i === j, `token ${i} at ${other.origin}`);
      }
      for (const other of LOGINS.filter((_, j) => j !== i)) {
        assert.doesNotMatch(tokens[i]!.tokenJson, new RegExp(new URL(other.origin).hostname.replace(/\./g, '\\.')), 'no other service named');
      }
    }
    const activity = await h.deps.activity.list();
    assert.deepEqual(activity.slice(0, 3).map((e) => [e.origin, e.service, e.operation, e.result]).sort(), LOGINS.map((l) => [l.origin, l.serviceName, 'authenticate', 'ok']).sort());
    // Each token names its own service's entry, where the background writes that service's answer to it.
    for (const token of tokens) assert.equal(activity.find((e) => e.id === token.activityId)?.origin, token.origin);
  });

  it('one service: a plain web-eid:1.0 token for its origin', async () => {
    const login = authenticateMany(h.deps, h.caller, LOGINS.slice(0, 1));
    await h.typePin('123456');
    const [only] = await login;
    assert.equal(only?.format, 'web-eid:1.0');
    const token = parseAuthToken(only.tokenJson);
    assert.equal(await verify(h.certificate, token.signature, await tokenSignedData('ES256', LOGINS[0]!.origin, LOGINS[0]!.nonce)), true);
    assert.equal(await verify(h.certificate, token.signature, await tokenSignedData('ES256', LOGINS[1]!.origin, LOGINS[0]!.nonce)), false);
  });

  it('a cancelled PIN fails the whole attempt and records it for every service, with no signature on the card', async () => {
    const before = h.card.log.length;
    const login = authenticateMany(h.deps, h.caller, LOGINS);
    while (h.deps.pins.size === 0) await tick();
    await h.deps.pins.cancel(new URL(h.opened.at(-1)!, 'ext://x/').searchParams.get('request')!);
    await assert.rejects(login, { code: 'PIN_CANCELLED' });
    assert.equal(h.card.log.slice(before).filter((e) => e.ins === GENERAL_AUTHENTICATE).length, 0);
    assert.deepEqual((await h.deps.activity.list()).slice(0, 3).map((e) => e.result), ['PIN_CANCELLED', 'PIN_CANCELLED', 'PIN_CANCELLED']);
  });
});
