/**
 * The extension side and the relying-party side share one protocol: a token built with the src/ builder,
 * signed by the software PIV card through the host PIV session (the same APDUs a reader carries), verifies
 * here. The card signs only the digest H(H(origin) ‖ H(nonce)) the builder hands it.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as pkijs from 'pkijs';
import { PivSession } from '../../bridge/piv/session.js';
import { SoftPivCard } from '../../bridge/softcard/soft-piv-card.js';
import { connectDirect } from '../../bridge/transport/direct.js';
import { Algorithm, DEFAULT_PIN, Slot } from '../../src/piv/constants.js';
import { type TokenAlgorithm } from '../../src/protocol/algorithms.js';
import { serializeAuthToken } from '../../src/protocol/auth-token.js';
import { AuthErrorCode } from '../../src/protocol/errors.js';
import { preferredAlgorithm, publicKeyKind } from '../../src/protocol/key-algorithm.js';
import { buildAuthToken, type TokenSigner } from '../../src/protocol/token-builder.js';
import { ChallengeService } from './challenge/service.js';
import { verifyLogin } from './login.js';
import { createTestPki, issueTestCertificate, type TestPki } from './test-support/test-pki.js';
import { AuthTokenVerifier } from './verifier.js';

const ORIGIN = 'https://bank-a.example';
let pki: TestPki;

before(async () => {
  pki = await createTestPki('Card');
});

/** A factory-fresh software card with a key generated in 9A and a certificate for it from the test CA. */
async function provisionedCard(pivAlgorithm: number): Promise<{ piv: PivSession; certificate: Uint8Array }> {
  const piv = await PivSession.open(await connectDirect(await SoftPivCard.create()));
  await piv.authenticateManagementKey();
  const spki = await piv.generateKey(Slot.AUTHENTICATION, pivAlgorithm);
  const issued = await issueTestCertificate({ subject: 'Taro Card', issuer: pki.intermediate, subjectPublicKeyInfo: spki });
  await piv.writeCertificate(Slot.AUTHENTICATION, issued.der);
  const certificate = await piv.readCertificate(Slot.AUTHENTICATION);
  assert.ok(certificate);
  return { piv, certificate };
}

/** What the extension does with the card: PIN, then GENERAL AUTHENTICATE over the digest. */
function cardSigner(piv: PivSession, pivAlgorithm: number): TokenSigner {
  return async ({ algorithm, digest }) => {
    await piv.verifyPin(DEFAULT_PIN);
    if (algorithm.startsWith('ES')) return { encoding: 'ecdsa-der', bytes: (await piv.signEcdsa(Slot.AUTHENTICATION, pivAlgorithm, digest)).der };
    const bytes = await piv.signRsa(Slot.AUTHENTICATION, pivAlgorithm, digest, { hash: 'SHA-256', padding: algorithm === 'PS256' ? 'pss' : 'pkcs1' });
    return { encoding: 'raw', bytes };
  };
}

describe('a token signed by the software card through PivSession verifies with verifyAuthToken', () => {
  const cases: [string, number, TokenAlgorithm | undefined][] = [
    ['P-256 → ES256', Algorithm.ECC_P256, undefined],
    ['P-384 → ES384', Algorithm.ECC_P384, undefined],
    ['RSA-2048 → RS256', Algorithm.RSA_2048, undefined],
    ['RSA-2048 → PS256', Algorithm.RSA_2048, 'PS256'],
  ];
  for (const [name, pivAlgorithm, forced] of cases) {
    it(name, async () => {
      const { piv, certificate } = await provisionedCard(pivAlgorithm);
      const algorithm = forced ?? preferredAlgorithm(publicKeyKind(pkijs.Certificate.fromBER(Uint8Array.from(certificate)).subjectPublicKeyInfo));
      assert.ok(algorithm);
      const challenges = new ChallengeService();
      const verifier = new AuthTokenVerifier({ origin: ORIGIN, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none' });
      const { nonce } = await challenges.createChallenge();
      const token = await buildAuthToken({ origin: ORIGIN, nonce, certificate, algorithm, appVersion: 'https://kyotsu.example/extension/test', sign: cardSigner(piv, pivAlgorithm) });
      const result = await verifyLogin({ challenges, verifier, token: serializeAuthToken(token), nonce });
      assert.equal(result.subject.commonName, 'Taro Card');
      assert.deepEqual(result.certificate, certificate);
    });
  }

  it('the card-signed token is refused for another origin and after the challenge is used', async () => {
    const { piv, certificate } = await provisionedCard(Algorithm.ECC_P256);
    const challenges = new ChallengeService();
    const verifier = new AuthTokenVerifier({ origin: ORIGIN, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none' });
    const { nonce } = await challenges.createChallenge();
    const phished = await buildAuthToken({ origin: 'https://bank-a.example.evil.example', nonce, certificate, algorithm: 'ES256', appVersion: 'x', sign: cardSigner(piv, Algorithm.ECC_P256) });
    await assert.rejects(verifyLogin({ challenges, verifier, token: serializeAuthToken(phished), nonce }), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    await assert.rejects(verifyLogin({ challenges, verifier, token: serializeAuthToken(phished), nonce }), { code: AuthErrorCode.CHALLENGE_UNKNOWN });
  });
});
