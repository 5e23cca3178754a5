import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Request } from '../src/message-requests.js';
import { REQUEST_TYPES } from '../src/messages.js';
import { createRouter, type Handlers } from './router.js';

const identity = { id: 'ext-id', origin: 'chrome-extension://ext-id' };
const OPTIONS = { id: 'ext-id', url: 'chrome-extension://ext-id/options.html' };
const PIN_WINDOW = { id: 'ext-id', url: 'chrome-extension://ext-id/pin.html?request=ab' };
const CONSENT_WINDOW = { id: 'ext-id', url: 'chrome-extension://ext-id/consent.html?request=ab' };
const PAGE = { id: 'ext-id', url: 'https://bank.example/login', origin: 'https://bank.example', tab: { id: 3 }, frameId: 0 };

const ID = 'a'.repeat(32);
/** A well-formed example of every request type. */
const EXAMPLES: { readonly [T in Request['type']]: Extract<Request, { type: T }> } = {
  ping: { type: 'ping' },
  hello: { type: 'hello' },
  autoLoginBegin: { type: 'autoLoginBegin', sessionActive: false },
  loginVerdict: { type: 'loginVerdict', verdict: { outcome: 'refused', code: 'CERTIFICATE_REVOKED' } },
  autoLoginSign: { type: 'autoLoginSign', challengeNonce: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=' },
  autoLoginEnd: { type: 'autoLoginEnd', outcome: 'logged-in' },
  statementGather: { type: 'statementGather', gatherId: ID, regions: [{ serviceId: 'bank-a', origin: 'https://bank.example', statementUrl: 'https://bank.example/api/statement' }], interactive: false },
  authenticate: { type: 'authenticate', challengeNonce: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=' },
  getCertificate: { type: 'getCertificate' },
  enrollGenerateKey: { type: 'enrollGenerateKey', algorithm: 'ES256' },
  enrollWriteCertificate: { type: 'enrollWriteCertificate', enrollmentId: ID, certificate: 'MIIB' },
  cancel: { type: 'cancel', operationId: null },
  listProviders: { type: 'listProviders' },
  approveProvider: { type: 'approveProvider', origin: 'https://bank.example' },
  forgetProvider: { type: 'forgetProvider', origin: 'https://bank.example' },
  getSettings: { type: 'getSettings' },
  setSettings: { type: 'setSettings', settings: { pinCacheMinutes: 5 } },
  listActivity: { type: 'listActivity' },
  cardStatus: { type: 'cardStatus' },
  nativeHostStatus: { type: 'nativeHostStatus' },
  changePin: { type: 'changePin', currentPin: '123456', newPin: '654321' },
  unblockPin: { type: 'unblockPin', puk: '12345678', newPin: '654321' },
  pinPromptInfo: { type: 'pinPromptInfo', requestId: ID },
  pinSubmit: { type: 'pinSubmit', requestId: ID, pin: '123456' },
  pinCancel: { type: 'pinCancel', requestId: ID },
  consentInfo: { type: 'consentInfo', requestId: ID },
  consentAnswer: { type: 'consentAnswer', requestId: ID, allow: true },
};

/** Handlers that record what reached them (request and the sender's classification) and answer `{}`. */
function recordingRouter() {
  const reached: { request: Request; origin: string | null; context: string }[] = [];
  const handlers = Object.fromEntries(
    REQUEST_TYPES.map((type) => [type, (request: Request, sender: { origin: string | null; context: string }) => {
      reached.push({ request, origin: sender.origin, context: sender.context });
      return Promise.resolve({});
    }]),
  ) as unknown as Handlers;
  return { route: createRouter(identity, handlers), reached };
}

/** Which sender may send each type, as the tiers say. */
const EXPECTED: Record<string, readonly Request['type'][]> = {
  page: ['ping', 'hello', 'authenticate', 'getCertificate', 'enrollGenerateKey', 'enrollWriteCertificate', 'cancel', 'autoLoginBegin', 'autoLoginSign', 'autoLoginEnd', 'loginVerdict', 'statementGather'],
  options: ['ping', 'listProviders', 'approveProvider', 'forgetProvider', 'getSettings', 'setSettings', 'listActivity', 'cardStatus', 'nativeHostStatus', 'changePin', 'unblockPin'],
  pinWindow: ['ping', 'listProviders', 'approveProvider', 'forgetProvider', 'getSettings', 'setSettings', 'listActivity', 'cardStatus', 'nativeHostStatus', 'changePin', 'unblockPin', 'pinPromptInfo', 'pinSubmit', 'pinCancel'],
  consentWindow: ['ping', 'listProviders', 'approveProvider', 'forgetProvider', 'getSettings', 'setSettings', 'listActivity', 'cardStatus', 'nativeHostStatus', 'changePin', 'unblockPin', 'consentInfo', 'consentAnswer'],
};
const SENDERS = { page: PAGE, options: OPTIONS, pinWindow: PIN_WINDOW, consentWindow: CONSENT_WINDOW };

describe('background router: privilege tiers', () => {
  for (const [name, sender] of Object.entries(SENDERS)) {
    it(`lets the ${name} send exactly its tier, for every request type`, async () => {
      const { route } = recordingRouter();
      const allowed: string[] = [];
      for (const type of REQUEST_TYPES) {
        const reply = await route(EXAMPLES[type], sender);
        if (reply.ok) allowed.push(type);
        else assert.equal(reply.error.code, 'FORBIDDEN_SENDER', `${type} from ${name}: ${reply.error.message}`);
      }
      assert.deepEqual(allowed.sort(), [...EXPECTED[name]!].sort());
    });
  }

  it('accepts a PIN only from the extension’s own PIN window, not the options page nor a web page', async () => {
    const { route, reached } = recordingRouter();
    for (const sender of [OPTIONS, PAGE, CONSENT_WINDOW, { ...PAGE, url: 'https://bank.example/pin.html' }]) {
      const reply = await route(EXAMPLES.pinSubmit, sender);
      assert.equal(reply.ok ? 'ok' : reply.error.code, 'FORBIDDEN_SENDER');
    }
    assert.deepEqual(reached, []);
  });

  it('refuses a forbidden sender before validating the body (a page learns nothing about PIN rules)', async () => {
    const { route } = recordingRouter();
    const reply = await route({ type: 'pinSubmit', requestId: 'x', pin: 'not a pin' }, PAGE);
    assert.equal(reply.ok ? 'ok' : reply.error.code, 'FORBIDDEN_SENDER');
  });

  it('ignores an origin written into a page message: handlers see only the browser’s origin', async () => {
    const { route, reached } = recordingRouter();
    for (const type of EXPECTED.page!) {
      await route({ ...EXAMPLES[type], origin: 'https://forged.example', senderOrigin: 'https://forged.example' }, PAGE);
    }
    assert.equal(reached.length, EXPECTED.page!.length);
    for (const { request, origin } of reached) {
      assert.equal(origin, 'https://bank.example');
      assert.equal('origin' in request, false, `${request.type} kept a forged field`);
    }
  });

  it('refuses another extension, sub-frames and non-loopback plain http before reading the message', async () => {
    const { route, reached } = recordingRouter();
    const senders = [
      { id: 'other', url: 'chrome-extension://other/pin.html' },
      { ...PAGE, frameId: 7 },
      { ...PAGE, url: 'http://bank.example/', origin: 'http://bank.example' },
      { ...PAGE, origin: 'https://other.example' },
    ];
    for (const sender of senders) {
      const reply = await route(EXAMPLES.authenticate, sender);
      assert.equal(reply.ok ? 'ok' : reply.error.code, 'FORBIDDEN_SENDER');
    }
    assert.deepEqual(reached, []);
  });
});

describe('background router: parsing', () => {
  it('answers unknown types and malformed fields with BAD_MESSAGE, and malformed PINs with PIN_FORMAT_INVALID', async () => {
    const { route, reached } = recordingRouter();
    const codes = async (message: unknown, sender: object) => {
      const reply = await route(message, sender);
      return reply.ok ? 'ok' : reply.error.code;
    };
    assert.equal(await codes({ type: 'format-card' }, OPTIONS), 'BAD_MESSAGE');
    assert.equal(await codes({ type: 'authenticate', challengeNonce: 'short' }, PAGE), 'BAD_MESSAGE');
    assert.equal(await codes({ type: 'enrollGenerateKey', algorithm: 'DSA' }, PAGE), 'BAD_MESSAGE');
    assert.equal(await codes({ type: 'enrollWriteCertificate', enrollmentId: ID, certificate: '<not base64>' }, PAGE), 'BAD_MESSAGE');
    assert.equal(await codes({ type: 'setSettings', settings: { pinCacheMinutes: 100000 } }, OPTIONS), 'BAD_MESSAGE');
    assert.equal(await codes({ type: 'setSettings', settings: {} }, OPTIONS), 'BAD_MESSAGE');
    assert.equal(await codes({ type: 'approveProvider', origin: 'https://bank.example/path' }, OPTIONS), 'BAD_MESSAGE');
    assert.equal(await codes({ type: 'pinSubmit', requestId: ID, pin: '12ab56' }, PIN_WINDOW), 'PIN_FORMAT_INVALID');
    assert.equal(await codes({ type: 'unblockPin', puk: '1', newPin: '123456' }, OPTIONS), 'PIN_FORMAT_INVALID');
    assert.equal(await codes({ type: 'changePin', currentPin: '123456', newPin: '1234567890' }, OPTIONS), 'PIN_FORMAT_INVALID');
    assert.deepEqual(reached, []);
  });

  it('turns a throwing handler into an error reply that survives JSON', async () => {
    const handlers = { ping: () => Promise.reject(new Error('boom')) } as unknown as Handlers;
    const reply = await createRouter(identity, handlers)({ type: 'ping' }, OPTIONS);
    assert.deepEqual(JSON.parse(JSON.stringify(reply)), { ok: false, error: { code: 'INTERNAL', message: 'boom' } });
  });
});
