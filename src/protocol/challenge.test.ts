import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fromBase64 } from '../bytes.js';
import { assertChallengeNonce, generateChallengeNonce, isChallengeNonce } from './challenge.js';
import { AuthErrorCode } from './errors.js';

it('issues 44-character base64 nonces of 32 bytes that never repeat', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const nonce = generateChallengeNonce();
    assert.equal(nonce.length, 44);
    assert.equal(fromBase64(nonce).length, 32);
    assert.ok(isChallengeNonce(nonce));
    seen.add(nonce);
  }
  assert.equal(seen.size, 1000);
});

it('refuses nonces of the wrong length, alphabet, padding or with non-canonical spare bits', () => {
  const good = generateChallengeNonce();
  const bad: unknown[] = [
    '',
    good.slice(0, 43),
    `${good}A`,
    good.replace(/^./, '-'), // base64url character
    `${good.slice(0, 42)}==`, // 31 bytes
    `${good.slice(0, 42)}B=`, // spare bits set: decodes, but is not the canonical text
    'A'.repeat(44), // no padding: 33 bytes
    42,
    null,
  ];
  for (const value of bad) {
    assert.equal(isChallengeNonce(value), false, String(value));
    assert.throws(() => assertChallengeNonce(value), { code: AuthErrorCode.CHALLENGE_MALFORMED });
  }
  assert.equal(assertChallengeNonce(good), good);
});
