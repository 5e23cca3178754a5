/**
 * Security tests of batch login at the relying party, with real signatures and the test PKI: each service
 * accepts exactly its own token of a batch, for its own origin and the nonce it issued, and nothing else.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fromBase64, toBase64 } from '../../../src/bytes.js';
import { type TokenAlgorithm } from '../../../src/protocol/algorithms.js';
import { serializeAuthToken } from '../../../src/protocol/auth-token.js';
import { type BatchAuthToken, serializeBatchAuthToken } from '../../../src/protocol/batch/batch-token.js';
import { type BatchLoginToken } from '../../../src/protocol/batch/builder.js';
import { generateChallengeNonce } from '../../../src/protocol/challenge.js';
import { AuthErrorCode } from '../../../src/protocol/errors.js';
import { createTestPki, generateTestKey, issueTestCrl, type TestCertificate, type TestPki } from '../test-support/test-pki.js';
import { signToken } from '../test-support/tokens.js';
import { verifyAuthToken } from '../verify-auth-token.js';
import { type VerifyAuthTokenOptions } from '../verify/types.js';
import { signBatch } from './test-batch.js';
import { verifyBatchAuthToken } from './verify-batch-auth-token.js';

const BANK_A = 'https://bank-a.example';
const BANK_B = 'https://bank-b.example';
const CARD_CO = 'https://card.example';
const OUTSIDER = 'https://shop.example';

let pki: TestPki;
let holder: TestCertificate;

before(async () => {
  pki = await createTestPki('Batch');
  holder = await pki.issueLeaf({ subject: 'Hanako Yamada' });
});

function options(origin: string, challengeNonce: string, extra: Partial<VerifyAuthTokenOptions> = {}): VerifyAuthTokenOptions {
  return { origin, challengeNonce, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: 'none', ...extra };
}

/** The three statement services, each with the nonce it issued. */
function statementLogins(): { origin: string; nonce: string }[] {
  return [BANK_A, BANK_B, CARD_CO].map((origin) => ({ origin, nonce: generateChallengeNonce() }));
}

function tokenOf(tokens: readonly BatchLoginToken[], origin: string): BatchLoginToken {
  const found = tokens.find((t) => t.origin === origin);
  assert.ok(found, origin);
  return found;
}

function withLeaf(token: BatchAuthToken, leaf: Partial<BatchAuthToken['leaf']>): string {
  return serializeBatchAuthToken({ ...token, leaf: { ...token.leaf, ...leaf } });
}

describe('a batch of K logins under one signature', () => {
  it('K = 1, 2, 3, 4: one signature, and every service accepts its own token for its own origin and nonce', async () => {
    for (let k = 1; k <= 4; k++) {
      const logins = Array.from({ length: k }, (_, i) => ({ origin: `https://service-${i}.example`, nonce: generateChallengeNonce() }));
      const { tokens, signatures } = await signBatch(holder, logins);
      assert.equal(signatures, 1, `K=${k}`);
      for (const { origin, nonce, token } of tokens) {
        const result = await verifyBatchAuthToken(serializeBatchAuthToken(token), options(origin, nonce));
        assert.equal(result.subject.commonName, 'Hanako Yamada');
        assert.deepEqual(result.certificate, holder.der);
      }
    }
  });

  it('for every allowed algorithm', async () => {
    const cases: [TokenAlgorithm, 'P-256' | 'P-384' | 'P-521' | 'RSA-2048'][] = [['ES256', 'P-256'], ['ES384', 'P-384'], ['ES512', 'P-521'], ['RS256', 'RSA-2048'], ['PS256', 'RSA-2048']];
    for (const [algorithm, spec] of cases) {
      const cert = await pki.issueLeaf({ key: await generateTestKey(spec), subject: `Holder ${algorithm}` });
      const { tokens } = await signBatch(cert, statementLogins(), algorithm);
      for (const { origin, nonce, token } of tokens) {
        assert.equal((await verifyBatchAuthToken(serializeBatchAuthToken(token), options(origin, nonce))).subject.commonName, `Holder ${algorithm}`, `${algorithm} ${origin}`);
      }
    }
  });
});

describe('what a batch token cannot be used for', () => {
  it('at a service whose origin is not in the batch, with that service’s own nonce or the token’s', async () => {
    const { tokens } = await signBatch(holder, statementLogins());
    const own = tokenOf(tokens, BANK_A);
    const text = serializeBatchAuthToken(own.token);
    await assert.rejects(verifyBatchAuthToken(text, options(OUTSIDER, generateChallengeNonce())), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    await assert.rejects(verifyBatchAuthToken(text, options(OUTSIDER, own.nonce)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    // A look-alike origin (the phishing case) is another origin too.
    await assert.rejects(verifyBatchAuthToken(text, options('https://bank-a.example.evil.example', own.nonce)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
  });

  it('replayed at another service of the same batch: Bank A’s leaf does not log in at Bank B, with either nonce', async () => {
    const { tokens } = await signBatch(holder, statementLogins());
    const a = tokenOf(tokens, BANK_A);
    const b = tokenOf(tokens, BANK_B);
    const aText = serializeBatchAuthToken(a.token);
    await assert.rejects(verifyBatchAuthToken(aText, options(BANK_B, b.nonce)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    await assert.rejects(verifyBatchAuthToken(aText, options(BANK_B, a.nonce)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    // Nor by grafting A's path onto B's salt or index, nor with another nonce at A itself.
    await assert.rejects(verifyBatchAuthToken(withLeaf(a.token, { salt: b.token.leaf.salt }), options(BANK_B, b.nonce)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    await assert.rejects(verifyBatchAuthToken(withLeaf(b.token, { index: a.token.leaf.index }), options(BANK_B, b.nonce)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    await assert.rejects(verifyBatchAuthToken(aText, options(BANK_A, generateChallengeNonce())), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    // The genuine pairs still verify.
    await verifyBatchAuthToken(aText, options(BANK_A, a.nonce));
    await verifyBatchAuthToken(serializeBatchAuthToken(b.token), options(BANK_B, b.nonce));
  });

  it('with a tampered sibling path, salt or index', async () => {
    const { tokens } = await signBatch(holder, statementLogins());
    const { nonce, token } = tokenOf(tokens, CARD_CO);
    const tampered: string[] = [];
    for (let level = 0; level < token.leaf.path.length; level++) {
      const hash = fromBase64(token.leaf.path[level]!);
      hash[level * 3]! ^= 0x01;
      tampered.push(withLeaf(token, { path: token.leaf.path.map((h, i) => (i === level ? toBase64(hash) : h)) }));
    }
    const [p0, p1, ...rest] = token.leaf.path;
    tampered.push(withLeaf(token, { path: [p1!, p0!, ...rest] }));
    const salt = fromBase64(token.leaf.salt);
    salt[31]! ^= 0x80;
    tampered.push(withLeaf(token, { salt: toBase64(salt) }));
    tampered.push(withLeaf(token, { index: token.leaf.index ^ 1 }), withLeaf(token, { index: token.leaf.index ^ 8 }));
    for (const text of tampered) await assert.rejects(verifyBatchAuthToken(text, options(CARD_CO, nonce)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    // One level longer: a valid shape, but the depth is in the signed data, so another message. One level
    // shorter than the format's minimum: refused by shape before any cryptography.
    await assert.rejects(verifyBatchAuthToken(withLeaf(token, { path: [...token.leaf.path, token.leaf.path[0]!] }), options(CARD_CO, nonce)), {
      code: AuthErrorCode.TOKEN_SIGNATURE_INVALID,
    });
    await assert.rejects(verifyBatchAuthToken(withLeaf(token, { path: token.leaf.path.slice(1), index: token.leaf.index >> 1 }), options(CARD_CO, nonce)), {
      code: AuthErrorCode.BATCH_PATH_INVALID,
    });
  });
});

describe('batch and single signatures are never interchangeable', () => {
  it('a batch signature presented as a web-eid:1.0 token fails, relabelled or not', async () => {
    const { tokens } = await signBatch(holder, statementLogins());
    const { nonce, token } = tokenOf(tokens, BANK_A);
    await assert.rejects(verifyAuthToken(serializeBatchAuthToken(token), options(BANK_A, nonce)), { code: AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED });
    const relabelled = serializeAuthToken({ ...token, format: 'web-eid:1.0' });
    await assert.rejects(verifyAuthToken(relabelled, options(BANK_A, nonce)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
  });

  it('a web-eid:1.0 signature presented as a batch token fails, with any leaf', async () => {
    const nonce = generateChallengeNonce();
    const single = await signToken(holder, BANK_A, nonce);
    await assert.rejects(verifyBatchAuthToken(serializeAuthToken(single), options(BANK_A, nonce)), { code: AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED });
    // Borrow a real leaf (salt, index, path) of a batch made for the same origin and nonce: still no.
    const { tokens } = await signBatch(holder, [{ origin: BANK_A, nonce }]);
    const forged: BatchAuthToken = { ...single, format: 'kyotsu-batch:1', leaf: tokens[0]!.token.leaf };
    await assert.rejects(verifyBatchAuthToken(serializeBatchAuthToken(forged), options(BANK_A, nonce)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    // …while the batch's own token verifies: only the signature differs.
    await verifyBatchAuthToken(serializeBatchAuthToken(tokens[0]!.token), options(BANK_A, nonce));
  });
});

describe('malformed batch tokens and the check order', () => {
  it('refuses oversized and malformed tokens with their codes', async () => {
    const { tokens } = await signBatch(holder, statementLogins());
    const { nonce, token } = tokenOf(tokens, BANK_B);
    const cases: [string, string][] = [
      [JSON.stringify({ ...token, padding: 'x'.repeat(10 * 1024) }), AuthErrorCode.TOKEN_TOO_LARGE],
      [serializeBatchAuthToken(token).slice(0, -2), AuthErrorCode.TOKEN_MALFORMED],
      [serializeBatchAuthToken(token).replace('"leaf":{', '"leaf":{"index":0,'), AuthErrorCode.TOKEN_DUPLICATE_KEY],
      [serializeBatchAuthToken({ ...token, format: 'kyotsu-batch:2' }), AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED],
      [serializeBatchAuthToken({ ...token, algorithm: 'none' }), AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED],
      [JSON.stringify({ ...token, leaf: undefined }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf(token, { salt: toBase64(new Uint8Array(16)) }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf(token, { index: 16 }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf(token, { path: token.leaf.path.map((h) => toBase64(fromBase64(h).subarray(1))) }), AuthErrorCode.BATCH_PATH_INVALID],
      [withLeaf(token, { path: [] }), AuthErrorCode.BATCH_PATH_INVALID],
      [serializeBatchAuthToken({ ...token, algorithm: 'ES384' }), AuthErrorCode.BATCH_PATH_INVALID], // 32-byte hashes under SHA-384
      [serializeBatchAuthToken({ ...token, signature: toBase64(fromBase64(token.signature).subarray(1)) }), AuthErrorCode.TOKEN_SIGNATURE_MALFORMED],
      [serializeBatchAuthToken({ ...token, unverifiedCertificate: toBase64(new Uint8Array([1, 2, 3])) }), AuthErrorCode.CERTIFICATE_MALFORMED],
    ];
    for (const [text, code] of cases) await assert.rejects(verifyBatchAuthToken(text, options(BANK_B, nonce)), { code }, code);
  });

  it('runs the certificate checks before the batch signature, in verifyAuthToken’s order', async () => {
    const expired = await pki.issueLeaf({ notBefore: new Date(Date.now() - 3 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const serverAuthOnly = await pki.issueLeaf({ extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] });
    const stranger = await (await createTestPki('Stranger')).issueLeaf();
    const revoked = await pki.issueLeaf({ serial: new Uint8Array([0x42, 0x42]) });
    // RFC 5280 §6.3: every certificate on the path needs a CRL from its issuer.
    const crls = [await issueTestCrl(pki.intermediate, [new Uint8Array([0x42, 0x42])]), await issueTestCrl(pki.root, [])];
    const cases: [TestCertificate, string, Partial<VerifyAuthTokenOptions>][] = [
      [expired, AuthErrorCode.CERTIFICATE_EXPIRED, {}],
      [serverAuthOnly, AuthErrorCode.CERTIFICATE_EXTENDED_KEY_USAGE, {}],
      [stranger, AuthErrorCode.CERTIFICATE_UNTRUSTED, {}],
    ];
    for (const [cert, code, extra] of cases) {
      const { tokens } = await signBatch(cert, statementLogins());
      const { nonce, token } = tokenOf(tokens, BANK_A);
      // Even with the leaf made for another service (a signature failure), the certificate fault is reported.
      await assert.rejects(verifyBatchAuthToken(serializeBatchAuthToken(token), options(BANK_B, nonce, extra)), { code }, code);
    }
    // Revocation comes after the signature (no revocation source is asked about an unsigned token), so a
    // revoked holder's leaf for another service is a signature failure, and its own leaf is refused as revoked.
    const signedByRevoked = await signBatch(revoked, statementLogins());
    const own = tokenOf(signedByRevoked.tokens, BANK_A);
    const crlOptions: Partial<VerifyAuthTokenOptions> = { revocation: { type: 'crl', crls } };
    await assert.rejects(verifyBatchAuthToken(serializeBatchAuthToken(own.token), options(BANK_B, own.nonce, crlOptions)), { code: AuthErrorCode.TOKEN_SIGNATURE_INVALID });
    await assert.rejects(verifyBatchAuthToken(serializeBatchAuthToken(own.token), options(BANK_A, own.nonce, crlOptions)), { code: AuthErrorCode.CERTIFICATE_REVOKED });
    // The same CRL lets a good holder's batch token through.
    const { tokens } = await signBatch(holder, statementLogins());
    const { nonce, token } = tokenOf(tokens, BANK_A);
    await verifyBatchAuthToken(serializeBatchAuthToken(token), options(BANK_A, nonce, { revocation: { type: 'crl', crls } }));
  });

  it('checks its own options first, like verifyAuthToken', async () => {
    const { tokens } = await signBatch(holder, statementLogins());
    const { nonce, token } = tokenOf(tokens, BANK_A);
    await assert.rejects(verifyBatchAuthToken(serializeBatchAuthToken(token), options('bank-a.example', nonce)), { code: AuthErrorCode.ORIGIN_MALFORMED });
    await assert.rejects(verifyBatchAuthToken(serializeBatchAuthToken(token), options(BANK_A, 'nonce')), { code: AuthErrorCode.CHALLENGE_MALFORMED });
    await assert.rejects(verifyBatchAuthToken('{', options(BANK_A, nonce, { trustAnchors: [] })), { code: AuthErrorCode.VERIFIER_CONFIG_INVALID });
  });
});
