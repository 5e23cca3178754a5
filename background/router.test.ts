import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRouter } from './router.js';

const identity = { id: 'ext-id', origin: 'chrome-extension://ext-id' };
const router = createRouter(identity, {
  ping: (_request, sender) =>
    Promise.resolve({ type: 'pong', protocolVersion: 1, extensionVersion: '0.0.0', senderContext: sender.context, senderOrigin: sender.origin }),
});

describe('background router', () => {
  it('answers a ping from the options page as an extension page', async () => {
    const reply = await router({ type: 'ping' }, { id: 'ext-id', url: 'chrome-extension://ext-id/options.html' });
    assert.deepEqual(reply, { ok: true, result: { type: 'pong', protocolVersion: 1, extensionVersion: '0.0.0', senderContext: 'extension-page', senderOrigin: null } });
  });

  it('answers a content script with the origin the browser reported, not one from the message', async () => {
    const reply = await router(
      { type: 'ping', origin: 'https://bank.example' },
      { id: 'ext-id', url: 'http://127.0.0.1:8080/page', tab: { id: 3 }, frameId: 0 },
    );
    assert.equal(reply.ok, true);
    assert.equal(reply.ok && reply.result.senderOrigin, 'http://127.0.0.1:8080');
  });

  it('refuses another extension before reading the message', async () => {
    const reply = await router({ type: 'nonsense' }, { id: 'other', url: 'chrome-extension://other/x.html' });
    assert.deepEqual(reply.ok ? null : reply.error.code, 'FORBIDDEN_SENDER');
  });

  it('refuses plain-http pages that are not loopback, and sub-frames', async () => {
    const http = await router({ type: 'ping' }, { id: 'ext-id', url: 'http://bank.example/', tab: { id: 1 }, frameId: 0 });
    const frame = await router({ type: 'ping' }, { id: 'ext-id', url: 'https://bank.example/', tab: { id: 1 }, frameId: 7 });
    assert.equal(http.ok ? 'ok' : http.error.code, 'FORBIDDEN_SENDER');
    assert.equal(frame.ok ? 'ok' : frame.error.code, 'FORBIDDEN_SENDER');
  });

  it('answers an unknown message type with BAD_MESSAGE', async () => {
    const reply = await router({ type: 'format-card' }, { id: 'ext-id', url: 'chrome-extension://ext-id/options.html' });
    assert.equal(reply.ok ? 'ok' : reply.error.code, 'BAD_MESSAGE');
  });

  it('turns a throwing handler into an error reply that survives JSON', async () => {
    const failing = createRouter(identity, { ping: () => Promise.reject(new Error('boom')) });
    const reply = await failing({ type: 'ping' }, { id: 'ext-id', url: 'chrome-extension://ext-id/options.html' });
    assert.deepEqual(JSON.parse(JSON.stringify(reply)), { ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });
});
