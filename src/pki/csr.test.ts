import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { buildCsr, generateEcKeyPair, generateRsaKeyPair } from './csr-builder.js';
import { verifyCsr } from './csr.js';
import { toArrayBuffer, toDer } from './der.js';
import { PkiError, PkiErrorCode } from './errors.js';

function hasCode(code: string) {
  return (error: unknown): boolean => error instanceof PkiError && error.code === code;
}

describe('certificate requests', () => {
  it('accept ECDSA P-256 (default), P-384 and RSA-2048 with a valid proof of possession', async () => {
    const p256 = await verifyCsr(await buildCsr({ keyPair: await generateEcKeyPair('P-256') }));
    assert.deepEqual(p256.keyAlgorithm, { kind: 'EC', curve: 'P-256' });
    const p384 = await verifyCsr(await buildCsr({ keyPair: await generateEcKeyPair('P-384'), hash: 'SHA-384' }));
    assert.deepEqual(p384.keyAlgorithm, { kind: 'EC', curve: 'P-384' });
    const rsa = await verifyCsr(await buildCsr({ keyPair: await generateRsaKeyPair(2048) }));
    assert.deepEqual(rsa.keyAlgorithm, { kind: 'RSA', modulusBits: 2048 });
  });

  it('refuse keys outside the profile with CSR_KEY_UNSUPPORTED', async () => {
    await assert.rejects(verifyCsr(await buildCsr({ keyPair: await generateEcKeyPair('P-521') })), hasCode(PkiErrorCode.CSR_KEY_UNSUPPORTED));
    await assert.rejects(verifyCsr(await buildCsr({ keyPair: await generateRsaKeyPair(1024) })), hasCode(PkiErrorCode.CSR_KEY_UNSUPPORTED));
  });

  it('refuse a request whose signature does not verify (broken proof of possession)', async () => {
    const der = await buildCsr({ keyPair: await generateEcKeyPair() });
    const request = new pkijs.CertificationRequest({ schema: asn1js.fromBER(der).result });
    // Swap in the key of another pair: the signature no longer matches the enclosed key.
    await request.subjectPublicKeyInfo.importKey((await generateEcKeyPair()).publicKey);
    const swapped = toDer(request.toSchema(true));
    await assert.rejects(verifyCsr(swapped), hasCode(PkiErrorCode.CSR_SIGNATURE_INVALID));
    // Flip one bit inside the signature's r value.
    const tampered = der.slice();
    tampered[tampered.length - 10]! ^= 0x01;
    await assert.rejects(verifyCsr(tampered), hasCode(PkiErrorCode.CSR_SIGNATURE_INVALID));
  });

  it('refuse a SHA-1 signed request with CSR_SIGNATURE_UNSUPPORTED', async () => {
    const keyPair = await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-1' },
      true,
      ['sign', 'verify'],
    );
    const request = new pkijs.CertificationRequest();
    await request.subjectPublicKeyInfo.importKey(keyPair.publicKey);
    await request.sign(keyPair.privateKey, 'SHA-1');
    const der = toDer(request.toSchema());
    assert.equal(request.signatureAlgorithm.algorithmId, '1.2.840.113549.1.1.5', 'sha1WithRSAEncryption');
    await assert.rejects(verifyCsr(der), hasCode(PkiErrorCode.CSR_SIGNATURE_UNSUPPORTED));
  });

  it('refuse garbage, truncation, trailing bytes and other structures with CSR_MALFORMED', async () => {
    const der = await buildCsr({ keyPair: await generateEcKeyPair() });
    const samples = [
      new Uint8Array(0),
      new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]),
      der.subarray(0, der.length - 5),
      new Uint8Array([...der, 0x00]),
      new TextEncoder().encode('-----BEGIN CERTIFICATE REQUEST-----'),
      new Uint8Array(new asn1js.OctetString({ valueHex: toArrayBuffer(der) }).toBER(false)),
    ];
    for (const sample of samples) await assert.rejects(verifyCsr(sample), hasCode(PkiErrorCode.CSR_MALFORMED));
  });

  it('turn seeded random corruptions into typed errors only', async () => {
    const der = await buildCsr({ keyPair: await generateEcKeyPair() });
    let seed = 0x2545f491;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    for (let i = 0; i < 300; i++) {
      const copy = der.slice();
      const flips = 1 + Math.floor(next() * 4);
      for (let j = 0; j < flips; j++) copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256);
      try {
        await verifyCsr(copy);
      } catch (error) {
        assert.ok(error instanceof PkiError, `iteration ${i}: ${String(error)}`);
      }
    }
  });
});
