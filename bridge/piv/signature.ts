/**
 * GENERAL AUTHENTICATE for signatures, SP 800-73-4 Part 2 §3.2.4 and Appendix A.4: the host sends
 * 7C { 82 (empty: response requested), 81 challenge } and the card answers 7C { 82 signature }. For ECDSA
 * the challenge is the digest fitted to the curve size (FIPS 186-4 §6.4: leftmost bits); for RSA it is
 * the complete encoded block of modulus length, padded on the host (bridge/piv/rsa-padding.ts).
 */
import { CardError, CardErrorCode } from '../../src/card-errors.js';
import { AuthTag } from '../../src/piv/constants.js';
import { encodeTlv, findTlv, parseSingleTlv, parseTlvs } from '../../src/tlv.js';

/** The command data of a signature request. */
export function signatureRequest(challenge: Uint8Array): Uint8Array {
  return encodeTlv(AuthTag.TEMPLATE, encodeTlv(AuthTag.RESPONSE), encodeTlv(AuthTag.CHALLENGE, challenge));
}

/** The signature (tag 82) inside the card's 7C response. Throws `TLV_MALFORMED` / `RESPONSE_INVALID`. */
export function signatureFromResponse(response: Uint8Array): Uint8Array {
  const signature = findTlv(parseTlvs(parseSingleTlv(response, AuthTag.TEMPLATE).value), AuthTag.RESPONSE);
  if (signature === undefined || signature.length === 0) {
    throw new CardError(CardErrorCode.RESPONSE_INVALID, 'GENERAL AUTHENTICATE response carries no signature (tag 82)');
  }
  return signature.slice();
}

/**
 * Fits a digest to an ECDSA key of `size` bytes: longer digests keep their leftmost bytes (FIPS 186-4 §6.4,
 * exact for P-256/P-384 whose bit lengths are whole bytes), shorter ones are left-padded with zeros.
 */
export function fitEcdsaDigest(digest: Uint8Array, size: number): Uint8Array {
  if (digest.length === 0) throw new CardError(CardErrorCode.INVALID_ARGUMENT, 'Empty digest');
  if (digest.length >= size) return digest.slice(0, size);
  const out = new Uint8Array(size);
  out.set(digest, size - digest.length);
  return out;
}
