/**
 * A batch login signed by the software PIV card through the host PIV session, the way the extension will
 * do it: the card is asked once (one GENERAL AUTHENTICATE in the card's own log) over the batch digest, and
 * each of the three statement services accepts its own token at its own challenge.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PivSession } from '../../../bridge/piv/session.js';
import { SoftPivCard } from '../../../bridge/softcard/soft-piv-card.js';
import { connectDirect } from '../../../bridge/transport/direct.js';
import { Algorithm, DEFAULT_PIN, Slot } from '../../../src/piv/constants.js';
import { type TokenAlgorithm } from '../../../src/protocol/algorithms.js';
import { serializeAuthToken } from '../../../src/protocol/auth-token.js';
import { serializeBatchAuthToken } from '../../../src/protocol/batch/batch-token.js';
import { buildBatchAuthTokens } from '../../../src/protocol/batch/builder.js';
import { AuthErrorCode } from '../../../src/protocol/errors.js';
import { type TokenSigner } from '../../../src/protocol/token-builder.js';
import { ChallengeService } from '../challenge/service.js';
import { createTestPki, issueTestCertificate, type TestPki } from '../test-support/test-pki.js';
import { AuthTokenVerifier } from '../verifier.js';
import { verifyAnyLogin } from './login.js';

const GENERAL_AUTHENTICATE = 0x87; // SP 800-73-4 Part 2 §3.2.4
const SERVICES = ['https://bank-a.example', 'https://bank-b.example', 'https://card.example'];
let pki: TestPki;

before(async () => {
  pki = await createTestPki('Card batch');
});

/** A factory-fresh software card with a key generated in 9A and a certificate for it from the test CA. */
async function provisionedCard(pivAlgorithm: number): Promise<{ card: SoftPivCard; piv: PivSession; certificate: Uint8Array }> {
  const card = await SoftPivCard.create();
  const piv = await PivSession.open(await connectDirect(card));
  await piv.authenticateManagementKey();
  const spki = await piv.generateKey(Slot.AUTHENTICATION, pivAlgorithm);
  const issued = await issueTestCertificate({ subject: 'Hanako Card', issuer: pki.intermediate, subjectPublicKeyInfo: spki });
  return { card, piv, certificate: issued.der };
}

/** What the extension does with the card: PIN, then GENERAL AUTHENTICATE over the digest it is handed. */
function cardSigner(piv: PivSession, pivAlgorithm: number): TokenSigner {
  return async ({ algorithm, digest }) => {
    await piv.verifyPin(DEFAULT_PIN);
    if (algorithm.startsWith('ES')) return { encoding: 'ecdsa-der', bytes: (await piv.signEcdsa(Slot.AUTHENTICATION, pivAlgorithm, digest)).der };
    return { encoding: 'raw', bytes: await piv.signRsa(Slot.AUTHENTICATION, pivAlgorithm, digest, { hash: 'SHA-256', padding: algorithm === 'PS256' ? 'pss' : 'pkcs1' }) };
  };
}

describe('a batch signed once by the software card through PivSession', () => {
  const cases: [string, number, TokenAlgorithm][] = [
    ['P-256 → ES256', Algorithm.ECC_P256, 'ES256'],
    ['P-384 → ES384', Algorithm.ECC_P384, 'ES384'],
    ['RSA-2048 → RS256', Algorithm.RSA_2048, 'RS256'],
  ];
  for (const [name, pivAlgorithm, algorithm] of cases) {
    it(`${name}: one card signature, three services logged in, none of them with another's token`, async () => {
      const { card, piv, certificate } = await provisionedCard(pivAlgorithm);
      const services = SERVICES.map((origin) => ({
        origin,
        challenges: new ChallengeService(),
        verifier: new AuthTokenVerifier({ origin, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none' }),
      }));
      const issued = await Promise.all(services.map(async (s) => ({ ...s, nonce: (await s.challenges.createChallenge()).nonce })));
      card.clearLog();
      const tokens = await buildBatchAuthTokens({
        logins: issued.map(({ origin, nonce }) => ({ origin, nonce })),
        certificate,
        algorithm,
        appVersion: 'https://kyotsu.example/extension/test',
        sign: cardSigner(piv, pivAlgorithm),
      });
      assert.equal(card.log.filter((entry) => entry.ins === GENERAL_AUTHENTICATE && entry.sw === 0x9000).length, 1, 'the card signed exactly once');

      // Bank B's token at Bank A: refused (and Bank A's challenge is burnt by the attempt).
      const [a, b] = issued as [(typeof issued)[number], (typeof issued)[number]];
      const bToken = serializeBatchAuthToken(tokens.find((t) => t.origin === b.origin)!.token);
      const decoy = await a.challenges.createChallenge();
      await assert.rejects(verifyAnyLogin({ challenges: a.challenges, verifier: a.verifier, token: bToken, nonce: decoy.nonce }), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });

      for (const service of issued) {
        const token = tokens.find((t) => t.origin === service.origin)!.token;
        const result = await verifyAnyLogin({ challenges: service.challenges, verifier: service.verifier, token: serializeBatchAuthToken(token), nonce: service.nonce });
        assert.equal(result.kind, 'batch');
        assert.equal(result.subject.commonName, 'Hanako Card');
        // The card's batch signature is no single-login signature for this service either.
        const relabelled = serializeAuthToken({ ...token, format: 'web-eid:1.0' });
        const fresh = await service.challenges.createChallenge();
        await assert.rejects(verifyAnyLogin({ challenges: service.challenges, verifier: service.verifier, token: relabelled, nonce: fresh.nonce }), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
      }
    });
  }
});
