import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toBase64, utf8 } from '../../bytes.js';
import { MAX_TOKEN_BYTES } from '../auth-token.js';
import { AuthErrorCode } from '../errors.js';
import { parseBatchAuthToken, serializeBatchAuthToken } from './batch-token.js';

const h32 = (fill: number): string => toBase64(new Uint8Array(32).fill(fill));
const h48 = (fill: number): string => toBase64(new Uint8Array(48).fill(fill));
const good = {
  unverifiedCertificate: 'MIIB',
  algorithm: 'ES256',
  signature: 'AAECAw==',
  format: 'kyotsu-batch:1',
  appVersion: 'https://kyotsu.example/extension/0.1.0',
  leaf: { salt: h32(9), index: 13, path: [h32(1), h32(2), h32(3), h32(4)] },
};
const text = (value: unknown): string => JSON.stringify(value);
const withLeaf = (leaf: unknown): string => text({ ...good, leaf });

describe('parseBatchAuthToken', () => {
  it('reads a well-formed token, decoding the leaf, ignoring unknown members in the token and in the leaf', () => {
    const parsed = parseBatchAuthToken(text({ ...good, future: [1], leaf: { ...good.leaf, hint: 'x' } }));
    assert.equal(parsed.algorithm, 'ES256');
    assert.deepEqual([...parsed.certificate], [0x30, 0x82, 0x01]);
    assert.deepEqual([...parsed.leaf.salt], new Array<number>(32).fill(9));
    assert.equal(parsed.leaf.index, 13);
    assert.deepEqual(parsed.leaf.path.map((hash) => hash[0]), [1, 2, 3, 4]);
    assert.deepEqual(parseBatchAuthToken(utf8(serializeBatchAuthToken(good))), parsed);
  });

  it('accepts minor versions of kyotsu-batch:1 and no other format, web-eid:1.0 included', () => {
    assert.equal(parseBatchAuthToken(text({ ...good, format: 'kyotsu-batch:1.3' })).format, 'kyotsu-batch:1.3');
    for (const format of ['web-eid:1.0', 'kyotsu-batch:2', 'kyotsu-batch:1.01', 'KYOTSU-BATCH:1', 'kyotsu-batch', '']) {
      assert.throws(() => parseBatchAuthToken(text({ ...good, format })), { code: AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED }, format);
    }
  });

  it('ties hash lengths to the algorithm: 48-byte path entries for ES384, and 32-byte ones are refused there', () => {
    const es384 = { ...good, algorithm: 'ES384', leaf: { ...good.leaf, path: [h48(1), h48(2), h48(3), h48(4)] } };
    assert.equal(parseBatchAuthToken(text(es384)).leaf.path[0]!.length, 48);
    assert.throws(() => parseBatchAuthToken(text({ ...good, algorithm: 'ES384' })), { code: AuthErrorCode.BATCH_PATH_INVALID });
  });

  it('refuses each bad shape with its own code: size, shape, duplicate names, format, algorithm, leaf — in that order', () => {
    const cases: [string | Uint8Array, string][] = [
      [text({ ...good, appVersion: 'x'.repeat(MAX_TOKEN_BYTES) }), AuthErrorCode.TOKEN_TOO_LARGE],
      [withLeaf({ ...good.leaf, path: Array.from({ length: 300 }, () => h32(1)) }), AuthErrorCode.TOKEN_TOO_LARGE],
      ['{"format":"kyotsu-batch:1"', AuthErrorCode.TOKEN_MALFORMED],
      [text({ ...good, signature: undefined }), AuthErrorCode.TOKEN_MALFORMED],
      [text({ ...good, signature: 'AAEC-w==' }), AuthErrorCode.TOKEN_MALFORMED],
      [text(good).replace('{', '{"format":"web-eid:1.0",'), AuthErrorCode.TOKEN_DUPLICATE_KEY],
      [text(good).replace('"salt"', '"index":0,"salt"'), AuthErrorCode.TOKEN_DUPLICATE_KEY],
      [text({ ...good, format: 'web-eid:1.0', leaf: null }), AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED],
      [text({ ...good, algorithm: 'none', leaf: null }), AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED],
      [text({ ...good, leaf: undefined }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf([good.leaf]), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf('leaf'), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf({ ...good.leaf, salt: undefined }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf({ ...good.leaf, salt: toBase64(new Uint8Array(31)) }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf({ ...good.leaf, salt: toBase64(new Uint8Array(33)) }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf({ ...good.leaf, salt: h32(9).replace('C', '-') }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf({ ...good.leaf, index: undefined }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf({ ...good.leaf, index: '13' }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf({ ...good.leaf, index: -1 }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf({ ...good.leaf, index: 1.5 }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf({ ...good.leaf, index: 16 }), AuthErrorCode.BATCH_LEAF_MALFORMED], // 2^4 leaves: 0..15
      [withLeaf({ ...good.leaf, index: 2 ** 60 }), AuthErrorCode.BATCH_LEAF_MALFORMED],
      [withLeaf({ ...good.leaf, path: undefined }), AuthErrorCode.BATCH_PATH_INVALID],
      [withLeaf({ ...good.leaf, path: h32(1) }), AuthErrorCode.BATCH_PATH_INVALID],
      [withLeaf({ ...good.leaf, index: 0, path: [h32(1), h32(2), h32(3)] }), AuthErrorCode.BATCH_PATH_INVALID], // depth 3 < 4
      [withLeaf({ ...good.leaf, path: Array.from({ length: 9 }, () => h32(1)) }), AuthErrorCode.BATCH_PATH_INVALID], // depth 9 > 8
      [withLeaf({ ...good.leaf, path: [h32(1), h32(2), h32(3), toBase64(new Uint8Array(31))] }), AuthErrorCode.BATCH_PATH_INVALID],
      [withLeaf({ ...good.leaf, path: [h32(1), h32(2), h32(3), 4] }), AuthErrorCode.BATCH_PATH_INVALID],
      [withLeaf({ ...good.leaf, path: [h32(1), h32(2), h32(3), 'not base64'] }), AuthErrorCode.BATCH_PATH_INVALID],
    ];
    for (const [input, code] of cases) {
      assert.throws(() => parseBatchAuthToken(input), { code }, typeof input === 'string' ? input.slice(-120) : `bytes ${input.length}`);
    }
  });
});
