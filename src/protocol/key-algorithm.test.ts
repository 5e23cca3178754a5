import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { it } from 'node:test';
import * as pkijs from 'pkijs';
import { TOKEN_ALGORITHMS } from './algorithms.js';
import { algorithmFitsKey, preferredAlgorithm, publicKeyKind } from './key-algorithm.js';

function spkiOf(publicKey: KeyObject): pkijs.PublicKeyInfo {
  return pkijs.PublicKeyInfo.fromBER(publicKey.export({ type: 'spki', format: 'der' }));
}

it('matches each algorithm to its one key type, and nothing else', () => {
  const keys = {
    'P-256': spkiOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey),
    'P-384': spkiOf(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey),
    'P-521': spkiOf(generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey),
    secp256k1: spkiOf(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey),
    'RSA-2048': spkiOf(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey),
    'RSA-1024': spkiOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey),
    Ed25519: spkiOf(generateKeyPairSync('ed25519').publicKey),
  };
  const fits: Record<keyof typeof keys, string[]> = {
    'P-256': ['ES256'],
    'P-384': ['ES384'],
    'P-521': ['ES512'],
    secp256k1: [],
    'RSA-2048': ['PS256', 'RS256'],
    'RSA-1024': [],
    Ed25519: [],
  };
  for (const [name, spki] of Object.entries(keys) as [keyof typeof keys, pkijs.PublicKeyInfo][]) {
    const kind = publicKeyKind(spki);
    assert.deepEqual(TOKEN_ALGORITHMS.filter((a) => algorithmFitsKey(a, kind)), fits[name], name);
    const preferred = preferredAlgorithm(kind);
    assert.equal(preferred, fits[name].length === 0 ? undefined : name.startsWith('RSA') ? 'RS256' : fits[name][0], name);
  }
  assert.deepEqual(publicKeyKind(keys['RSA-2048']), { kind: 'rsa', modulusBits: 2048 });
});
