import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../../src/bytes.js';
import { type CardErrorCode, isCardError } from '../../src/card-errors.js';
import { encodeTlv } from '../../src/tlv.js';
import { unwrapCertificateContainer, wrapCertificateContainer } from './certificate-container.js';

const cert = encodeTlv(0x30, new Uint8Array(300).fill(0x42)); // stands in for a DER certificate
const code = (c: string) => (e: unknown) => isCardError(e, c as CardErrorCode);

describe('certificate container (SP 800-73-4 Part 1 Appendix A)', () => {
  it('wraps as 53 { 70 cert, 71 00, FE 00 } and unwraps back to the same DER', () => {
    const wrapped = wrapCertificateContainer(cert);
    assert.equal(toHex(wrapped.subarray(0, 8)), '5382013970820130');
    assert.equal(toHex(wrapped.subarray(-5)), '710100fe00');
    assert.deepEqual(unwrapCertificateContainer(wrapped), cert);
  });

  it('accepts the objects in another order and without CertInfo or LRC', () => {
    assert.deepEqual(unwrapCertificateContainer(encodeTlv(0x53, encodeTlv(0xfe), encodeTlv(0x70, cert))), cert);
  });

  it('an empty container (deleted certificate) is null', () => {
    assert.equal(unwrapCertificateContainer(fromHex('5300')), null);
    assert.equal(unwrapCertificateContainer(encodeTlv(0x53, encodeTlv(0x70), encodeTlv(0x71, Uint8Array.of(0)))), null);
  });

  it('refuses a compressed certificate with CERTIFICATE_COMPRESSED', () => {
    const compressed = encodeTlv(0x53, encodeTlv(0x70, fromHex('1f8b0800')), encodeTlv(0x71, Uint8Array.of(0x01)), encodeTlv(0xfe));
    assert.throws(() => unwrapCertificateContainer(compressed), code('CERTIFICATE_COMPRESSED'));
  });

  const malformed: [string, Uint8Array][] = [
    ['a wrong outer tag', encodeTlv(0x54, encodeTlv(0x70, cert))],
    ['no 70', encodeTlv(0x53, encodeTlv(0x71, Uint8Array.of(0)))],
    ['a truncated outer length', fromHex('538201')],
    ['a certificate that is not one SEQUENCE', encodeTlv(0x53, encodeTlv(0x70, fromHex('3003010203ff')))],
    ['trailing bytes after 53', Uint8Array.of(...wrapCertificateContainer(cert), 0x00)],
  ];
  for (const [why, bytes] of malformed) {
    it(`refuses ${why} with CERTIFICATE_CONTAINER_MALFORMED`, () => {
      assert.throws(() => unwrapCertificateContainer(bytes), code('CERTIFICATE_CONTAINER_MALFORMED'));
    });
  }
});
