/** A throwaway CA (root + OCSP signer) for tests of the PKI helpers. Not used by production code. */
import type * as pkijs from 'pkijs';
import { createCaCertificate, createOcspSignerCertificate } from './ca-certificates.js';
import { parseCertificate } from './certificate.js';
import { buildCsr, generateEcKeyPair } from './csr-builder.js';
import { verifyCsr } from './csr.js';
import { issueLeafCertificate } from './profile.js';
import { randomSerial } from './serial.js';

/** A CA with its keys and a delegated OCSP signer, all in memory. */
export interface TestCa {
  readonly certificate: pkijs.Certificate;
  readonly der: Uint8Array;
  readonly key: CryptoKey;
  readonly ocspCertificate: pkijs.Certificate;
  readonly ocspKey: CryptoKey;
  /** Issues a leaf for a fresh P-256 key with the kyotsu profile. */
  issue(holderName?: string): Promise<{ der: Uint8Array; certificate: pkijs.Certificate; serial: Uint8Array }>;
}

const DAY = 86_400_000;

/** Creates a P-384 (or P-256) test CA valid from a minute ago for ten years. */
export async function createTestCa(curve: 'P-256' | 'P-384' = 'P-384'): Promise<TestCa> {
  const now = Date.now();
  const keyPair = await generateEcKeyPair(curve);
  const der = await createCaCertificate({
    commonName: 'kyotsu Test CA',
    organization: 'kyotsu',
    keyPair,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3650 * DAY),
  });
  const certificate = parseCertificate(der);
  const ocspPair = await generateEcKeyPair(curve);
  const ocspDer = await createOcspSignerCertificate({
    caCertificate: certificate,
    caKey: keyPair.privateKey,
    publicKey: ocspPair.publicKey,
    commonName: 'kyotsu Test OCSP',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 30 * DAY),
  });
  return {
    certificate,
    der,
    key: keyPair.privateKey,
    ocspCertificate: parseCertificate(ocspDer),
    ocspKey: ocspPair.privateKey,
    async issue(holderName = 'Test Holder') {
      const csr = await verifyCsr(await buildCsr({ keyPair: await generateEcKeyPair() }));
      const serial = randomSerial();
      const leaf = await issueLeafCertificate({
        subjectPublicKeyInfo: csr.publicKeyInfo,
        holderName,
        serial,
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + 365 * DAY),
        issuerCertificate: certificate,
        issuerKey: keyPair.privateKey,
        urls: { ocsp: 'http://ca.test/ocsp', crl: 'http://ca.test/crl', caIssuers: 'http://ca.test/ca.crt' },
      });
      return { der: leaf, certificate: parseCertificate(leaf), serial };
    },
  };
}
