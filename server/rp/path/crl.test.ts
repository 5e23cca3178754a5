import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { PathCode } from './codes.js';
import { CrlReason, parseCrl } from './crl.js';
import { PathFailure } from './failure.js';
import { nameToString } from './name.js';
import { type Issued, issue, issueCrl, nameDer } from './test-builder.js';

/** DER of an issuingDistributionPoint with indirectCRL asserted: SEQUENCE { [4] TRUE }. */
const INDIRECT_IDP = new Uint8Array([0x30, 0x03, 0x84, 0x01, 0xff]);

describe('parseCrl', () => {
  let ca: Issued;
  before(async () => {
    ca = await issue({ subject: 'CRL CA', ca: true });
  });

  it('reads number, times, entries and reasons', async () => {
    const der = await issueCrl({ issuer: ca, crlNumber: 42, entries: [{ serial: 5, reason: CrlReason.keyCompromise }, { serial: -3 }] });
    const crl = parseCrl(der, 0);
    assert.equal(crl.crlNumber, 42n);
    assert.equal(crl.deltaBase, undefined);
    assert.deepEqual(crl.entries.map((e) => [e.serial, e.reason]), [[5n, CrlReason.keyCompromise], [-3n, CrlReason.unspecified]]);
    assert.equal(nameToString(crl.issuer), 'CN=CRL CA');
    assert.equal(crl.unusable, undefined);
  });

  it('marks a CRL with an unknown critical CRL or entry extension as unusable (§5.2, §5.3)', async () => {
    const critical = { oid: '1.3.6.1.4.1.99999.2', critical: true, value: new Uint8Array([5, 0]) };
    assert.match(parseCrl(await issueCrl({ issuer: ca, extensions: [critical] }), 0).unusable ?? '', /unrecognised critical extension/u);
    assert.equal(parseCrl(await issueCrl({ issuer: ca, extensions: [{ ...critical, critical: false }] }), 0).unusable, undefined);
  });

  it('gives entries of an indirect CRL the issuer of their certificateIssuer extension, inherited by later entries (§5.3.3)', async () => {
    const der = await issueCrl({ issuer: ca, extensions: [{ oid: '2.5.29.28', critical: true, value: INDIRECT_IDP }], entries: [{ serial: 1 }, { serial: 2 }, { serial: 3 }] });
    // Add certificateIssuer "CN=Other CA" to the second entry, then re-sign.
    const crl = pkijs.CertificateRevocationList.fromBER(new Uint8Array(der));
    const otherCa = new pkijs.GeneralNames({ names: [new pkijs.GeneralName({ type: 4, value: new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(nameDer('Other CA')).result }) })] });
    const second = crl.revokedCertificates?.[1];
    assert.ok(second);
    second.crlEntryExtensions = new pkijs.Extensions({ extensions: [new pkijs.Extension({ extnID: '2.5.29.29', critical: true, extnValue: otherCa.toSchema().toBER(false) })] });
    await crl.sign(ca.key.privateKey, ca.key.hash);
    const parsed = parseCrl(new Uint8Array((crl.toSchema(true) as asn1js.Sequence).toBER(false)), 0);
    assert.deepEqual(parsed.entries.map((e) => e.certificateIssuer?.map(nameToString)), [['CN=CRL CA'], ['CN=Other CA'], ['CN=Other CA']]);
    assert.equal(parsed.issuingDistributionPoint?.indirectCRL, true);
  });

  it('refuses bytes that are not a CRL with CRL_INVALID, naming its position', () => {
    assert.throws(() => parseCrl(new Uint8Array([0x30, 0x00]), 2), (e: unknown) => e instanceof PathFailure && e.code === PathCode.CRL_INVALID && e.message.includes('CRL #3'));
  });
});
