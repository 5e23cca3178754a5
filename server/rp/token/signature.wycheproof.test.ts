/**
 * Project Wycheproof vectors (../shared/conformance/wycheproof, beside the repository) through the
 * library's own token signature check, `verifyTokenSignature`, including DER → raw conversion for the
 * DER-encoded ECDSA files. "valid" must verify, "invalid" must not (a DER signature that strict parsing
 * refuses, or a signature of the wrong length, counts as not verifying); "acceptable" may go either way.
 */
import assert from 'node:assert/strict';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../../../src/bytes.js';
import { derToRawEcdsa } from '../../../src/crypto/ecdsa-signature.js';
import { KyotsuError } from '../../../src/errors.js';
import { type TokenAlgorithm } from '../../../src/protocol/algorithms.js';
import { verifyTokenSignature } from './signature.js';

// server/rp/token → repository root is three levels up; shared/ is beside the repository.
const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'conformance', 'wycheproof');

interface Vector {
  readonly tcId: number;
  readonly comment: string;
  readonly msg: string;
  readonly sig: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
  readonly flags: readonly string[];
}
interface VectorFile {
  readonly numberOfTests: number;
  readonly testGroups: readonly { readonly publicKeyDer: string; readonly tests: readonly Vector[] }[];
}

const FILES: readonly { file: string; algorithm: TokenAlgorithm; der?: number }[] = [
  { file: 'ecdsa_secp256r1_sha256_test.json', algorithm: 'ES256', der: 32 },
  { file: 'ecdsa_secp256r1_sha256_p1363_test.json', algorithm: 'ES256' },
  { file: 'ecdsa_secp384r1_sha384_test.json', algorithm: 'ES384', der: 48 },
  { file: 'ecdsa_secp384r1_sha384_p1363_test.json', algorithm: 'ES384' },
  { file: 'rsa_signature_2048_sha256_test.json', algorithm: 'RS256' },
  { file: 'rsa_pss_2048_sha256_mgf1_32_test.json', algorithm: 'PS256' },
];

/** The library's answer for one vector: true = verifies; a typed refusal = does not. */
function libraryVerifies(algorithm: TokenAlgorithm, key: KeyObject, vector: Vector, derCoordinate: number | undefined): boolean {
  try {
    const signature = derCoordinate === undefined ? fromHex(vector.sig) : derToRawEcdsa(fromHex(vector.sig), derCoordinate);
    return verifyTokenSignature(algorithm, key, fromHex(vector.msg), signature);
  } catch (error) {
    if (error instanceof KyotsuError) return false; // SIGNATURE_MALFORMED / TOKEN_SIGNATURE_MALFORMED
    throw error;
  }
}

describe('Wycheproof through verifyTokenSignature', () => {
  for (const { file, algorithm, der } of FILES) {
    it(`${file}: every valid vector verifies, every invalid one fails`, () => {
      const data = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as VectorFile;
      const wrong: string[] = [];
      const counts = { valid: 0, invalid: 0, acceptable: 0 };
      for (const group of data.testGroups) {
        const key = createPublicKey({ key: Buffer.from(group.publicKeyDer, 'hex'), format: 'der', type: 'spki' });
        for (const vector of group.tests) {
          counts[vector.result]++;
          const verified = libraryVerifies(algorithm, key, vector, der);
          if (vector.result === 'valid' && !verified) wrong.push(`tcId ${vector.tcId} (valid, ${vector.comment}) did not verify`);
          if (vector.result === 'invalid' && verified) wrong.push(`tcId ${vector.tcId} (invalid, ${vector.comment}) verified`);
        }
      }
      assert.equal(counts.valid + counts.invalid + counts.acceptable, data.numberOfTests, 'every vector was run');
      assert.ok(counts.valid > 0 && counts.invalid > 0);
      assert.deepEqual(wrong, []);
    });
  }
});
