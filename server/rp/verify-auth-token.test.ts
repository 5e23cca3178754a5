import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromBase64, toBase64 } from '../../src/bytes.js';
import { type TokenAlgorithm } from '../../src/protocol/algorithms.js';
import { type AuthToken, serializeAuthToken } from '../../src/protocol/auth-token.js';
import { AuthErrorCode } from '../../src/protocol/errors.js';
import { ChallengeService } from './challenge/service.js';
import { verifyLogin } from './login.js';
import { startTestCaCheckServer, type TestCaCheckServer } from './test-support/ca-check-server.js';
import { createTestPki, generateTestKey, issueTestCertificate, OID, type TestCertificate, type TestPki } from './test-support/test-pki.js';
import { signToken, signTokenText } from './test-support/tokens.js';
import { AuthTokenVerifier } from './verifier.js';
import { verifyAuthToken } from './verify-auth-token.js';
import { type VerifyAuthTokenOptions } from './verify/types.js';

const ORIGIN = 'https://bank.example';
const SERVICE = 'bank-a';
const DAY = 86_400_000;

let pki: TestPki;
let leaf: TestCertificate;
let caCheck: TestCaCheckServer;

before(async () => {
  pki = await createTestPki();
  leaf = await pki.issueLeaf();
  caCheck = await startTestCaCheckServer();
});
after(() => caCheck.close());

function options(nonce: string, extra: Partial<VerifyAuthTokenOptions> = {}): VerifyAuthTokenOptions {
  return { origin: ORIGIN, challengeNonce: nonce, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none', ...extra };
}

function serialOf(cert: TestCertificate): string {
  return Buffer.from(cert.cert.serialNumber.valueBlock.valueHexView).toString('hex').replace(/^(?:00)+(?=..)/, '');
}

describe('verifyAuthToken accepts a good token', () => {
  it('for every allowed algorithm, reporting certificate, subject and serial', async () => {
    const cases: [TokenAlgorithm, 'P-256' | 'P-384' | 'P-521' | 'RSA-2048'][] = [['ES256', 'P-256'], ['ES384', 'P-384'], ['ES512', 'P-521'], ['RS256', 'RSA-2048'], ['PS256', 'RSA-2048']];
    for (const [algorithm, spec] of cases) {
      const holder = await pki.issueLeaf({ key: await generateTestKey(spec), subject: `Holder ${algorithm}`, organization: 'Example, Inc.' });
      const challenges = new ChallengeService();
      const { nonce } = await challenges.createChallenge();
      const result = await verifyAuthToken(await signTokenText(holder, ORIGIN, nonce, algorithm), options(nonce));
      assert.deepEqual(result.certificate, holder.der, algorithm);
      assert.equal(result.subject.commonName, `Holder ${algorithm}`);
      assert.equal(result.subject.distinguishedName, `CN=Holder ${algorithm},O=Example\\, Inc.`);
      assert.equal(result.serial, serialOf(holder));
    }
  });

  it('with the issuing CA itself as the trust anchor (not self-signed), as Web eID relying parties configure it', async () => {
    const { nonce } = await new ChallengeService().createChallenge();
    const result = await verifyAuthToken(await signTokenText(leaf, ORIGIN, nonce), options(nonce, { trustAnchors: [pki.intermediate.der], intermediates: [] }));
    assert.equal(result.serial, serialOf(leaf));
  });

  it('with a later minor format version and unknown members', async () => {
    const { nonce } = await new ChallengeService().createChallenge();
    const token = { ...(await signToken(leaf, ORIGIN, nonce)), format: 'web-eid:1.1', extra: 'ignored' };
    assert.equal((await verifyAuthToken(JSON.stringify(token), options(nonce))).serial, serialOf(leaf));
  });
});

/**
 * The bad-token table: each row is a login a user or attacker could attempt, and the code it must be
 * refused with. Rows go through the whole server side (`verifyLogin`: consume the session's challenge, then
 * verify), so challenge faults are covered with token faults.
 *
 * "wrong origin" and "another nonce" share TOKEN_SIGNATURE_INVALID, and cannot do otherwise: neither the
 * origin nor the nonce travels in a web-eid:1.0 token (by design — the relying party supplies both from its
 * own state), so the only evidence of either mismatch is a signature that does not verify.
 */
describe('the bad-token table: each refused with its own code', () => {
  interface Row {
    readonly name: string;
    readonly code: string;
    /** Returns the posted token text, the session's nonce, and optionally verifier/challenge overrides. */
    readonly attempt: (ctx: { challenges: ChallengeService; nonce: string }) => Promise<{
      token: string;
      nonce?: string;
      verifier?: Partial<ConstructorParameters<typeof AuthTokenVerifier>[0]>;
      challenges?: ChallengeService;
    }>;
  }
  const tokenObject = async (nonce: string): Promise<AuthToken> => signToken(leaf, ORIGIN, nonce);
  const rows: Row[] = [
    { name: 'wrong origin (token signed for a phishing origin)', code: AuthErrorCode.TOKEN_SIGNATURE_INVALID, attempt: async ({ nonce }) => ({ token: await signTokenText(leaf, 'https://bank.example.evil.example', nonce) }) },
    {
      name: 'another nonce (token for a challenge issued to someone else)',
      code: AuthErrorCode.TOKEN_SIGNATURE_INVALID,
      attempt: async ({ challenges }) => ({ token: await signTokenText(leaf, ORIGIN, (await challenges.createChallenge()).nonce) }),
    },
    {
      name: 'a reused nonce (the same login posted twice)',
      code: AuthErrorCode.CHALLENGE_UNKNOWN,
      attempt: async ({ challenges, nonce }) => {
        const token = await signTokenText(leaf, ORIGIN, nonce);
        await verifyLogin({ challenges, verifier: new AuthTokenVerifier({ origin: ORIGIN, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none' }), token, nonce });
        return { token };
      },
    },
    {
      name: 'an expired nonce',
      code: AuthErrorCode.CHALLENGE_EXPIRED,
      attempt: async () => {
        let clock = Date.now();
        const challenges = new ChallengeService({ now: () => clock });
        const { nonce } = await challenges.createChallenge();
        clock += 5 * 60 * 1000 + 1;
        return { token: await signTokenText(leaf, ORIGIN, nonce), nonce, challenges };
      },
    },
    {
      name: 'a revoked certificate (invalidated at the CA)',
      code: AuthErrorCode.CERTIFICATE_REVOKED,
      attempt: async ({ nonce }) => {
        const revoked = await pki.issueLeaf();
        caCheck.answers.set(`${serialOf(revoked)}/${SERVICE}`, { result: 'NG', reason: 'invalidated' });
        return { token: await signTokenText(revoked, ORIGIN, nonce), verifier: { revocation: { type: 'ca-check', caUrl: caCheck.url, apiToken: caCheck.apiToken }, service: SERVICE } };
      },
    },
    { name: 'an expired certificate', code: AuthErrorCode.CERTIFICATE_EXPIRED, attempt: async ({ nonce }) => ({ token: await signTokenText(await pki.issueLeaf({ notBefore: new Date(Date.now() - 30 * DAY), notAfter: new Date(Date.now() - DAY) }), ORIGIN, nonce) }) },
    { name: 'a not-yet-valid certificate', code: AuthErrorCode.CERTIFICATE_NOT_YET_VALID, attempt: async ({ nonce }) => ({ token: await signTokenText(await pki.issueLeaf({ notBefore: new Date(Date.now() + DAY) }), ORIGIN, nonce) }) },
    { name: 'an untrusted CA', code: AuthErrorCode.CERTIFICATE_UNTRUSTED, attempt: async ({ nonce }) => ({ token: await signTokenText(await (await createTestPki('Rogue')).issueLeaf(), ORIGIN, nonce) }) },
    { name: 'no digitalSignature in KeyUsage', code: AuthErrorCode.CERTIFICATE_KEY_USAGE, attempt: async ({ nonce }) => ({ token: await signTokenText(await pki.issueLeaf({ keyUsage: ['keyAgreement'] }), ORIGIN, nonce) }) },
    { name: 'EKU serverAuth only', code: AuthErrorCode.CERTIFICATE_EXTENDED_KEY_USAGE, attempt: async ({ nonce }) => ({ token: await signTokenText(await pki.issueLeaf({ extendedKeyUsage: [OID.serverAuth] }), ORIGIN, nonce) }) },
    { name: 'algorithm none', code: AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED, attempt: async ({ nonce }) => ({ token: serializeAuthToken({ ...(await tokenObject(nonce)), algorithm: 'none', signature: 'AA==' }) }) },
    { name: 'algorithm not matching the key (ES384 with a P-256 key)', code: AuthErrorCode.TOKEN_ALGORITHM_KEY_MISMATCH, attempt: async ({ nonce }) => ({ token: serializeAuthToken({ ...(await tokenObject(nonce)), algorithm: 'ES384' }) }) },
    {
      name: 'truncated signature',
      code: AuthErrorCode.TOKEN_SIGNATURE_MALFORMED,
      attempt: async ({ nonce }) => {
        const token = await tokenObject(nonce);
        return { token: serializeAuthToken({ ...token, signature: toBase64(fromBase64(token.signature).subarray(0, 63)) }) };
      },
    },
    { name: 'oversized token', code: AuthErrorCode.TOKEN_TOO_LARGE, attempt: async ({ nonce }) => ({ token: JSON.stringify({ ...(await tokenObject(nonce)), padding: 'x'.repeat(10 * 1024) }) }) },
    { name: 'duplicate JSON keys', code: AuthErrorCode.TOKEN_DUPLICATE_KEY, attempt: async ({ nonce }) => ({ token: serializeAuthToken(await tokenObject(nonce)).replace(/}$/, ',"algorithm":"ES256"}') }) },
    {
      name: 'a certificate that is not DER',
      code: AuthErrorCode.CERTIFICATE_MALFORMED,
      attempt: async ({ nonce }) => ({ token: serializeAuthToken({ ...(await tokenObject(nonce)), unverifiedCertificate: toBase64(new TextEncoder().encode('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')) }) }),
    },
    { name: 'a format that is not web-eid:1', code: AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED, attempt: async ({ nonce }) => ({ token: serializeAuthToken({ ...(await tokenObject(nonce)), format: 'web-eid:2.0' }) }) },
    { name: 'not JSON', code: AuthErrorCode.TOKEN_MALFORMED, attempt: () => Promise.resolve({ token: 'eyJhbGciOiJFUzI1NiJ9.e30.' }) },
    {
      name: 'a certificate the CA does not allow at this service',
      code: AuthErrorCode.CERTIFICATE_NOT_PERMITTED,
      attempt: async ({ nonce }) => {
        const other = await pki.issueLeaf();
        caCheck.answers.set(`${serialOf(other)}/${SERVICE}`, { result: 'NG', reason: 'not-listed' });
        return { token: await signTokenText(other, ORIGIN, nonce), verifier: { revocation: { type: 'ca-check', caUrl: caCheck.url, apiToken: caCheck.apiToken }, service: SERVICE } };
      },
    },
    { name: 'no challenge in this session', code: AuthErrorCode.CHALLENGE_UNKNOWN, attempt: async ({ nonce }) => ({ token: await signTokenText(leaf, ORIGIN, nonce), nonce: '' }) },
  ];

  for (const row of rows) {
    it(`${row.name} → ${row.code}`, async () => {
      const challenges = new ChallengeService();
      const { nonce } = await challenges.createChallenge();
      const attempt = await row.attempt({ challenges, nonce });
      const verifier = new AuthTokenVerifier({ origin: ORIGIN, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none', ...attempt.verifier });
      const sessionNonce = attempt.nonce === '' ? undefined : (attempt.nonce ?? nonce);
      await assert.rejects(verifyLogin({ challenges: attempt.challenges ?? challenges, verifier, token: attempt.token, nonce: sessionNonce }), (error: unknown) => {
        assert.equal((error as { code?: unknown }).code, row.code, (error as Error).message);
        assert.equal((error as Error).name, 'AuthError');
        return true;
      });
    });
  }

  it('every row other than the two signature mismatches has a code no other row has', () => {
    const codes = rows.map((r) => r.code).filter((c) => c !== AuthErrorCode.TOKEN_SIGNATURE_INVALID);
    const counts = new Map<string, number>();
    for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
    // CHALLENGE_UNKNOWN covers "reused" and "no challenge": a used nonce is gone, like one never issued.
    assert.deepEqual([...counts].filter(([code, n]) => n > 1 && code !== AuthErrorCode.CHALLENGE_UNKNOWN), []);
  });

  it('a good token passes the same path (the table is not refusing everything)', async () => {
    const challenges = new ChallengeService();
    const { nonce } = await challenges.createChallenge();
    const verifier = new AuthTokenVerifier({ origin: ORIGIN, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none' });
    assert.equal((await verifyLogin({ challenges, verifier, token: await signTokenText(leaf, ORIGIN, nonce), nonce })).serial, serialOf(leaf));
  });
});

describe('check order', () => {
  it('reports the earliest failing check when a token has several faults', async () => {
    const { nonce } = await new ChallengeService().createChallenge();
    const other = (await new ChallengeService().createChallenge()).nonce;
    const expired = await pki.issueLeaf({ notAfter: new Date(Date.now() - DAY), notBefore: new Date(Date.now() - 2 * DAY) });
    const rogue = await (await createTestPki('Rogue')).issueLeaf({ extendedKeyUsage: [OID.serverAuth] });
    const untrusted = await (await createTestPki('Rogue2')).issueLeaf();
    const cases: [string, Promise<string>, string][] = [
      // oversized beats everything
      ['size before shape', Promise.resolve(`{"a":"${'x'.repeat(11_000)}"`), AuthErrorCode.TOKEN_TOO_LARGE],
      // bad format beats a bad algorithm
      ['format before algorithm', signToken(leaf, ORIGIN, nonce).then((t) => serializeAuthToken({ ...t, format: 'x', algorithm: 'none' })), AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED],
      // validity beats purpose, path and signature
      ['validity before signature', signTokenText(expired, ORIGIN, other), AuthErrorCode.CERTIFICATE_EXPIRED],
      // purpose beats path
      ['purpose before path', signTokenText(rogue, ORIGIN, other), AuthErrorCode.CERTIFICATE_EXTENDED_KEY_USAGE],
      // path beats signature
      ['path before signature', signTokenText(untrusted, ORIGIN, other), AuthErrorCode.CERTIFICATE_UNTRUSTED],
    ];
    for (const [name, token, code] of cases) {
      await assert.rejects(verifyAuthToken(await token, options(nonce)), { code }, name);
    }
  });

  it('the signature is checked before revocation: an unsigned token never reaches the CA, a signed revoked one is refused', async () => {
    const revoked = await pki.issueLeaf();
    caCheck.answers.set(`${serialOf(revoked)}/${SERVICE}`, { result: 'NG', reason: 'invalidated' });
    const caOptions = { revocation: { type: 'ca-check' as const, caUrl: caCheck.url, apiToken: caCheck.apiToken }, service: SERVICE };
    const before = caCheck.seen.length;
    const { nonce } = await new ChallengeService().createChallenge();
    const forged = await signTokenText(revoked, 'https://elsewhere.example', nonce);
    await assert.rejects(verifyAuthToken(forged, options(nonce, caOptions)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    assert.equal(caCheck.seen.length, before, 'the CA was not asked about a token the card did not sign');
    await assert.rejects(verifyAuthToken(await signTokenText(revoked, ORIGIN, nonce), options(nonce, caOptions)), { code: AuthErrorCode.CERTIFICATE_REVOKED });
  });

  it('refuses a bad configuration before looking at the token', async () => {
    const { nonce } = await new ChallengeService().createChallenge();
    await assert.rejects(verifyAuthToken('not even json', options(nonce, { origin: 'https://bank.example/' })), { code: AuthErrorCode.ORIGIN_MALFORMED });
    await assert.rejects(verifyAuthToken('not even json', options('short')), { code: AuthErrorCode.CHALLENGE_MALFORMED });
    await assert.rejects(verifyAuthToken('not even json', options(nonce, { trustAnchors: [] })), { code: AuthErrorCode.VERIFIER_CONFIG_INVALID });
    await assert.rejects(verifyAuthToken('not even json', options(nonce, { revocation: { type: 'ca-check', caUrl: caCheck.url, apiToken: 'x' } })), {
      code: AuthErrorCode.VERIFIER_CONFIG_INVALID,
    });
  });

  it('a self-signed end-entity certificate is not its own trust anchor', async () => {
    const key = await generateTestKey('P-256');
    const selfSigned = await issueTestCertificate({ subject: 'Mallory', key });
    const { nonce } = await new ChallengeService().createChallenge();
    await assert.rejects(verifyAuthToken(await signTokenText(selfSigned, ORIGIN, nonce), options(nonce)), { code: AuthErrorCode.CERTIFICATE_UNTRUSTED });
  });
});
