import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKyotsu, KyotsuPageError } from './page-api.js';
import { type PageRequestEnvelope } from './page-channel.js';

/** A `message` event as a window dispatches it (Node's MessageEvent only takes MessagePorts as `source`). */
function messageEvent(data: unknown, source: unknown): Event {
  return Object.assign(new Event('message'), { data, source });
}

/** A window with postMessage, and a stand-in content script answering each request with `answer`. */
function fakeWindow(answer: (request: Record<string, unknown>) => unknown, ready = true) {
  const target = new EventTarget();
  const seen: PageRequestEnvelope[] = [];
  const win = {
    addEventListener: target.addEventListener.bind(target),
    removeEventListener: target.removeEventListener.bind(target),
    location: { origin: 'https://bank.example' },
    document: { documentElement: { dataset: ready ? { kyotsu: 'ready' } : {} } },
    postMessage(data: unknown) {
      queueMicrotask(() => {
        target.dispatchEvent(messageEvent(data, win));
        const envelope = data as PageRequestEnvelope;
        if (envelope.source !== 'kyotsu-page') return;
        seen.push(envelope);
        const reply = answer(envelope.request as Record<string, unknown>);
        if (reply === undefined) return; // a non-participating origin: silence
        // A reply for someone else first: it must be ignored.
        target.dispatchEvent(messageEvent({ source: 'kyotsu-content', id: 'other', reply: { ok: true, result: {} } }, win));
        target.dispatchEvent(messageEvent({ source: 'kyotsu-content', id: envelope.id, reply }, win));
      });
    },
  };
  return { win: win as unknown as Window, seen, target };
}

const token = { format: 'web-eid:1.0', unverifiedCertificate: 'MIIB', algorithm: 'ES256', signature: 'sig', appVersion: 'x' };
const NONCE = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

describe('page library', () => {
  it('sends authenticate with only the nonce (never an origin) and resolves to the token', async () => {
    const { win, seen } = fakeWindow(() => ({ ok: true, result: { token } }));
    assert.deepEqual(await createKyotsu(win).authenticate(NONCE), token);
    assert.deepEqual(seen[0]?.request, { type: 'authenticate', challengeNonce: NONCE });
  });

  it('rebuilds typed errors with their stable code and details', async () => {
    const { win } = fakeWindow(() => ({ ok: false, error: { code: 'PIN_INVALID', message: 'Wrong PIN: 2 tries left', details: { retriesLeft: 2 } } }));
    const error = await createKyotsu(win).getCertificate().then(() => null, (e: unknown) => e);
    assert.ok(error instanceof KyotsuPageError);
    assert.equal(error.code, 'PIN_INVALID');
    assert.deepEqual(error.details, { retriesLeft: 2 });
  });

  it('drives enrollment in two steps', async () => {
    const { win, seen } = fakeWindow((request) =>
      request.type === 'enrollGenerateKey'
        ? { ok: true, result: { enrollmentId: 'e'.repeat(32), csr: '-----BEGIN CERTIFICATE REQUEST-----', algorithm: 'ES256' } }
        : { ok: true, result: { serial: '1f', subject: 'CN=Holder' } },
    );
    const kyotsu = createKyotsu(win);
    const { enrollmentId } = await kyotsu.enroll.generateKey();
    assert.deepEqual(await kyotsu.enroll.writeCertificate(enrollmentId, 'MIIB'), { serial: '1f', subject: 'CN=Holder' });
    assert.deepEqual(seen.map((s) => s.request), [
      { type: 'enrollGenerateKey', algorithm: 'ES256' },
      { type: 'enrollWriteCertificate', enrollmentId, certificate: 'MIIB' },
    ]);
  });

  it('says EXTENSION_UNAVAILABLE when kyotsu never announces itself, and EXTENSION_TIMEOUT when a request gets no answer', async () => {
    const { win } = fakeWindow(() => undefined, false);
    await assert.rejects(createKyotsu(win).ready(20), { code: 'EXTENSION_UNAVAILABLE' });
    await assert.rejects(createKyotsu(win, 20).getCertificate(), { code: 'EXTENSION_TIMEOUT' });
  });

  it('hears notices and the ready announcement', async () => {
    const { win, target } = fakeWindow(() => undefined, false);
    const kyotsu = createKyotsu(win);
    const notices: string[] = [];
    kyotsu.onNotice((notice) => notices.push(notice.kind));
    const ready = kyotsu.ready(1000);
    const post = (data: unknown) => target.dispatchEvent(messageEvent(data, win));
    post({ source: 'kyotsu-content', id: null, notice: { kind: 'card-busy', operationId: 'a'.repeat(32) } });
    post({ source: 'kyotsu-content', id: null, ready: true });
    await ready;
    assert.deepEqual(notices, ['card-busy']);
  });
});
