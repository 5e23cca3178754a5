import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AuthErrorCode } from '../../../src/protocol/errors.js';
import { ChallengeService } from '../challenge/service.js';
import { startTestOcspResponder, type TestOcspResponder } from '../test-support/ocsp-responder.js';
import { createTestPki, OID, type TestCertificate, type TestPki } from '../test-support/test-pki.js';
import { signTokenText } from '../test-support/tokens.js';
import { verifyAuthToken } from '../verify-auth-token.js';
import { type RevocationOption } from './options.js';

const ORIGIN = 'https://card.example';
let pki: TestPki;
let delegated: TestCertificate;
let byCa: TestOcspResponder;
let byDelegate: TestOcspResponder;

const serialOf = (cert: TestCertificate): string => Buffer.from(cert.cert.serialNumber.valueBlock.valueHexView).toString('hex');

before(async () => {
  pki = await createTestPki('OCSP');
  delegated = await pki.issueLeaf({ subject: 'OCSP Responder', keyUsage: ['digitalSignature'], extendedKeyUsage: [OID.ocspSigning] });
  byCa = await startTestOcspResponder({ issuer: pki.intermediate });
  byDelegate = await startTestOcspResponder({ issuer: pki.intermediate, signer: delegated });
});
after(async () => {
  await byCa.close();
  await byDelegate.close();
});

async function login(leaf: TestCertificate, revocation: RevocationOption): Promise<string> {
  const { nonce } = await new ChallengeService().createChallenge();
  const result = await verifyAuthToken(await signTokenText(leaf, ORIGIN, nonce), {
    origin: ORIGIN,
    challengeNonce: nonce,
    trustAnchors: [pki.root.der],
    intermediates: [pki.intermediate.der],
    revocation,
  });
  return result.serial;
}

describe('OCSP revocation (RFC 6960 with a nonce)', () => {
  it('accepts "good" signed by the CA, using the URL in the certificate and the issuer from the path', async () => {
    const leaf = await pki.issueLeaf({ ocspUrl: byCa.url });
    byCa.statuses.set(serialOf(leaf), 'good');
    const before = byCa.requestCount();
    assert.equal(await login(leaf, { type: 'ocsp' }), serialOf(leaf));
    assert.equal(byCa.requestCount(), before + 1);
  });

  it('accepts "good" signed by a responder the CA delegated to (id-kp-OCSPSigning)', async () => {
    const leaf = await pki.issueLeaf();
    byDelegate.statuses.set(serialOf(leaf), 'good');
    assert.equal(await login(leaf, { type: 'ocsp', url: byDelegate.url, issuer: pki.intermediate.der }), serialOf(leaf));
  });

  it('refuses revoked and unknown certificates with their own codes', async () => {
    const revoked = await pki.issueLeaf({ ocspUrl: byCa.url });
    byCa.statuses.set(serialOf(revoked), 'revoked');
    await assert.rejects(login(revoked, { type: 'ocsp' }), { code: AuthErrorCode.CERTIFICATE_REVOKED });
    const unknown = await pki.issueLeaf({ ocspUrl: byCa.url });
    await assert.rejects(login(unknown, { type: 'ocsp' }), { code: AuthErrorCode.REVOCATION_STATUS_UNKNOWN });
  });

  it('fails closed on a response it cannot trust', async () => {
    const leaf = await pki.issueLeaf({ ocspUrl: byCa.url });
    byCa.statuses.set(serialOf(leaf), 'good');
    try {
      for (const misbehaviour of ['wrong-nonce', 'no-nonce', 'try-later', 'stale', 'garbage', 'trailing-basic', 'trailing-nonce'] as const) {
        byCa.misbehaviour = misbehaviour;
        await assert.rejects(login(leaf, { type: 'ocsp' }), { code: AuthErrorCode.REVOCATION_CHECK_FAILED }, misbehaviour);
      }
    } finally {
      byCa.misbehaviour = 'none';
    }
    assert.equal(await login(leaf, { type: 'ocsp' }), serialOf(leaf));
  });

  it('refuses a response signed by a certificate the CA did not delegate OCSP to', async () => {
    const notDelegated = await pki.issueLeaf({ subject: 'Not a responder' }); // clientAuth only
    const rogueCa = await createTestPki('Rogue OCSP');
    const foreignDelegate = await rogueCa.issueLeaf({ subject: 'Foreign responder', extendedKeyUsage: [OID.ocspSigning] });
    const leaf = await pki.issueLeaf();
    for (const signer of [notDelegated, foreignDelegate]) {
      const responder = await startTestOcspResponder({ issuer: pki.intermediate, signer });
      try {
        responder.statuses.set(serialOf(leaf), 'good');
        await assert.rejects(login(leaf, { type: 'ocsp', url: responder.url }), { code: AuthErrorCode.REVOCATION_CHECK_FAILED }, signer === notDelegated ? 'no id-kp-OCSPSigning' : 'another CA');
      } finally {
        await responder.close();
      }
    }
  });

  it('fails closed when there is no responder to ask', async () => {
    const leaf = await pki.issueLeaf(); // no AIA
    await assert.rejects(login(leaf, { type: 'ocsp' }), { code: AuthErrorCode.REVOCATION_CHECK_FAILED });
    await assert.rejects(login(leaf, { type: 'ocsp', url: 'http://127.0.0.1:9/ocsp', timeoutMs: 2000 }), { code: AuthErrorCode.REVOCATION_CHECK_FAILED });
  });
});
