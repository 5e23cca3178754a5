/**
 * Services that accept both formats: `verifyAnyAuthToken`, `AuthTokenVerifier.verifyAny` / `verifyBatch`,
 * and `verifyAnyLogin`, which consumes the session's challenge first so a nonce backs one attempt only.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { serializeAuthToken } from '../../../src/protocol/auth-token.js';
import { serializeBatchAuthToken } from '../../../src/protocol/batch/batch-token.js';
import { generateChallengeNonce } from '../../../src/protocol/challenge.js';
import { AuthErrorCode } from '../../../src/protocol/errors.js';
import { ChallengeService } from '../challenge/service.js';
import { createTestPki, type TestCertificate, type TestPki } from '../test-support/test-pki.js';
import { signToken, signTokenText } from '../test-support/tokens.js';
import { AuthTokenVerifier } from '../verifier.js';
import { type VerifyAuthTokenOptions } from '../verify/types.js';
import { verifyAnyLogin } from './login.js';
import { signBatch } from './test-batch.js';
import { verifyAnyAuthToken } from './verify-any-auth-token.js';

const BANK_A = 'https://bank-a.example';
const BANK_B = 'https://bank-b.example';
const CARD_CO = 'https://card.example';

let pki: TestPki;
let holder: TestCertificate;

before(async () => {
  pki = await createTestPki('Any');
  holder = await pki.issueLeaf({ subject: 'Taro Suzuki' });
});

function options(origin: string, challengeNonce: string): VerifyAuthTokenOptions {
  return { origin, challengeNonce, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none' };
}

function verifierFor(origin: string): AuthTokenVerifier {
  return new AuthTokenVerifier({ origin, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none' });
}

describe('verifyAnyAuthToken', () => {
  it('accepts a single and a batch token, saying which, with the same result fields', async () => {
    const nonce = generateChallengeNonce();
    const single = await verifyAnyAuthToken(await signTokenText(holder, BANK_A, nonce), options(BANK_A, nonce));
    const { tokens } = await signBatch(holder, [{ origin: BANK_A, nonce }]);
    const batch = await verifyAnyAuthToken(serializeBatchAuthToken(tokens[0]!.token), options(BANK_A, nonce));
    assert.equal(single.kind, 'single');
    assert.equal(batch.kind, 'batch');
    assert.deepEqual({ ...batch, kind: 'single' }, single);
  });

  it('refuses other formats, and either kind for another origin', async () => {
    const nonce = generateChallengeNonce();
    const single = await signToken(holder, BANK_A, nonce);
    await assert.rejects(verifyAnyAuthToken(serializeAuthToken({ ...single, format: 'kyotsu-batch:9' }), options(BANK_A, nonce)), { code: AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED });
    await assert.rejects(verifyAnyAuthToken(serializeAuthToken(single), options(BANK_B, nonce)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    const { tokens } = await signBatch(holder, [{ origin: BANK_A, nonce }]);
    await assert.rejects(verifyAnyAuthToken(serializeBatchAuthToken(tokens[0]!.token), options(BANK_B, nonce)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    // A batch-format token without its leaf is a batch fault, not a single token.
    await assert.rejects(verifyAnyAuthToken(serializeAuthToken({ ...single, format: 'kyotsu-batch:1' }), options(BANK_A, nonce)), { code: AuthErrorCode.BATCH_LEAF_MALFORMED });
  });
});

describe('AuthTokenVerifier with batch tokens', () => {
  it('verifyBatch and verifyAny share the warm intermediate cache with verify', async () => {
    const logins = [BANK_A, BANK_B, CARD_CO].map((origin) => ({ origin, nonce: generateChallengeNonce() }));
    const { tokens } = await signBatch(holder, logins);
    const verifier = verifierFor(BANK_A);
    const mine = tokens.find((t) => t.origin === BANK_A)!;
    assert.equal((await verifier.verifyBatch(serializeBatchAuthToken(mine.token), mine.nonce)).subject.commonName, 'Taro Suzuki');
    assert.equal((await verifier.verifyAny(serializeBatchAuthToken(mine.token), mine.nonce)).kind, 'batch');
    const nonce = generateChallengeNonce();
    await verifier.verify(await signTokenText(holder, BANK_A, nonce), nonce);
    assert.deepEqual([verifier.cache.misses, verifier.cache.hits], [1, 2]);
    await assert.rejects(verifier.verify(serializeBatchAuthToken(mine.token), mine.nonce), { code: AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED });
    const other = tokens.find((t) => t.origin === BANK_B)!;
    await assert.rejects(verifier.verifyBatch(serializeBatchAuthToken(other.token), other.nonce), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
  });
});

describe('verifyAnyLogin keeps challenges single-use for batch tokens', () => {
  it('each service consumes its own challenge; the same token again, or after a failure, meets CHALLENGE_UNKNOWN', async () => {
    const services = [BANK_A, BANK_B, CARD_CO].map((origin) => ({ origin, challenges: new ChallengeService(), verifier: verifierFor(origin) }));
    const issued = await Promise.all(services.map(async (s) => ({ ...s, nonce: (await s.challenges.createChallenge()).nonce })));
    const { tokens, signatures } = await signBatch(holder, issued.map(({ origin, nonce }) => ({ origin, nonce })));
    assert.equal(signatures, 1);
    for (const service of issued) {
      const token = serializeBatchAuthToken(tokens.find((t) => t.origin === service.origin)!.token);
      const result = await verifyAnyLogin({ challenges: service.challenges, verifier: service.verifier, token, nonce: service.nonce });
      assert.equal(result.kind, 'batch');
      await assert.rejects(verifyAnyLogin({ challenges: service.challenges, verifier: service.verifier, token, nonce: service.nonce }), { code: AuthErrorCode.CHALLENGE_UNKNOWN });
    }
    // A failed attempt burns the challenge too: Bank B's token posted to Bank A's fresh session.
    const a = services[0]!;
    const { nonce } = await a.challenges.createChallenge();
    const wrong = serializeBatchAuthToken(tokens.find((t) => t.origin === BANK_B)!.token);
    await assert.rejects(verifyAnyLogin({ challenges: a.challenges, verifier: a.verifier, token: wrong, nonce }), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    await assert.rejects(verifyAnyLogin({ challenges: a.challenges, verifier: a.verifier, token: wrong, nonce }), { code: AuthErrorCode.CHALLENGE_UNKNOWN });
    await assert.rejects(verifyAnyLogin({ challenges: a.challenges, verifier: a.verifier, token: wrong, nonce: undefined }), { code: AuthErrorCode.CHALLENGE_UNKNOWN });
  });
});
