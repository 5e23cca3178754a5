/**
 * Builds PKCS#10 requests (RFC 2986) for keys held in WebCrypto: software keys for tests, the demo and
 * benchmarks. A smart-card key signs through its own path; the CA treats both the same.
 */
import * as pkijs from 'pkijs';
import { toDer } from './der.js';
import { buildName } from './name.js';
import { OID_COMMON_NAME } from './oids.js';

/** Signs a certification request for `keyPair` (ECDSA or RSASSA-PKCS1-v1_5) and returns its DER. */
export async function buildCsr(input: {
  readonly keyPair: CryptoKeyPair;
  /** Subject CN to put in the request (the CA ignores it and names the holder itself). */
  readonly commonName?: string;
  /** Hash for the self-signature; SHA-256 unless given. */
  readonly hash?: 'SHA-256' | 'SHA-384' | 'SHA-512';
}): Promise<Uint8Array> {
  const request = new pkijs.CertificationRequest();
  request.version = 0; // RFC 2986 §4.1
  request.subject = buildName(input.commonName === undefined ? [] : [{ type: OID_COMMON_NAME, value: input.commonName }]);
  await request.subjectPublicKeyInfo.importKey(input.keyPair.publicKey);
  await request.sign(input.keyPair.privateKey, input.hash ?? 'SHA-256');
  return toDer(request.toSchema());
}

/** A fresh extractable-public ECDSA key pair on `curve` (P-256 unless given). */
export function generateEcKeyPair(curve: 'P-256' | 'P-384' | 'P-521' = 'P-256'): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify']);
}

/** A fresh RSASSA-PKCS1-v1_5 key pair with a modulus of `bits` (2048 unless given). */
export function generateRsaKeyPair(bits = 2048): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
}
