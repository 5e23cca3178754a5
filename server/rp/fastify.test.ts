import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { AuthErrorCode } from '../../src/protocol/errors.js';
import { ChallengeService } from './challenge/service.js';
import { kyotsuRelyingParty } from './fastify.js';
import { createTestPki, type TestCertificate, type TestPki } from './test-support/test-pki.js';
import { signTokenText } from './test-support/tokens.js';
import { AuthTokenVerifier } from './verifier.js';

const ORIGIN = 'https://bank-a.example';
let pki: TestPki;
let leaf: TestCertificate;
let app: FastifyInstance;
const logins: string[] = [];

before(async () => {
  pki = await createTestPki();
  leaf = await pki.issueLeaf();
  app = Fastify();
  app.post('/echo', (request) => ({ body: request.body }));
  await app.register(kyotsuRelyingParty, {
    prefix: '/kyotsu',
    challenges: new ChallengeService(),
    verifier: new AuthTokenVerifier({ origin: ORIGIN, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none' }),
    onLogin: (_request, _reply, identity) => {
      logins.push(identity.serial);
      return Promise.resolve({ status: 'logged-in', holder: identity.subject.commonName });
    },
  });
  await app.ready();
});
after(() => app.close());

async function challenge(): Promise<{ nonce: string; cookie: string }> {
  const response = await app.inject({ method: 'POST', url: '/kyotsu/challenge' });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['cache-control'], 'no-store');
  const setCookie = String(response.headers['set-cookie']);
  assert.match(setCookie, /^kyotsu_challenge=[A-Za-z0-9+/]{43}=; Path=\/kyotsu\/login; Max-Age=300; HttpOnly; SameSite=Strict; Secure$/);
  const { nonce } = response.json<{ nonce: string; expiresAt: string }>();
  return { nonce, cookie: setCookie.split(';')[0]! };
}

function login(token: string, cookie?: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/kyotsu/login', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, payload: token });
}

describe('the Fastify plugin', () => {
  it('issues a challenge bound to the browser by cookie and logs in with a token over it, once', async () => {
    const { nonce, cookie } = await challenge();
    const token = await signTokenText(leaf, ORIGIN, nonce);
    const first = await login(token, cookie);
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json(), { status: 'logged-in', holder: 'Hanako Yamada' });
    assert.match(String(first.headers['set-cookie']), /^kyotsu_challenge=; .*Max-Age=0/);
    const again = await login(token, cookie);
    assert.equal(again.statusCode, 401);
    assert.equal(again.json<{ error: { code: string } }>().error.code, AuthErrorCode.CHALLENGE_UNKNOWN);
    assert.equal(logins.length, 1);
  });

  it('refuses a token posted without the browser binding, or bound to another challenge', async () => {
    const { nonce } = await challenge();
    const other = await challenge();
    const token = await signTokenText(leaf, ORIGIN, nonce);
    assert.equal((await login(token)).json<{ error: { code: string } }>().error.code, AuthErrorCode.CHALLENGE_UNKNOWN);
    const crossed = await login(token, other.cookie);
    assert.equal(crossed.statusCode, 401);
    assert.equal(crossed.json<{ error: { code: string } }>().error.code, AuthErrorCode.TOKEN_SIGNATURE_INVALID);
  });

  it('verifies the exact posted bytes: oversized is 413, duplicate keys are refused', async () => {
    const { nonce, cookie } = await challenge();
    const token = await signTokenText(leaf, ORIGIN, nonce);
    const big = await login(token.replace(/}$/, `,"pad":"${'x'.repeat(11_000)}"}`), cookie);
    assert.equal(big.statusCode, 413);
    assert.equal(big.json<{ error: { code: string } }>().error.code, AuthErrorCode.TOKEN_TOO_LARGE);
    const second = await challenge();
    const duplicated = await login((await signTokenText(leaf, ORIGIN, second.nonce)).replace(/}$/, ',"format":"web-eid:1.0"}'), second.cookie);
    assert.equal(duplicated.json<{ error: { code: string } }>().error.code, AuthErrorCode.TOKEN_DUPLICATE_KEY);
  });

  it("leaves the rest of the application's body parsing alone", async () => {
    const response = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":1}' });
    assert.deepEqual(response.json(), { body: { a: 1 } });
  });
});
