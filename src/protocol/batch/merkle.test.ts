import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { concatBytes, toHex, utf8 } from '../../bytes.js';
import { AuthErrorCode } from '../errors.js';
import { batchLeafHash, batchLeafInput, batchNodeHash, batchRootFromPath, batchSiblingPath, batchTreeLevels } from './merkle.js';

const NONCE = 'q2dV8k0qJm3iP9tq0fXw1rNq7yZrVbW4oVQ2m9cXk1E=';
const SALT = new Uint8Array(32).fill(0xa5);

function randomLeaves(count: number): Uint8Array[] {
  return Array.from({ length: count }, () => crypto.getRandomValues(new Uint8Array(32)));
}

describe('batch leaf encoding', () => {
  it('is 0x00 ‖ label ‖ 0x00 ‖ u16 ‖ origin ‖ u16 ‖ nonce ‖ salt, byte for byte, and H of it', async () => {
    const origin = 'https://bank-a.example';
    const input = batchLeafInput(origin, NONCE, SALT);
    const expected = concatBytes(
      new Uint8Array([0x00]),
      utf8('kyotsu-batch:1/leaf'),
      new Uint8Array([0x00, 0x00, origin.length]),
      utf8(origin),
      new Uint8Array([0x00, 44]),
      utf8(NONCE),
      SALT,
    );
    assert.equal(toHex(input), toHex(expected));
    assert.equal(toHex(await batchLeafHash('SHA-256', origin, NONCE, SALT)), createHash('sha256').update(expected).digest('hex'));
    assert.equal(toHex(await batchLeafHash('SHA-384', origin, NONCE, SALT)), createHash('sha384').update(expected).digest('hex'));
  });

  it('differs for every change of origin, nonce or salt (including a shift of bytes between origin and port)', async () => {
    const base = await batchLeafHash('SHA-256', 'https://a.example:8443', NONCE, SALT);
    const others = [
      await batchLeafHash('SHA-256', 'https://a.example:844', NONCE, SALT),
      await batchLeafHash('SHA-256', 'https://a.example', NONCE, SALT),
      await batchLeafHash('SHA-256', 'https://a.example:8443', `${NONCE.slice(0, 42)}A=`, SALT),
      await batchLeafHash('SHA-256', 'https://a.example:8443', NONCE, new Uint8Array(32).fill(0xa4)),
    ];
    for (const other of others) assert.notEqual(toHex(other), toHex(base));
  });

  it('refuses what it cannot encode with typed errors', () => {
    assert.throws(() => batchLeafInput('https://a.example/', NONCE, SALT), { code: AuthErrorCode.ORIGIN_MALFORMED });
    assert.throws(() => batchLeafInput('https://a.example', 'short', SALT), { code: AuthErrorCode.CHALLENGE_MALFORMED });
    assert.throws(() => batchLeafInput('https://a.example', NONCE, new Uint8Array(31)), { code: AuthErrorCode.BATCH_LEAF_MALFORMED });
  });
});

describe('batch Merkle tree', () => {
  it('node = H(0x01 ‖ left ‖ right) (RFC 6962 §2.1)', async () => {
    const [l, r] = randomLeaves(2) as [Uint8Array, Uint8Array];
    assert.equal(toHex(await batchNodeHash('SHA-256', l, r)), createHash('sha256').update(concatBytes(new Uint8Array([1]), l, r)).digest('hex'));
  });

  it('every leaf of a 16-leaf tree climbs its sibling path to the root, and only with its own index', async () => {
    const leaves = randomLeaves(16);
    const levels = await batchTreeLevels('SHA-256', leaves);
    assert.deepEqual(levels.map((level) => level.length), [16, 8, 4, 2, 1]);
    const root = toHex(levels[4]![0]!);
    for (let index = 0; index < 16; index++) {
      const path = batchSiblingPath(levels, index);
      assert.equal(path.length, 4);
      assert.equal(toHex(await batchRootFromPath('SHA-256', leaves[index]!, index, path)), root, `index ${index}`);
      assert.notEqual(toHex(await batchRootFromPath('SHA-256', leaves[index]!, index ^ 1, path)), root, `index ${index} claimed as ${index ^ 1}`);
    }
  });

  it('any flipped bit, swapped or dropped sibling gives another root', async () => {
    const leaves = randomLeaves(16);
    const levels = await batchTreeLevels('SHA-256', leaves);
    const root = toHex(levels[4]![0]!);
    const path = batchSiblingPath(levels, 5);
    for (let level = 0; level < path.length; level++) {
      for (const bit of [0, 7, 255]) {
        const tampered = path.map((hash) => hash.slice());
        tampered[level]![bit >> 3]! ^= 1 << (bit & 7);
        assert.notEqual(toHex(await batchRootFromPath('SHA-256', leaves[5]!, 5, tampered)), root);
      }
    }
    assert.notEqual(toHex(await batchRootFromPath('SHA-256', leaves[5]!, 5, [path[1]!, path[0]!, path[2]!, path[3]!])), root);
    assert.notEqual(toHex(await batchRootFromPath('SHA-256', leaves[5]!, 5, path.slice(0, 3))), root);
  });

  it('only builds perfect trees', async () => {
    await assert.rejects(batchTreeLevels('SHA-256', randomLeaves(3)), RangeError);
    await assert.rejects(batchTreeLevels('SHA-256', []), RangeError);
  });
});
