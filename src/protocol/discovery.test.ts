import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import { certificateFingerprint, parseDiscoveryDocument } from './discovery.js';
import { AuthErrorCode } from './errors.js';

const doc = {
  version: 1,
  serviceId: 'bank-a',
  displayName: 'Bank A',
  challengeEndpoint: 'https://bank-a.example/kyotsu/challenge',
  loginEndpoint: 'https://bank-a.example/kyotsu/login',
  caUrl: 'https://ca.example',
  trustAnchorFingerprints: ['ab'.repeat(32)],
};

it('reads a version 1 document, keeping portal and dropping unknown members', () => {
  assert.deepEqual(parseDiscoveryDocument(JSON.stringify({ ...doc, portal: true, later: 'x' }), 'https://bank-a.example'), { ...doc, portal: true });
  assert.deepEqual(parseDiscoveryDocument(doc), doc);
});

it('refuses malformed documents, newer versions and endpoints on another origin', () => {
  const malformed: unknown[] = [
    '[]',
    '{"version":1,"version":1}',
    { ...doc, version: '1' },
    { ...doc, version: 0 },
    { ...doc, serviceId: 'bank a' },
    { ...doc, displayName: '' },
    { ...doc, challengeEndpoint: '/kyotsu/challenge' },
    { ...doc, loginEndpoint: 'javascript:alert(1)' },
    { ...doc, caUrl: 'https://user:pw@ca.example' },
    { ...doc, trustAnchorFingerprints: [] },
    { ...doc, trustAnchorFingerprints: ['AB'.repeat(32)] },
    { ...doc, trustAnchorFingerprints: 'ab'.repeat(32) },
    { ...doc, portal: 'yes' },
  ];
  for (const input of malformed) {
    assert.throws(() => parseDiscoveryDocument(input), { code: AuthErrorCode.DISCOVERY_MALFORMED }, JSON.stringify(input));
  }
  assert.throws(() => parseDiscoveryDocument({ ...doc, version: 2 }), { code: AuthErrorCode.DISCOVERY_VERSION_UNSUPPORTED });
  assert.throws(() => parseDiscoveryDocument(doc, 'https://evil.example'), { code: AuthErrorCode.DISCOVERY_MALFORMED });
});

it('fingerprints a certificate as lower-case hex SHA-256 of its DER', async () => {
  const der = new Uint8Array([0x30, 0x00]);
  assert.equal(await certificateFingerprint(der), createHash('sha256').update(der).digest('hex'));
});
