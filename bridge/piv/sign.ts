/**
 * Signing with a PIV key through GENERAL AUTHENTICATE (SP 800-73-4 Part 2 §3.2.4, Appendix A.4): ECDSA
 * over P-256/P-384 returns both DER and raw r‖s; RSA gets the encoded block built on the host.
 */
import { CardError, CardErrorCode } from '../../src/card-errors.js';
import { derToRawEcdsa } from '../../src/crypto/ecdsa-signature.js';
import { Algorithm } from '../../src/piv/constants.js';
import { EC_CURVES, RSA_MODULUS_BYTES } from './public-key.js';
import { type HashName, pkcs1v15Encode, pssEncode } from './rsa-padding.js';
import { fitEcdsaDigest } from './signature.js';

/** Sends a challenge with GENERAL AUTHENTICATE for the slot's key and returns the card's tag-82 value. */
export type RawSign = (algorithm: number, challenge: Uint8Array) => Promise<Uint8Array>;

/** An ECDSA signature in both encodings. */
export interface EcdsaSignature {
  /** DER `Ecdsa-Sig-Value` (RFC 3279 §2.2.3), as the card returns it. */
  readonly der: Uint8Array;
  /** Raw r‖s (IEEE P1363), as WebCrypto and the Web eID token use it. */
  readonly raw: Uint8Array;
}

/** RSA signature options: the hash the digest was made with and the padding (default PKCS#1 v1.5). */
export interface RsaSignOptions {
  readonly hash: HashName;
  readonly padding?: 'pkcs1' | 'pss';
  /** PSS salt length in bytes; default the hash length. */
  readonly saltLength?: number;
}

function unsupported(algorithm: number, kind: string): CardError {
  return new CardError(CardErrorCode.ALGORITHM_UNSUPPORTED, `Algorithm ${algorithm} is not a PIV ${kind} algorithm`, { algorithm });
}

/** ECDSA over `digest` (already hashed) with the P-256 (11) or P-384 (14) key behind `rawSign`. */
export async function signEcdsa(rawSign: RawSign, algorithm: number, digest: Uint8Array): Promise<EcdsaSignature> {
  if (algorithm !== Algorithm.ECC_P256 && algorithm !== Algorithm.ECC_P384) throw unsupported(algorithm, 'ECDSA');
  const { size } = EC_CURVES[algorithm];
  const der = await rawSign(algorithm, fitEcdsaDigest(digest, size));
  return { der, raw: derToRawEcdsa(der, size) };
}

/** RSA signature over `digest` (already hashed with `options.hash`) with the RSA-2048 (07) or RSA-1024 (06) key behind `rawSign`. */
export async function signRsa(rawSign: RawSign, algorithm: number, digest: Uint8Array, options: RsaSignOptions): Promise<Uint8Array> {
  if (algorithm !== Algorithm.RSA_2048 && algorithm !== Algorithm.RSA_1024) throw unsupported(algorithm, 'RSA');
  const k = RSA_MODULUS_BYTES[algorithm];
  const block =
    options.padding === 'pss' ? await pssEncode(digest, options.hash, k * 8, options.saltLength) : pkcs1v15Encode(digest, options.hash, k);
  const signature = await rawSign(algorithm, block);
  if (signature.length > k) throw new CardError(CardErrorCode.RESPONSE_INVALID, `RSA signature of ${signature.length} bytes exceeds the modulus`);
  // RFC 8017 §5.2.1 I2OSP: the signature is exactly k bytes; left-pad if the card dropped leading zeros.
  if (signature.length === k) return signature;
  const out = new Uint8Array(k);
  out.set(signature, k - signature.length);
  return out;
}
