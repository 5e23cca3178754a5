import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { PathCode } from './codes.js';
import { type Issued, NOW, issue, issueCrl, makeKey, nameConstraintsDer } from './test-builder.js';
import { type ValidatePathInput, type ValidatePathResult, validateCertificatePath } from './validate.js';

function codeOf(result: ValidatePathResult): string {
  return result.ok ? 'OK' : result.code;
}

describe('validateCertificatePath', () => {
  let root: Issued;
  let issuing: Issued;
  let leaf: Issued;
  let crls: Uint8Array[];

  before(async () => {
    root = await issue({ subject: 'Kyotsu Test Root', key: await makeKey('P-384'), ca: true });
    issuing = await issue({ subject: 'Kyotsu Test Issuing CA', issuer: root, ca: { pathLen: 0 } });
    leaf = await issue({ subject: 'Hanako Yamada', issuer: issuing, serial: 7 });
    crls = [await issueCrl({ issuer: root }), await issueCrl({ issuer: issuing })];
  });

  const input = (extra: Partial<ValidatePathInput> = {}): ValidatePathInput => ({
    leaf: leaf.der, intermediates: [issuing.der], trustAnchors: [root.der], crls, time: NOW, ...extra,
  });

  it('reports a certificate whose validity time text cannot be read as malformed, never as an internal error', async () => {
    // The intermediate's first UTCTime (notBefore) turned into a GeneralizedTime ending in '+': asn1js
    // throws on that text instead of reporting it (src/pki/der.ts decodeBer).
    const corrupted = issuing.der.slice();
    const at = corrupted.findIndex((byte, i) => byte === 0x17 && corrupted[i + 1] === 0x0d);
    assert.ok(at > 0, 'the test certificate has a UTCTime');
    corrupted[at] = 0x18;
    corrupted[at + 2 + 12] = 0x2b;
    const result = await validateCertificatePath(input({ intermediates: [corrupted] }));
    assert.equal(codeOf(result), PathCode.CERTIFICATE_MALFORMED);
  });

  it('validates an ECDSA path with CRLs and returns it anchor first, leaf last', async () => {
    const result = await validateCertificatePath(input());
    assert.ok(result.ok, codeOf(result));
    assert.deepEqual(result.path, [root.der, issuing.der, leaf.der]);
  });

  it('accepts an issuing CA that is not self-signed as the trust anchor, without its root', async () => {
    const crl = await issueCrl({ issuer: issuing });
    const result = await validateCertificatePath(input({ intermediates: [], trustAnchors: [issuing.der], crls: [crl] }));
    assert.ok(result.ok, codeOf(result));
    assert.deepEqual(result.path, [issuing.der, leaf.der]);
  });

  it("applies a non-self-signed anchor's path length: no CA may sit below a pathLen 0 issuing CA", async () => {
    const sub = await issue({ subject: 'Sub CA', issuer: issuing, ca: true });
    const deep = await issue({ subject: 'Deep Leaf', issuer: sub });
    const result = await validateCertificatePath(input({ leaf: deep.der, intermediates: [sub.der], trustAnchors: [issuing.der], revocation: 'none' }));
    assert.equal(codeOf(result), PathCode.PATH_LENGTH_EXCEEDED);
  });

  it("applies a non-self-signed anchor's name constraints", async () => {
    const constrained = await issue({
      subject: 'Constrained CA', issuer: root, ca: true,
      extensions: [{ oid: '2.5.29.30', critical: true, value: nameConstraintsDer([{ dns: 'bank.example' }]) }],
    });
    const inside = await issue({ subject: 'Inside', issuer: constrained, subjectAltNames: [{ dns: 'login.bank.example' }] });
    const outside = await issue({ subject: 'Outside', issuer: constrained, subjectAltNames: [{ dns: 'login.evil.example' }] });
    const base = { intermediates: [], trustAnchors: [constrained.der], revocation: 'none' as const };
    assert.equal(codeOf(await validateCertificatePath(input({ ...base, leaf: inside.der }))), 'OK');
    assert.equal(codeOf(await validateCertificatePath(input({ ...base, leaf: outside.der }))), PathCode.NAME_CONSTRAINTS_VIOLATED);
  });

  it('trusts an anchor as given: its own validity period does not matter', async () => {
    const oldAnchor = await issue({ subject: 'Old CA', ca: true, notAfter: new Date(NOW.getTime() - 86_400_000), notBefore: new Date('2020-01-01') });
    const underOld = await issue({ subject: 'Under Old', issuer: oldAnchor });
    const result = await validateCertificatePath(input({ leaf: underOld.der, intermediates: [], trustAnchors: [oldAnchor.der], revocation: 'none' }));
    assert.equal(codeOf(result), 'OK');
  });

  it('finds the path through unordered intermediates and ignores unrelated ones', async () => {
    const stranger = await issue({ subject: 'Unrelated CA', ca: true });
    const result = await validateCertificatePath(input({ intermediates: [stranger.der, issuing.der, root.der] }));
    assert.ok(result.ok, codeOf(result));
    assert.deepEqual(result.path, [root.der, issuing.der, leaf.der]);
  });

  it('backtracks past an expired copy of the issuer to a valid one with the same name and key', async () => {
    const expired = await issue({ subject: 'Kyotsu Test Issuing CA', issuer: root, key: issuing.key, ca: true, notAfter: new Date(NOW.getTime() - 1000), notBefore: new Date('2020-01-01') });
    const result = await validateCertificatePath(input({ intermediates: [expired.der, issuing.der] }));
    assert.ok(result.ok, codeOf(result));
    assert.deepEqual(result.path[1], issuing.der);
    const alone = await validateCertificatePath(input({ intermediates: [expired.der] }));
    assert.equal(codeOf(alone), PathCode.CERTIFICATE_EXPIRED);
  });

  it('follows a cross-certificate to the trusted root when the other issuer is untrusted', async () => {
    const otherRoot = await issue({ subject: 'Other Root', ca: true });
    const crossByOther = await issue({ subject: 'Kyotsu Test Issuing CA', issuer: otherRoot, key: issuing.key, ca: true });
    const result = await validateCertificatePath(input({ intermediates: [crossByOther.der, otherRoot.der, issuing.der] }));
    assert.ok(result.ok, codeOf(result));
    assert.deepEqual(result.path, [root.der, issuing.der, leaf.der]);
  });

  it('says UNTRUSTED_ISSUER when the chain ends at a root that is not an anchor, NO_PATH when an issuer is missing', async () => {
    const otherRoot = await issue({ subject: 'Other Root', ca: true });
    assert.equal(codeOf(await validateCertificatePath(input({ intermediates: [issuing.der, root.der], trustAnchors: [otherRoot.der] }))), PathCode.UNTRUSTED_ISSUER);
    assert.equal(codeOf(await validateCertificatePath(input({ intermediates: [] }))), PathCode.NO_PATH);
    assert.equal(codeOf(await validateCertificatePath(input({ trustAnchors: [] }))), PathCode.NO_PATH);
  });

  it('gives up on a hostile mesh of cross-certificates instead of searching without end', async () => {
    // Seven CAs, all named "Mesh CA", each certifying every other: thousands of candidate paths.
    const keys = await Promise.all([0, 1, 2, 3, 4, 5, 6].map(() => makeKey('P-256')));
    const selfSigned = await Promise.all(keys.map((key) => issue({ subject: 'Mesh CA', key, ca: true })));
    const cross: Issued[] = [];
    for (const [i, key] of keys.entries()) {
      for (const [j, signer] of selfSigned.entries()) if (i !== j) cross.push(await issue({ subject: 'Mesh CA', key, issuer: signer, ca: true }));
    }
    const meshLeaf = await issue({ subject: 'Mesh Leaf', issuer: selfSigned[0] });
    const result = await validateCertificatePath(input({ leaf: meshLeaf.der, intermediates: cross.map((c) => c.der), revocation: 'none' }));
    assert.ok(!result.ok && result.code === PathCode.NO_PATH && result.message.includes('gave up'), result.ok ? 'OK' : result.message);
  });

  it('reports a dead end, not the signature of a same-named CA that did not issue the certificate', async () => {
    const rekeyed = await issue({ subject: 'Kyotsu Test Issuing CA', issuer: await issue({ subject: 'Unknown Root', ca: true }), key: issuing.key, ca: true });
    const otherKey = await issue({ subject: 'Kyotsu Test Issuing CA', issuer: root, ca: true });
    const result = await validateCertificatePath(input({ intermediates: [otherKey.der, rekeyed.der], revocation: 'none' }));
    assert.equal(codeOf(result), PathCode.NO_PATH);
  });

  it('reports a forged signature as SIGNATURE_INVALID', async () => {
    const impostor = await issue({ subject: 'Kyotsu Test Issuing CA', issuer: root, ca: true });
    const forged = await issue({ subject: 'Hanako Yamada', issuer: impostor });
    const result = await validateCertificatePath(input({ leaf: forged.der }));
    assert.equal(codeOf(result), PathCode.SIGNATURE_INVALID);
  });

  it('rejects an expired and a not-yet-valid leaf with their own codes', async () => {
    assert.equal(codeOf(await validateCertificatePath(input({ time: new Date(NOW.getTime() + 400 * 86_400_000) }))), PathCode.CERTIFICATE_EXPIRED);
    assert.equal(codeOf(await validateCertificatePath(input({ time: new Date(NOW.getTime() - 2 * 86_400_000), revocation: 'none' }))), PathCode.CERTIFICATE_NOT_YET_VALID);
  });

  it('rejects an unknown critical extension and ignores an unknown non-critical one', async () => {
    const critical = await issue({ subject: 'Critical', issuer: issuing, extensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, value: new Uint8Array([5, 0]) }] });
    const plain = await issue({ subject: 'Plain', issuer: issuing, extensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: false, value: new Uint8Array([5, 0]) }] });
    assert.equal(codeOf(await validateCertificatePath(input({ leaf: critical.der, revocation: 'none' }))), PathCode.UNKNOWN_CRITICAL_EXTENSION);
    assert.equal(codeOf(await validateCertificatePath(input({ leaf: plain.der, revocation: 'none' }))), 'OK');
  });

  it('rejects an issuing certificate that is not a CA or may not sign certificates', async () => {
    const notCa = await issue({ subject: 'Not A CA', issuer: root });
    const underNotCa = await issue({ subject: 'Under Not A CA', issuer: notCa });
    assert.equal(codeOf(await validateCertificatePath(input({ leaf: underNotCa.der, intermediates: [notCa.der], revocation: 'none' }))), PathCode.NOT_A_CA);
    const noCertSign = await issue({ subject: 'CRL Only CA', issuer: root, ca: true, keyUsage: ['cRLSign'] });
    const underNoCertSign = await issue({ subject: 'Under CRL Only', issuer: noCertSign });
    assert.equal(codeOf(await validateCertificatePath(input({ leaf: underNoCertSign.der, intermediates: [noCertSign.der], revocation: 'none' }))), PathCode.KEY_USAGE_CERT_SIGN_MISSING);
  });

  describe('revocation', () => {
    it("checks CRLs by default: without any, the status is REVOCATION_UNKNOWN; 'none' turns checking off", async () => {
      assert.equal(codeOf(await validateCertificatePath(input({ crls: undefined }))), PathCode.REVOCATION_UNKNOWN);
      assert.equal(codeOf(await validateCertificatePath(input({ crls: undefined, revocation: 'none' }))), 'OK');
    });

    it("rejects a revoked leaf, unless revocation is 'none'", async () => {
      const revoking = [crls[0] as Uint8Array, await issueCrl({ issuer: issuing, entries: [{ serial: 7, reason: 1 }] })];
      assert.equal(codeOf(await validateCertificatePath(input({ crls: revoking }))), PathCode.CERTIFICATE_REVOKED);
      assert.equal(codeOf(await validateCertificatePath(input({ crls: revoking, revocation: 'none' }))), 'OK');
    });

    it('rejects a revoked intermediate', async () => {
      const revoking = [await issueCrl({ issuer: root, entries: [{ serial: Number(issuing.cert.serialNumber.valueBlock.valueDec) }] }), crls[1] as Uint8Array];
      assert.equal(codeOf(await validateCertificatePath(input({ crls: revoking }))), PathCode.CERTIFICATE_REVOKED);
    });

    it('does not use an out-of-date CRL, a CRL from the future, or one signed by another key', async () => {
      const stale = await issueCrl({ issuer: issuing, thisUpdate: new Date(NOW.getTime() - 10 * 86_400_000), nextUpdate: new Date(NOW.getTime() - 86_400_000) });
      const future = await issueCrl({ issuer: issuing, thisUpdate: new Date(NOW.getTime() + 86_400_000) });
      const impostor = await issue({ subject: 'Kyotsu Test Issuing CA', issuer: await issue({ subject: 'Elsewhere', ca: true }), ca: true });
      const forged = await issueCrl({ issuer: impostor });
      for (const bad of [stale, future, forged]) {
        assert.equal(codeOf(await validateCertificatePath(input({ crls: [crls[0] as Uint8Array, bad] }))), PathCode.CRL_INVALID);
      }
    });

    it('accepts a CRL issued by a non-self-signed anchor', async () => {
      const result = await validateCertificatePath(input({ intermediates: [], trustAnchors: [issuing.der], crls: [crls[1] as Uint8Array] }));
      assert.equal(codeOf(result), 'OK');
    });
  });

  describe('bad input never throws', () => {
    it('a leaf that is not DER, or has trailing bytes, is CERTIFICATE_MALFORMED', async () => {
      for (const bad of [new Uint8Array(0), new Uint8Array([0x30, 0x03, 0x02, 0x01]), Uint8Array.from([...leaf.der, 0])]) {
        const result = await validateCertificatePath(input({ leaf: bad }));
        assert.equal(codeOf(result), PathCode.CERTIFICATE_MALFORMED);
      }
    });

    it('a malformed intermediate or anchor is CERTIFICATE_MALFORMED and says which', async () => {
      const result = await validateCertificatePath(input({ intermediates: [issuing.der, new Uint8Array([1, 2, 3])] }));
      assert.ok(!result.ok && result.code === PathCode.CERTIFICATE_MALFORMED && result.message.includes('intermediate certificate #2'));
      assert.equal(codeOf(await validateCertificatePath(input({ trustAnchors: [new Uint8Array([0x30, 0x00])] }))), PathCode.CERTIFICATE_MALFORMED);
    });

    it('a malformed CRL is CRL_INVALID', async () => {
      const result = await validateCertificatePath(input({ crls: [...crls, new Uint8Array([0x30, 0x01, 0x00])] }));
      assert.equal(codeOf(result), PathCode.CRL_INVALID);
    });

    it('a bad time or input shape is INPUT_INVALID', async () => {
      assert.equal(codeOf(await validateCertificatePath(input({ time: new Date(Number.NaN) }))), PathCode.INPUT_INVALID);
      assert.equal(codeOf(await validateCertificatePath(null as unknown as ValidatePathInput)), PathCode.INPUT_INVALID);
      assert.equal(codeOf(await validateCertificatePath(input({ intermediates: 'x' as unknown as Uint8Array[] }))), PathCode.INPUT_INVALID);
      assert.equal(codeOf(await validateCertificatePath(input({ revocation: 'ocsp' as unknown as 'crl' }))), PathCode.INPUT_INVALID);
    });
  });
});
