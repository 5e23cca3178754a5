/**
 * Seeded fuzz of the batch token parser: mutated JSON texts of a well-formed token must either parse or be
 * refused with an `AuthError` carrying one of the documented step-1 codes — never another throwable.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { toBase64 } from '../../bytes.js';
import { AuthError, AuthErrorCode } from '../errors.js';
import { parseAnyAuthToken } from './any-token.js';
import { parseBatchAuthToken } from './batch-token.js';

const STEP_ONE_CODES = new Set<string>([
  AuthErrorCode.TOKEN_TOO_LARGE,
  AuthErrorCode.TOKEN_MALFORMED,
  AuthErrorCode.TOKEN_DUPLICATE_KEY,
  AuthErrorCode.TOKEN_FORMAT_UNSUPPORTED,
  AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED,
  AuthErrorCode.BATCH_LEAF_MALFORMED,
  AuthErrorCode.BATCH_PATH_INVALID,
]);

/** xorshift32: deterministic, so a failure replays. */
function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

const h32 = (fill: number): string => toBase64(new Uint8Array(32).fill(fill));
const GOOD = JSON.stringify({
  unverifiedCertificate: 'MIIB',
  algorithm: 'ES256',
  signature: toBase64(new Uint8Array(64).fill(3)),
  format: 'kyotsu-batch:1',
  appVersion: 'https://kyotsu.example/extension/0.1.0',
  leaf: { salt: h32(9), index: 13, path: [h32(1), h32(2), h32(3), h32(4)] },
});
const ALPHABET = '{}[]":,0123456789-.eE+/=\\ abcAZ\u00e9\u0000';

function mutate(text: string, random: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (out.length + 1));
    const choice = random();
    if (choice < 0.35) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 8));
    else if (choice < 0.7) out = out.slice(0, at) + ALPHABET[Math.floor(random() * ALPHABET.length)]! + out.slice(at);
    else if (choice < 0.9) out = out.slice(0, at) + ALPHABET[Math.floor(random() * ALPHABET.length)]! + out.slice(at + 1);
    else out = out.slice(0, at) + out.slice(at, at + 40).repeat(1 + Math.floor(random() * 300)) + out.slice(at + 40);
  }
  return out;
}

it('4,000 mutated batch tokens: each parses or fails with a documented step-1 code', () => {
  const random = prng(0x6b796f);
  const seen = new Map<string, number>();
  for (let i = 0; i < 4000; i++) {
    const text = mutate(GOOD, random);
    for (const parse of [parseBatchAuthToken, parseAnyAuthToken]) {
      try {
        parse(text);
        seen.set('ok', (seen.get('ok') ?? 0) + 1);
      } catch (error) {
        assert.ok(error instanceof AuthError, `iteration ${i}: ${String(error)}`);
        assert.ok(STEP_ONE_CODES.has(error.code), `iteration ${i}: ${error.code}`);
        seen.set(error.code, (seen.get(error.code) ?? 0) + 1);
      }
    }
  }
  // The mutations reach the leaf checks, not only the JSON syntax check.
  for (const code of [AuthErrorCode.TOKEN_MALFORMED, AuthErrorCode.BATCH_LEAF_MALFORMED, AuthErrorCode.BATCH_PATH_INVALID]) assert.ok((seen.get(code) ?? 0) > 0, code);
});
