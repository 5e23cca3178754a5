/** Issues common certificates for CSRs made by the extension, with the throwaway test CA of src/pki. */
import { verifyCsr } from '../../src/pki/csr.js';
import { fromPem } from '../../src/pki/pem.js';
import { issueLeafCertificate } from '../../src/pki/profile.js';
import { randomSerial } from '../../src/pki/serial.js';
import { createTestCa } from '../../src/pki/test-ca.js';

/** A CA that turns a CSR (PEM) into a certificate (DER) for the CSR's key, after checking proof of possession. */
export interface TestIssuer {
  readonly caDer: Uint8Array;
  issue(csrPem: string, holderName: string): Promise<Uint8Array>;
}

/** Creates the issuer (a fresh CA per test file). */
export async function createTestIssuer(): Promise<TestIssuer> {
  const ca = await createTestCa('P-256');
  return {
    caDer: ca.der,
    async issue(csrPem, holderName) {
      const csr = await verifyCsr(fromPem(csrPem, 'CERTIFICATE REQUEST'));
      const now = Date.now();
      return issueLeafCertificate({
        subjectPublicKeyInfo: csr.publicKeyInfo,
        holderName,
        serial: randomSerial(),
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + 365 * 86_400_000),
        issuerCertificate: ca.certificate,
        issuerKey: ca.key,
        urls: { ocsp: 'http://127.0.0.1:1/ocsp', crl: 'http://127.0.0.1:1/crl' },
      });
    },
  };
}
