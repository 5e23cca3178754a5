import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { toHex } from '../bytes.js';
import { buildCsr, generateEcKeyPair } from './csr-builder.js';
import { verifyCsr } from './csr.js';
import { PkiError } from './errors.js';
import { commonNameOf } from './name.js';
import {
  OID_AUTHORITY_INFO_ACCESS,
  OID_AUTHORITY_KEY_IDENTIFIER,
  OID_CRL_DISTRIBUTION_POINTS,
  OID_EXT_KEY_USAGE,
  OID_KEY_USAGE,
  OID_KP_CLIENT_AUTH,
  OID_KP_OCSP_SIGNING,
  OID_OCSP_NOCHECK,
  OID_SUBJECT_KEY_IDENTIFIER,
} from './oids.js';
import { issueLeafCertificate, subjectKeyIdOf } from './profile.js';
import { randomSerial } from './serial.js';
import { createTestCa } from './test-ca.js';

function extension(certificate: pkijs.Certificate, oid: string): pkijs.Extension {
  const found = certificate.extensions?.find((entry) => entry.extnID === oid);
  assert.ok(found, `extension ${oid} present`);
  return found;
}

describe('certificate profile', () => {
  it('issues a v3 leaf with CN only, critical digitalSignature, clientAuth, SKI/AKI, AIA and CRL DP', async () => {
    const ca = await createTestCa();
    const { certificate, serial } = await ca.issue('Hanako Yamada');
    assert.equal(certificate.version, 2);
    assert.equal(toHex(certificate.serialNumber.valueBlock.valueHexView), toHex(serial));
    assert.equal(commonNameOf(certificate.subject), 'Hanako Yamada');
    assert.equal(certificate.subject.typesAndValues.length, 1, 'subject holds the name only');
    assert.ok(await certificate.verify(ca.certificate), 'signed by the CA');

    const keyUsage = extension(certificate, OID_KEY_USAGE);
    assert.equal(keyUsage.critical, true);
    assert.deepEqual([...keyUsage.extnValue.valueBlock.valueHexView], [0x03, 0x02, 0x07, 0x80], 'digitalSignature only, DER');
    const eku = extension(certificate, OID_EXT_KEY_USAGE).parsedValue as pkijs.ExtKeyUsage;
    assert.deepEqual(eku.keyPurposes, [OID_KP_CLIENT_AUTH]);
    const aki = extension(certificate, OID_AUTHORITY_KEY_IDENTIFIER).parsedValue as pkijs.AuthorityKeyIdentifier;
    assert.equal(toHex(aki.keyIdentifier!.valueBlock.valueHexView), toHex(await subjectKeyIdOf(ca.certificate)));
    extension(certificate, OID_SUBJECT_KEY_IDENTIFIER);
    const aia = extension(certificate, OID_AUTHORITY_INFO_ACCESS).parsedValue as pkijs.InfoAccess;
    assert.deepEqual(
      aia.accessDescriptions.map((entry) => [entry.accessMethod, entry.accessLocation.value as string]),
      [
        ['1.3.6.1.5.5.7.48.1', 'http://ca.test/ocsp'],
        ['1.3.6.1.5.5.7.48.2', 'http://ca.test/ca.crt'],
      ],
    );
    const crlDp = extension(certificate, OID_CRL_DISTRIBUTION_POINTS).parsedValue as pkijs.CRLDistributionPoints;
    const names = crlDp.distributionPoints[0]!.distributionPoint as pkijs.GeneralName[];
    assert.equal(names[0]!.value, 'http://ca.test/crl');
    assert.ok(certificate.notBefore.value < new Date() && certificate.notAfter.value > new Date());
  });

  it('puts the holder name in as UTF8String, including non-ASCII names', async () => {
    const ca = await createTestCa('P-256');
    const { certificate } = await ca.issue('山田 花子');
    assert.equal(commonNameOf(certificate.subject), '山田 花子');
    assert.ok(certificate.subject.typesAndValues[0]!.value instanceof asn1js.Utf8String);
  });

  it('refuses empty or over-long holder names and inverted validity', async () => {
    const ca = await createTestCa('P-256');
    const csr = await verifyCsr(await buildCsr({ keyPair: await generateEcKeyPair() }));
    const base = {
      subjectPublicKeyInfo: csr.publicKeyInfo,
      serial: randomSerial(),
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 1000_000),
      issuerCertificate: ca.certificate,
      issuerKey: ca.key,
      urls: { ocsp: 'http://x/ocsp', crl: 'http://x/crl' },
    };
    await assert.rejects(issueLeafCertificate({ ...base, holderName: '' }), PkiError);
    await assert.rejects(issueLeafCertificate({ ...base, holderName: 'x'.repeat(65) }), PkiError);
    await assert.rejects(issueLeafCertificate({ ...base, holderName: 'ok', notAfter: base.notBefore }), PkiError);
  });

  it('makes the OCSP signer a delegated responder: OCSPSigning EKU and ocsp-nocheck, issued by the CA', async () => {
    const ca = await createTestCa();
    const signer = ca.ocspCertificate;
    assert.ok(await signer.verify(ca.certificate));
    const eku = extension(signer, OID_EXT_KEY_USAGE).parsedValue as pkijs.ExtKeyUsage;
    assert.deepEqual(eku.keyPurposes, [OID_KP_OCSP_SIGNING]);
    extension(signer, OID_OCSP_NOCHECK);
  });
});
