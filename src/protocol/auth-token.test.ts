import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { utf8 } from '../bytes.js';
import { MAX_TOKEN_BYTES, parseAuthToken, serializeAuthToken } from './auth-token.js';
import { AuthErrorCode } from './errors.js';

const good = {
  unverifiedCertificate: 'MIIB',
  algorithm: 'ES256',
  signature: 'AAECAw==',
  format: 'web-eid:1.0',
  appVersion: 'https://kyotsu.example/extension/0.1.0',
};
const text = (value: unknown): string => JSON.stringify(value);

describe('parseAuthToken', () => {
  it('reads a well-formed token, decoding certificate and signature, ignoring unknown members', () => {
    const parsed = parseAuthToken(text({ ...good, future: { anything: [1, 2] } }));
    assert.equal(parsed.algorithm, 'ES256');
    assert.deepEqual([...parsed.certificate], [0x30, 0x82, 0x01]);
    assert.deepEqual([...parsed.signature], [0, 1, 2, 3]);
    assert.equal(parsed.appVersion, good.appVersion);
    assert.deepEqual(parseAuthToken(utf8(serializeAuthToken(good))), parsed);
  });

  it('accepts later minor versions of format 1 and nothing else', () => {
    assert.equal(parseAuthToken(text({ ...good, format: 'web-eid:1.1' })).format, 'web-eid:1.1');
    assert.equal(parseAuthToken(text({ ...good, format: 'web-eid:1' })).format, 'web-eid:1');
    for (const format of ['web-eid:2.0', 'web-eid:10', 'web-eid:1.0 ', 'WEB-EID:1.0', 'web-eid:1.01', '']) {
      assert.throws(() => parseAuthToken(text({ ...good, format })), { code: AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED }, format);
    }
  });

  it('refuses each bad shape with its own code, checking size, shape, format, algorithm in that order', () => {
    const cases: [string | Uint8Array, string][] = [
      [text({ ...good, appVersion: 'x'.repeat(MAX_TOKEN_BYTES) }), AuthErrorCode.TOKEN_TOO_LARGE],
      [new Uint8Array(MAX_TOKEN_BYTES + 1), AuthErrorCode.TOKEN_TOO_LARGE],
      [text({ ...good, appVersion: 'é'.repeat(MAX_TOKEN_BYTES / 2) }), AuthErrorCode.TOKEN_TOO_LARGE], // fits in chars, not bytes
      ['{"format":"web-eid:1.0"', AuthErrorCode.TOKEN_MALFORMED],
      ['[]', AuthErrorCode.TOKEN_MALFORMED],
      ['null', AuthErrorCode.TOKEN_MALFORMED],
      [new Uint8Array([0x7b, 0xff, 0x7d]), AuthErrorCode.TOKEN_MALFORMED],
      [text({ ...good, signature: undefined }), AuthErrorCode.TOKEN_MALFORMED],
      [text({ ...good, algorithm: 256 }), AuthErrorCode.TOKEN_MALFORMED],
      [text({ ...good, signature: 'AAEC-w==' }), AuthErrorCode.TOKEN_MALFORMED],
      [text({ ...good, unverifiedCertificate: '' }), AuthErrorCode.TOKEN_MALFORMED],
      [text({ ...good, format: 'jwt', signature: 7 }), AuthErrorCode.TOKEN_MALFORMED],
      [text(good).replace('{', '{"algorithm":"none",'), AuthErrorCode.TOKEN_DUPLICATE_KEY],
      [text(good).replace('{', '{"\\u0061lgorithm":"ES256",'), AuthErrorCode.TOKEN_DUPLICATE_KEY],
      [text({ ...good, format: 'jwt', algorithm: 'none' }), AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED],
      [text({ ...good, algorithm: 'none' }), AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED],
      [text({ ...good, algorithm: 'es256' }), AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED],
      [text({ ...good, algorithm: 'HS256' }), AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED],
      [text({ ...good, algorithm: 'RS512' }), AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED],
    ];
    for (const [input, code] of cases) {
      assert.throws(() => parseAuthToken(input), { code }, typeof input === 'string' ? input.slice(0, 80) : `bytes ${input.length}`);
    }
  });
});
