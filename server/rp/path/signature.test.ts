import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign, constants as cryptoConstants, type KeyObject } from 'node:crypto';
import { PathCode } from './codes.js';
import { type AlgorithmId, type SignedObject, parseCertificate } from './certificate.js';
import { PathFailure } from './failure.js';
import { verifySignature } from './signature.js';
import { issue, makeKey } from './test-builder.js';
import { utf8 } from '../../../src/bytes.js';

const NULL = new Uint8Array([0x05, 0x00]);
const TBS = utf8('to be signed: a TBSCertificate stand-in');

function spkiOf(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ format: 'der', type: 'spki' }));
}

/** A SubjectPublicKeyInfo's AlgorithmIdentifier, as parseCertificate would report it. */
function keyAlgorithm(oid: string, parameters?: Uint8Array): AlgorithmId {
  return { oid, parameters };
}

function signed(signatureAlgorithm: AlgorithmId, signature: Uint8Array, tbs: Uint8Array = TBS): SignedObject {
  return { tbs, signatureAlgorithm, signature, signatureOctetAligned: true };
}

const RSA_KEY = keyAlgorithm('1.2.840.113549.1.1.1', NULL);
const P256_KEY = keyAlgorithm('1.2.840.10045.2.1', new Uint8Array([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]));

describe('verifySignature', () => {
  it('verifies certificates signed with ECDSA P-256/P-384/P-521 and RSA PKCS #1 and RSA-PSS (WebCrypto)', async () => {
    for (const kind of ['P-256', 'P-384', 'P-521', 'RSA', 'RSA-PSS'] as const) {
      const root = await issue({ subject: `${kind} root`, key: await makeKey(kind, 0), ca: true });
      const parsed = parseCertificate(root.der);
      assert.equal(await verifySignature(parsed, parsed.spki, parsed.keyAlgorithm), true, kind);
      const tampered = { ...parsed, tbs: Uint8Array.from(parsed.tbs, (b, i) => (i === 40 ? b ^ 1 : b)) };
      assert.equal(await verifySignature(tampered, parsed.spki, parsed.keyAlgorithm), false, `${kind} tampered`);
    }
  });

  it('verifies RSA PKCS #1 v1.5 with SHA-1, SHA-224 (node:crypto) and SHA-512', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cases: [string, string][] = [['sha1', '1.2.840.113549.1.1.5'], ['sha224', '1.2.840.113549.1.1.14'], ['sha512', '1.2.840.113549.1.1.13']];
    for (const [hash, oid] of cases) {
      const signature = new Uint8Array(sign(hash, TBS, privateKey));
      assert.equal(await verifySignature(signed({ oid, parameters: NULL }, signature), spkiOf(publicKey), RSA_KEY), true, hash);
      assert.equal(await verifySignature(signed({ oid, parameters: NULL }, signature, utf8('other')), spkiOf(publicKey), RSA_KEY), false, hash);
    }
  });

  it('verifies RSA-PSS under an id-RSASSA-PSS key (node:crypto, WebCrypto cannot import one)', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa-pss', { modulusLength: 2048, hashAlgorithm: 'sha256', mgf1HashAlgorithm: 'sha256' });
    const signature = new Uint8Array(sign('sha256', TBS, { key: privateKey, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
    // RSASSA-PSS-params: SHA-256, MGF1(SHA-256), saltLength 32 (RFC 4055 §3.1).
    const sha256 = [0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00];
    const mgf1 = [0x30, 0x1a, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08, ...sha256];
    const body = [0xa0, sha256.length, ...sha256, 0xa1, mgf1.length, ...mgf1, 0xa2, 0x03, 0x02, 0x01, 0x20];
    const parameters = new Uint8Array([0x30, body.length, ...body]);
    const pssKey = keyAlgorithm('1.2.840.113549.1.1.10');
    const algorithm = { oid: '1.2.840.113549.1.1.10', parameters };
    assert.equal(await verifySignature(signed(algorithm, signature), spkiOf(publicKey), pssKey), true);
    assert.equal(await verifySignature(signed(algorithm, signature, utf8('other')), spkiOf(publicKey), pssKey), false);
  });

  it('verifies ECDSA with SHA-224 through node:crypto', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signature = new Uint8Array(sign('sha224', TBS, privateKey));
    assert.equal(await verifySignature(signed({ oid: '1.2.840.10045.4.3.1', parameters: undefined }, signature), spkiOf(publicKey), P256_KEY), true);
  });

  it('treats a malformed ECDSA signature, unused signature bits or an algorithm that does not fit the key as invalid', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const good = new Uint8Array(sign('sha256', TBS, privateKey));
    const ecdsa = { oid: '1.2.840.10045.4.3.2', parameters: undefined };
    assert.equal(await verifySignature(signed(ecdsa, good), spkiOf(publicKey), P256_KEY), true);
    assert.equal(await verifySignature(signed(ecdsa, good.subarray(0, good.length - 1)), spkiOf(publicKey), P256_KEY), false);
    assert.equal(await verifySignature({ ...signed(ecdsa, good), signatureOctetAligned: false }, spkiOf(publicKey), P256_KEY), false);
    assert.equal(await verifySignature(signed({ oid: '1.2.840.113549.1.1.11', parameters: NULL }, good), spkiOf(publicKey), P256_KEY), false);
  });

  it('refuses DSA, MD5 and ecdsa-with-SHA1 as UNSUPPORTED_ALGORITHM', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const oid of ['1.2.840.10040.4.3', '2.16.840.1.101.3.4.3.2', '1.2.840.113549.1.1.4', '1.2.840.10045.4.1']) {
      await assert.rejects(
        verifySignature(signed({ oid, parameters: undefined }, new Uint8Array(64)), spkiOf(publicKey), P256_KEY),
        (error: unknown) => error instanceof PathFailure && error.code === PathCode.UNSUPPORTED_ALGORITHM,
        oid,
      );
    }
  });
});
