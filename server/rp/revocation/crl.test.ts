import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { AuthErrorCode } from '../../../src/protocol/errors.js';
import { ChallengeService } from '../challenge/service.js';
import { createTestPki, issueTestCrl, type TestCertificate, type TestPki } from '../test-support/test-pki.js';
import { signTokenText } from '../test-support/tokens.js';
import { verifyAuthToken } from '../verify-auth-token.js';

const ORIGIN = 'https://bank-b.example';
let pki: TestPki;
let good: TestCertificate;
let revoked: TestCertificate;
let crls: Uint8Array[];

before(async () => {
  pki = await createTestPki('CRL');
  good = await pki.issueLeaf();
  revoked = await pki.issueLeaf();
  // RFC 5280 §6.3: every certificate on the path needs a CRL from its issuer.
  crls = [await issueTestCrl(pki.intermediate, [revoked.cert.serialNumber.valueBlock.valueHexView]), await issueTestCrl(pki.root, [])];
});

async function login(leaf: TestCertificate, withCrls: Uint8Array[]): Promise<string> {
  const { nonce } = await new ChallengeService().createChallenge();
  const options = { origin: ORIGIN, challengeNonce: nonce, trustAnchors: [pki.root.der], intermediates: [pki.intermediate.der], revocation: { type: 'crl' as const, crls: withCrls } };
  return (await verifyAuthToken(await signTokenText(leaf, ORIGIN, nonce), options)).serial;
}

describe('CRL revocation (through validateCertificatePath)', () => {
  it('accepts a certificate the CRLs do not list and refuses one they list', async () => {
    assert.match(await login(good, crls), /^[0-9a-f]+$/);
    await assert.rejects(login(revoked, crls), { code: AuthErrorCode.CERTIFICATE_REVOKED });
  });

  it('fails closed without a CRL covering the certificate', async () => {
    await assert.rejects(login(good, []), { code: AuthErrorCode.REVOCATION_CHECK_FAILED });
    await assert.rejects(login(good, [crls[1]!]), { code: AuthErrorCode.REVOCATION_CHECK_FAILED });
  });
});
