import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatBytes, toHex, utf8 } from '../../bytes.js';
import { ALGORITHM_PROFILES, TOKEN_ALGORITHMS } from '../algorithms.js';
import { tokenSignedData } from '../signed-data.js';
import { batchLeafHash, batchSiblingPath, batchTreeLevels } from './merkle.js';
import { batchSignedData, batchSignedDataForLeaf } from './signed-data.js';

const NONCE = 'q2dV8k0qJm3iP9tq0fXw1rNq7yZrVbW4oVQ2m9cXk1E=';
const HASH_BYTES = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 } as const;

describe('batch signed data', () => {
  it('is "kyotsu-batch:1/root" ‖ 0x00 ‖ depth ‖ root', () => {
    const root = new Uint8Array(32).fill(7);
    assert.equal(toHex(batchSignedData(4, root)), toHex(concatBytes(utf8('kyotsu-batch:1/root'), new Uint8Array([0, 4]), root)));
    assert.throws(() => batchSignedData(3, root), RangeError);
    assert.throws(() => batchSignedData(9, root), RangeError);
  });

  it('has a length no web-eid:1.0 signed data has, for every algorithm, so the two messages never coincide', async () => {
    const singleLengths = new Set<number>();
    const batchLengths = new Set<number>();
    for (const algorithm of TOKEN_ALGORITHMS) {
      const n = HASH_BYTES[ALGORITHM_PROFILES[algorithm].hash];
      singleLengths.add((await tokenSignedData(algorithm, 'https://bank.example', NONCE)).length);
      for (let depth = 4; depth <= 8; depth++) batchLengths.add(batchSignedData(depth, new Uint8Array(n)).length);
    }
    assert.deepEqual([...singleLengths].sort((a, b) => a - b), [64, 96, 128]);
    assert.deepEqual([...batchLengths].sort((a, b) => a - b), [53, 69, 85]);
    for (const length of batchLengths) assert.ok(!singleLengths.has(length));
  });

  it('is rebuilt from a service’s own origin, nonce and leaf exactly as the signer computed it, and binds the depth', async () => {
    const salt = new Uint8Array(32).fill(1);
    const mine = await batchLeafHash('SHA-256', 'https://bank-a.example', NONCE, salt);
    const leaves: Uint8Array[] = Array.from({ length: 32 }, () => crypto.getRandomValues(new Uint8Array(32)));
    leaves[9] = mine;
    const levels = await batchTreeLevels('SHA-256', leaves);
    const signed = batchSignedData(5, levels[5]![0]!);
    const path = batchSiblingPath(levels, 9);
    assert.equal(toHex(await batchSignedDataForLeaf('ES256', 'https://bank-a.example', NONCE, { salt, index: 9, path })), toHex(signed));
    // An interior node's path is one level shorter and reaches the same root, but under another depth byte.
    const fromNode = concatBytes(utf8('kyotsu-batch:1/root'), new Uint8Array([0, 4]), levels[5]![0]!);
    assert.notEqual(toHex(fromNode), toHex(signed));
  });
});
