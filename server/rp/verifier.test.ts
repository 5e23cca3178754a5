import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AuthErrorCode } from '../../src/protocol/errors.js';
import { ChallengeService } from './challenge/service.js';
import { validateCertificatePath } from './path/validate.js';
import { createTestPki, issueTestCertificate, type TestPki } from './test-support/test-pki.js';
import { signTokenText } from './test-support/tokens.js';
import { AuthTokenVerifier } from './verifier.js';
import { type PathValidationInput } from './verify/types.js';

const ORIGIN = 'https://portal.example';
let pki: TestPki;

before(async () => {
  pki = await createTestPki();
});

async function tokenFor(pkiOrLeaf: TestPki, challenges: ChallengeService): Promise<{ token: string; nonce: string }> {
  const { nonce } = await challenges.createChallenge();
  return { token: await signTokenText(await pkiOrLeaf.issueLeaf(), ORIGIN, nonce), nonce };
}

describe('AuthTokenVerifier and its warm intermediate cache', () => {
  it('validates the full path once, then each new leaf of the same intermediate through the short path', async () => {
    const calls: PathValidationInput[] = [];
    const verifier = new AuthTokenVerifier({
      origin: ORIGIN,
      trustAnchors: [pki.root.der],
      intermediates: [pki.intermediate.der],
      revocation: 'none',
      validatePath: (input) => {
        calls.push(input);
        return validateCertificatePath(input);
      },
    });
    const challenges = new ChallengeService();
    for (let i = 0; i < 4; i++) {
      const { token, nonce } = await tokenFor(pki, challenges);
      await verifier.verify(token, nonce);
    }
    assert.deepEqual([verifier.cache.misses, verifier.cache.hits, verifier.cache.size], [1, 3, 1]);
    assert.equal(calls[0]!.trustAnchors[0], pki.root.der);
    for (const call of calls.slice(1)) assert.deepEqual([call.trustAnchors, call.intermediates], [[pki.intermediate.der], []]);
  });

  it('a rogue CA with the same name as the cached intermediate gets nothing from the cache', async () => {
    const verifier = new AuthTokenVerifier({ origin: ORIGIN, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none' });
    const challenges = new ChallengeService();
    const warm = await tokenFor(pki, challenges);
    await verifier.verify(warm.token, warm.nonce);
    const rogue = await createTestPki(); // same names: "Test Root CA", "Test Issuing CA"
    assert.ok(rogue.intermediate.cert.subject.isEqual(pki.intermediate.cert.subject));
    const attack = await tokenFor(rogue, challenges);
    await assert.rejects(verifier.verify(attack.token, attack.nonce), { code: AuthErrorCode.CERTIFICATE_UNTRUSTED });
  });

  it('does not cache an intermediate whose path constrains leaves (inhibitAnyPolicy here)', async () => {
    const root = pki.root;
    const inhibit = new pkijs.Extension({ extnID: '2.5.29.54', critical: false, extnValue: new asn1js.Integer({ value: 0 }).toBER(false) });
    const constrained = await issueTestCertificate({ subject: 'Constrained Issuing CA', issuer: root, ca: true, extraExtensions: [inhibit] });
    const verifier = new AuthTokenVerifier({ origin: ORIGIN, trustAnchors: [root.der], intermediates: [constrained.der], revocation: 'none' });
    const challenges = new ChallengeService();
    for (let i = 0; i < 2; i++) {
      const { nonce } = await challenges.createChallenge();
      const leaf = await issueTestCertificate({ subject: `Leaf ${i}`, issuer: constrained });
      await verifier.verify(await signTokenText(leaf, ORIGIN, nonce), nonce);
    }
    assert.deepEqual([verifier.cache.misses, verifier.cache.hits, verifier.cache.size], [2, 0, 0]);
  });

  it('re-validates the full path once the cache entry is older than its TTL', async () => {
    let wall = 1_000;
    const verifier = new AuthTokenVerifier({ origin: ORIGIN, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none', cache: { ttlMs: 60_000, clock: () => wall } });
    const challenges = new ChallengeService();
    const first = await tokenFor(pki, challenges);
    await verifier.verify(first.token, first.nonce);
    wall += 60_000;
    const second = await tokenFor(pki, challenges);
    await verifier.verify(second.token, second.nonce);
    assert.deepEqual([verifier.cache.misses, verifier.cache.hits], [2, 0]);
  });

  it('refuses a bad configuration up front', () => {
    assert.throws(() => new AuthTokenVerifier({ origin: 'portal.example', trustAnchors: [pki.root.der], revocation: 'none' }).checkConfiguration(), { code: AuthErrorCode.ORIGIN_MALFORMED });
    assert.throws(() => new AuthTokenVerifier({ origin: ORIGIN, trustAnchors: [], revocation: 'none' }).checkConfiguration(), { code: AuthErrorCode.VERIFIER_CONFIG_INVALID });
    new AuthTokenVerifier({ origin: ORIGIN, trustAnchors: [pki.root.der], revocation: 'none' }).checkConfiguration();
  });
});
