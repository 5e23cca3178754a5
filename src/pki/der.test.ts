import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBer, parseDer } from './der.js';
import { PkiError, PkiErrorCode } from './errors.js';

/** A GeneralizedTime whose text asn1js cannot convert: it throws instead of reporting an error. */
const UNREADABLE_TIME = Uint8Array.of(0x18, 0x03, 0x31, 0x32, 0x2b);

describe('DER decoding', () => {
  it('reports input asn1js would throw on as undecodable, with its reason', () => {
    const decoded = decodeBer(UNREADABLE_TIME);
    assert.equal(decoded.offset, -1);
    assert.match(decoded.result.error, /Wrong input string/);
  });

  it('turns it into the caller’s typed error', () => {
    assert.throws(
      () => parseDer(UNREADABLE_TIME, PkiErrorCode.CERTIFICATE_MALFORMED, 'certificate'),
      (error) => error instanceof PkiError && error.code === PkiErrorCode.CERTIFICATE_MALFORMED && /not valid DER/.test(error.message),
    );
  });

  it('still decodes well-formed input and refuses trailing bytes', () => {
    assert.equal(decodeBer(Uint8Array.of(0x05, 0x00)).offset, 2);
    assert.throws(() => parseDer(Uint8Array.of(0x05, 0x00, 0x00), PkiErrorCode.CRL_MALFORMED, 'CRL'), /1 trailing bytes/);
  });
});
