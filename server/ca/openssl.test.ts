/**
 * OpenSSL, a client we did not write, against the running CA: certificate + CRL verification, CRL
 * signature, and the OCSP responder over POST (and a GET response checked with -respin).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64, toBase64 } from '../../src/bytes.js';
import { parseCertificate } from '../../src/pki/certificate.js';
import { buildOcspRequest } from '../../src/pki/ocsp-client.js';
import { toPem } from '../../src/pki/pem.js';
import { issueVia, startTestCa, type TestCa } from './testing/fixture.js';

interface Run {
  code: number;
  output: string;
}

function openssl(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(new Error(`could not run openssl (is it installed?): ${error.message}`, { cause: error }));
        return;
      }
      resolve({ code: typeof error?.code === 'number' ? error.code : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

describe('OpenSSL as a client of the CA', () => {
  let test: TestCa;
  let dir: string;
  let serial: string;
  const file = (name: string): string => join(dir, name);

  async function fetchCrl(): Promise<void> {
    const response = await fetch(`${test.ca.url}/crl`);
    assert.equal(response.headers.get('content-type'), 'application/pkix-crl');
    const der = new Uint8Array(await response.arrayBuffer());
    await writeFile(file('crl.der'), der);
    await writeFile(file('crl.pem'), toPem(der, 'X509 CRL'));
  }

  const ocsp = (): Promise<Run> =>
    openssl(['ocsp', '-issuer', file('ca.pem'), '-cert', file('cert.pem'), '-url', `${test.ca.url}/ocsp`, '-CAfile', file('ca.pem'), '-resp_text']);

  before(async () => {
    test = await startTestCa('sqlite', { webhooks: false });
    dir = await mkdtemp(join(tmpdir(), 'kyotsu-openssl-'));
    const issued = await issueVia(test, 'bank-a');
    serial = issued.serial;
    await writeFile(file('ca.pem'), toPem(test.ca.caCertificate, 'CERTIFICATE'));
    await writeFile(file('cert.pem'), toPem(fromBase64(issued.certificate), 'CERTIFICATE'));
  });
  after(async () => {
    await test.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('openssl verify -crl_check accepts a fresh certificate; openssl crl -verify accepts the CRL', async () => {
    await fetchCrl();
    const verify = await openssl(['verify', '-crl_check', '-CAfile', file('ca.pem'), '-CRLfile', file('crl.pem'), file('cert.pem')]);
    assert.equal(verify.code, 0, verify.output);
    assert.match(verify.output, /cert\.pem: OK/);
    const crl = await openssl(['crl', '-verify', '-CAfile', file('ca.pem'), '-in', file('crl.der'), '-inform', 'DER', '-noout', '-text']);
    assert.equal(crl.code, 0, crl.output);
    assert.match(crl.output, /verify OK/);
    assert.match(crl.output, /X509v3 CRL Number:\s*\n\s*\d+/);
    assert.match(crl.output, /Next Update: /);
    assert.match(crl.output, /No Revoked Certificates/);
  });

  it('openssl ocsp reports good, verifies the delegated responder, and gets its nonce back', async () => {
    const run = await ocsp();
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /Response verify OK/);
    assert.match(run.output, /cert\.pem: good/);
    assert.match(run.output, /OCSP Nonce/);
    assert.doesNotMatch(run.output, /WARNING: no nonce|nonce verify error/i);
  });

  it('after invalidate: openssl verify rejects the certificate, the CRL still verifies, and OCSP says revoked', async () => {
    const invalidated = await test.api('bank-a', 'POST', `/api/v1/certificates/${serial}/invalidate`, { reason: 'keyCompromise' });
    assert.equal(invalidated.status, 200);
    await fetchCrl();
    const verify = await openssl(['verify', '-crl_check', '-CAfile', file('ca.pem'), '-CRLfile', file('crl.pem'), file('cert.pem')]);
    assert.notEqual(verify.code, 0, verify.output);
    assert.match(verify.output, /certificate revoked/);
    const crl = await openssl(['crl', '-verify', '-CAfile', file('ca.pem'), '-in', file('crl.der'), '-inform', 'DER', '-noout', '-text']);
    assert.match(crl.output, /verify OK/);
    assert.match(crl.output, new RegExp(`Serial Number: ${serial.toUpperCase()}`));
    assert.match(crl.output, /Key Compromise/);
    const run = await ocsp();
    assert.match(run.output, /Response verify OK/);
    assert.match(run.output, /cert\.pem: revoked/);
    assert.match(run.output, /Reason: keyCompromise/);
  });

  it('answers GET /ocsp/{base64} with a response openssl verifies', async () => {
    const { certificate } = await issueVia(test, 'bank-b');
    await writeFile(file('other.pem'), toPem(fromBase64(certificate), 'CERTIFICATE'));
    const other = await buildOcspRequest({ certificate: parseCertificate(fromBase64(certificate)), issuer: parseCertificate(test.ca.caCertificate) });
    const response = await fetch(`${test.ca.url}/ocsp/${encodeURIComponent(toBase64(other))}`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/ocsp-response');
    await writeFile(file('resp.der'), new Uint8Array(await response.arrayBuffer()));
    const run = await openssl(['ocsp', '-respin', file('resp.der'), '-issuer', file('ca.pem'), '-cert', file('other.pem'), '-CAfile', file('ca.pem'), '-no_nonce']);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /Response verify OK/);
    assert.match(run.output, /other\.pem: good/);
  });
});
