import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import { toHex } from '../bytes.js';
import { buildCrl, parseCrl } from './crl.js';
import { PkiError } from './errors.js';
import { OID_CRL_NUMBER, OID_CRL_REASON } from './oids.js';
import { createTestCa } from './test-ca.js';

describe('CRL', () => {
  it('is a signed v2 CRL with AKI, cRLNumber and nextUpdate, listing revoked serials with reasons', async () => {
    const ca = await createTestCa();
    const first = await ca.issue();
    const second = await ca.issue();
    const thisUpdate = new Date('2026-03-01T10:00:00.500Z');
    const der = await buildCrl({
      issuerCertificate: ca.certificate,
      issuerKey: ca.key,
      crlNumber: 42,
      thisUpdate,
      nextUpdate: new Date('2026-03-02T10:00:00Z'),
      revoked: [
        { serial: toHex(first.serial), revokedAt: thisUpdate, reason: 'keyCompromise' },
        { serial: toHex(second.serial), revokedAt: thisUpdate, reason: 'unspecified' },
      ],
    });
    const crl = parseCrl(der);
    assert.equal(crl.version, 1);
    assert.ok(await crl.verify({ issuerCertificate: ca.certificate }));
    assert.equal(crl.thisUpdate.value.toISOString(), '2026-03-01T10:00:00.000Z', 'no fractional seconds');
    assert.equal(crl.nextUpdate?.value.toISOString(), '2026-03-02T10:00:00.000Z');
    const number = crl.crlExtensions?.extensions.find((entry) => entry.extnID === OID_CRL_NUMBER);
    assert.equal((asn1js.fromBER(number!.extnValue.valueBlock.valueHexView).result as asn1js.Integer).valueBlock.valueDec, 42);
    assert.ok(crl.isCertificateRevoked(first.certificate));
    assert.ok(crl.isCertificateRevoked(second.certificate));
    const [withReason, withoutReason] = crl.revokedCertificates!;
    const reason = withReason!.crlEntryExtensions!.extensions.find((entry) => entry.extnID === OID_CRL_REASON)!;
    assert.equal((asn1js.fromBER(reason.extnValue.valueBlock.valueHexView).result as asn1js.Enumerated).valueBlock.valueDec, 1);
    assert.equal(withoutReason!.crlEntryExtensions, undefined, 'unspecified carries no reasonCode (RFC 5280 §5.3.1)');
  });

  it('omits revokedCertificates entirely when nothing is revoked', async () => {
    const ca = await createTestCa('P-256');
    const der = await buildCrl({
      issuerCertificate: ca.certificate,
      issuerKey: ca.key,
      crlNumber: 1,
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + 3600_000),
      revoked: [],
    });
    const crl = parseCrl(der);
    assert.equal(crl.revokedCertificates, undefined);
    assert.ok(await crl.verify({ issuerCertificate: ca.certificate }));
  });

  it('refuses bytes that are not a CRL', () => {
    assert.throws(() => parseCrl(new Uint8Array([0x30, 0x00])), PkiError);
    assert.throws(() => parseCrl(new Uint8Array([1, 2, 3])), PkiError);
  });
});
