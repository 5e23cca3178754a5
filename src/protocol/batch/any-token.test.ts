import assert from 'node:assert/strict';
import { it } from 'node:test';
import { toBase64 } from '../../bytes.js';
import { AuthErrorCode } from '../errors.js';
import { parseAnyAuthToken } from './any-token.js';

const h32 = (fill: number): string => toBase64(new Uint8Array(32).fill(fill));
const single = { unverifiedCertificate: 'MIIB', algorithm: 'ES256', signature: 'AAECAw==', format: 'web-eid:1.0', appVersion: 'x' };
const leaf = { salt: h32(9), index: 3, path: [h32(1), h32(2), h32(3), h32(4)] };

it('parseAnyAuthToken picks the parser by format, and refuses any other format', () => {
  assert.equal(parseAnyAuthToken(JSON.stringify(single)).kind, 'single');
  assert.equal(parseAnyAuthToken(JSON.stringify({ ...single, leaf })).kind, 'single'); // a leaf on a single token is an ignored unknown member
  const batch = parseAnyAuthToken(JSON.stringify({ ...single, format: 'kyotsu-batch:1', leaf }));
  assert.equal(batch.kind, 'batch');
  assert.equal(batch.kind === 'batch' ? batch.token.leaf.index : -1, 3);
  assert.throws(() => parseAnyAuthToken(JSON.stringify({ ...single, format: 'kyotsu-batch:1' })), { code: AuthErrorCode.BATCH_LEAF_MALFORMED });
  assert.throws(() => parseAnyAuthToken(JSON.stringify({ ...single, format: 'jwt', leaf })), { code: AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED });
  assert.throws(() => parseAnyAuthToken(JSON.stringify({ ...single, format: 'kyotsu-batch:1', algorithm: 'none', leaf })), { code: AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED });
  assert.throws(() => parseAnyAuthToken('{"format":"web-eid:1.0","format":"kyotsu-batch:1"}'), { code: AuthErrorCode.TOKEN_DUPLICATE_KEY });
});
