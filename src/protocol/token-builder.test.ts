import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { it } from 'node:test';
import { fromBase64 } from '../bytes.js';
import { type TokenAlgorithm } from './algorithms.js';
import { parseAuthToken, serializeAuthToken } from './auth-token.js';
import { generateChallengeNonce } from './challenge.js';
import { AuthErrorCode } from './errors.js';
import { tokenDigest, tokenSignedData } from './signed-data.js';
import { buildAuthToken, type TokenSignRequest } from './token-builder.js';

const origin = 'https://bank.example';
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

it('a signer gets H(origin)‖H(nonce) and its digest; the token carries raw r‖s that verifies over them', async () => {
  for (const algorithm of Object.keys(keys) as TokenAlgorithm[]) {
    for (const ecdsaEncoding of ['der', 'ieee-p1363'] as const) {
      if (ecdsaEncoding === 'ieee-p1363' && !algorithm.startsWith('ES')) continue;
      const nonce = generateChallengeNonce();
      let seen: TokenSignRequest | undefined;
      const token = await buildAuthToken({
        origin, nonce, certificate, algorithm, appVersion,
        sign: (request) => {
          seen = request;
          const bytes = nodeSign(nodeHash[algorithm], request.signedData, { key: keys[algorithm].privateKey, dsaEncoding: ecdsaEncoding, ...pss(algorithm) });
          return Promise.resolve(ecdsaEncoding === 'der' && algorithm.startsWith('ES') ? { encoding: 'ecdsa-der', bytes } : { encoding: 'raw', bytes });
        },
      });
      assert.ok(seen);
      assert.deepEqual(seen.signedData, await tokenSignedData(algorithm, origin, nonce));
      assert.deepEqual(seen.digest, await tokenDigest(algorithm, seen.signedData));
      const parsed = parseAuthToken(serializeAuthToken(token));
      assert.equal(parsed.format, 'web-eid:1.0');
      assert.deepEqual(parsed.certificate, certificate);
      const signature = fromBase64(token.signature);
      if (algorithm.startsWith('ES')) assert.equal(signature.length, { ES256: 64, ES384: 96, ES512: 132 }[algorithm as 'ES256']);
      const ok = nodeVerify(nodeHash[algorithm], seen.signedData, { key: keys[algorithm].publicKey, dsaEncoding: 'ieee-p1363', ...pss(algorithm) }, signature);
      assert.equal(ok, true, `${algorithm} ${ecdsaEncoding}`);
    }
  }
});

it('refuses a bad origin or nonce before the card is asked, and a signer returning the wrong form', async () => {
  let calls = 0;
  const sign = (): Promise<{ encoding: 'raw'; bytes: Uint8Array }> => {
    calls++;
    return Promise.resolve({ encoding: 'raw', bytes: new Uint8Array(63) });
  };
  const base = { origin, nonce: generateChallengeNonce(), certificate, algorithm: 'ES256' as const, appVersion, sign };
  await assert.rejects(buildAuthToken({ ...base, origin: 'https://bank.example/' }), { code: AuthErrorCode.ORIGIN_MALFORMED });
  await assert.rejects(buildAuthToken({ ...base, nonce: 'short' }), { code: AuthErrorCode.CHALLENGE_MALFORMED });
  await assert.rejects(buildAuthToken({ ...base, algorithm: 'none' as TokenAlgorithm }), { code: AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED });
  assert.equal(calls, 0);
  await assert.rejects(buildAuthToken(base), { code: AuthErrorCode.TOKEN_SIGNATURE_MALFORMED });
  await assert.rejects(
    buildAuthToken({ ...base, sign: () => Promise.resolve({ encoding: 'ecdsa-der', bytes: new Uint8Array([0x30, 0x00]) }) }),
    { code: AuthErrorCode.TOKEN_SIGNATURE_MALFORMED },
  );
});
