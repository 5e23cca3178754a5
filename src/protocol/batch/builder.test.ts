import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { describe, it } from 'node:test';
import { fromBase64, toHex } from '../../bytes.js';
import { type TokenAlgorithm } from '../algorithms.js';
import { generateChallengeNonce } from '../challenge.js';
import { AuthErrorCode } from '../errors.js';
import { type TokenSigner, type TokenSignRequest } from '../token-builder.js';
import { parseBatchAuthToken, serializeBatchAuthToken } from './batch-token.js';
import { type BatchLogin, buildBatchAuthTokens } from './builder.js';
import { batchSignedDataForLeaf } from './signed-data.js';

const certificate = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
const appVersion = 'https://kyotsu.example/extension/test';
const keys: Record<TokenAlgorithm, { privateKey: KeyObject; publicKey: KeyObject }> = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  ES512: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
  PS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  RS256: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};
const nodeHash = { ES256: 'sha256', ES384: 'sha384', ES512: 'sha512', PS256: 'sha256', RS256: 'sha256' } as const;
const pss = (algorithm: TokenAlgorithm): object => (algorithm === 'PS256' ? { padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 } : {});

function logins(count: number): BatchLogin[] {
  return Array.from({ length: count }, (_, i) => ({ origin: `https://service-${i}.example`, nonce: generateChallengeNonce() }));
}

/** A software signer that records every request (DER ECDSA, as a card returns). */
function recordingSigner(algorithm: TokenAlgorithm, requests: TokenSignRequest[]): TokenSigner {
  return ({ signedData, digest, algorithm: asked }) => {
    requests.push({ algorithm: asked, signedData, digest });
    const bytes = new Uint8Array(nodeSign(nodeHash[algorithm], signedData, { key: keys[algorithm].privateKey, ...pss(algorithm) }));
    return Promise.resolve(algorithm.startsWith('ES') ? { encoding: 'ecdsa-der', bytes } : { encoding: 'raw', bytes });
  };
}

describe('buildBatchAuthTokens', () => {
  it('asks the signer once, and every service’s token verifies over the signed data rebuilt from its own origin and nonce', async () => {
    for (const algorithm of Object.keys(keys) as TokenAlgorithm[]) {
      const requests: TokenSignRequest[] = [];
      const batch = logins(3);
      const tokens = await buildBatchAuthTokens({ logins: batch, certificate, algorithm, appVersion, sign: recordingSigner(algorithm, requests) });
      assert.equal(requests.length, 1, algorithm);
      const [request] = requests as [TokenSignRequest];
      assert.equal(toHex(request.digest), createHash(nodeHash[algorithm]).update(request.signedData).digest('hex'));
      assert.deepEqual(tokens.map((t) => t.origin), batch.map((l) => l.origin));
      for (const { origin, nonce, token } of tokens) {
        const parsed = parseBatchAuthToken(serializeBatchAuthToken(token));
        assert.equal(parsed.format, 'kyotsu-batch:1');
        assert.deepEqual(parsed.certificate, certificate);
        const signedData = await batchSignedDataForLeaf(algorithm, origin, nonce, parsed.leaf);
        assert.equal(toHex(signedData), toHex(request.signedData), `${algorithm} ${origin}`);
        const dsaEncoding = algorithm.startsWith('ES') ? { dsaEncoding: 'ieee-p1363' as const } : {};
        assert.ok(nodeVerify(nodeHash[algorithm], signedData, { key: keys[algorithm].publicKey, ...pss(algorithm), ...dsaEncoding }, parsed.signature), `${algorithm} ${origin}`);
      }
    }
  });

  it('hides the number of services: 1 to 16 logins all give paths of 4 hashes, 17 give 5', async () => {
    for (const count of [1, 2, 3, 4, 16, 17]) {
      const tokens = await buildBatchAuthTokens({ logins: logins(count), certificate, algorithm: 'ES256', appVersion, sign: recordingSigner('ES256', []) });
      for (const { token } of tokens) assert.equal(token.leaf.path.length, count <= 16 ? 4 : 5, `K=${count}`);
      assert.equal(new Set(tokens.map((t) => t.token.leaf.index)).size, count, 'distinct positions');
    }
  });

  it('places a lone login at a random position, not always the first', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 40; i++) {
      const [only] = await buildBatchAuthTokens({ logins: logins(1), certificate, algorithm: 'ES256', appVersion, sign: recordingSigner('ES256', []) });
      seen.add(only!.token.leaf.index);
    }
    assert.ok(seen.size > 1, `positions seen: ${[...seen].join(',')}`); // all 40 equal: probability 16^-39
  });

  it('gives each service nothing of the others: no origin, nonce or salt of another login, in text or in bytes', async () => {
    const tokens = await buildBatchAuthTokens({ logins: logins(4), certificate, algorithm: 'ES256', appVersion, sign: recordingSigner('ES256', []) });
    for (const mine of tokens) {
      const text = serializeBatchAuthToken(mine.token);
      const parsed = parseBatchAuthToken(text);
      const bytes = toHex(new Uint8Array([...parsed.certificate, ...parsed.signature, ...parsed.leaf.salt, ...parsed.leaf.path.flatMap((hash) => [...hash])]));
      assert.ok(!text.includes(mine.origin) && !text.includes(mine.nonce), 'not even its own origin or nonce travels');
      for (const other of tokens.filter((t) => t !== mine)) {
        const otherSalt = fromBase64(other.token.leaf.salt);
        for (const secret of [other.origin, other.nonce, other.token.leaf.salt, new URL(other.origin).hostname]) assert.ok(!text.includes(secret), secret);
        for (const secret of [otherSalt, fromBase64(other.nonce), new TextEncoder().encode(other.origin)]) assert.ok(!bytes.includes(toHex(secret)));
      }
    }
  });

  it('refuses bad input before the card is asked', async () => {
    const requests: TokenSignRequest[] = [];
    const sign = recordingSigner('ES256', requests);
    const nonce = generateChallengeNonce();
    const cases: [BatchLogin[], string][] = [
      [[], AuthErrorCode.BATCH_INPUT_INVALID],
      [logins(257), AuthErrorCode.BATCH_INPUT_INVALID],
      [[{ origin: 'https://a.example', nonce }, { origin: 'https://a.example', nonce: generateChallengeNonce() }], AuthErrorCode.BATCH_INPUT_INVALID],
      [[{ origin: 'https://a.example/path', nonce }], AuthErrorCode.ORIGIN_MALFORMED],
      [[{ origin: 'https://a.example', nonce: nonce.slice(1) }], AuthErrorCode.CHALLENGE_MALFORMED],
    ];
    for (const [batch, code] of cases) {
      await assert.rejects(buildBatchAuthTokens({ logins: batch, certificate, algorithm: 'ES256', appVersion, sign }), { code });
    }
    await assert.rejects(buildBatchAuthTokens({ logins: logins(1), certificate, algorithm: 'none' as TokenAlgorithm, appVersion, sign }), { code: AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED });
    assert.equal(requests.length, 0);
    const truncated: TokenSigner = () => Promise.resolve({ encoding: 'raw', bytes: new Uint8Array(63) });
    await assert.rejects(buildBatchAuthTokens({ logins: logins(2), certificate, algorithm: 'ES256', appVersion, sign: truncated }), { code: AuthErrorCode.TOKEN_SIGNATURE_MALFORMED });
  });

  it('builds the largest batch, 256 logins, in a tree of 8 levels', async () => {
    const tokens = await buildBatchAuthTokens({ logins: logins(256), certificate, algorithm: 'ES256', appVersion, sign: recordingSigner('ES256', []) });
    assert.equal(tokens.length, 256);
    assert.equal(tokens[0]!.token.leaf.path.length, 8);
  });
});
