/**
 * What a `web-eid:1.0` token signs. The signature algorithm (ES256, RS256, ...) signs the message
 *
 *     signedData = H(origin as UTF-8) ‖ H(nonce as UTF-8 of its base64 text)
 *
 * where H is the algorithm's own hash (SHA-256 for ES256/PS256/RS256, SHA-384 for ES384, SHA-512 for
 * ES512). Hashing each part first gives fixed-width fields, so origin and nonce cannot bleed into each other
 * (Web eID authentication token format, "The value that is signed ... is hash(origin)+hash(challenge)").
 *
 * The signature algorithm hashes `signedData` once more, as every signature scheme does. So a card that
 * signs a pre-computed digest (a PIV card's GENERAL AUTHENTICATE, SP 800-73-4 Part 2 §3.2.4) is given
 *
 *     digest = H(signedData) = H( H(origin) ‖ H(nonce) )
 *
 * e.g. for ES256: SHA-256( SHA-256(origin) ‖ SHA-256(nonce) ), 32 bytes.
 */
import { concatBytes, utf8 } from '../bytes.js';
import { ALGORITHM_PROFILES, type HashName, type TokenAlgorithm } from './algorithms.js';

/** H(bytes) with WebCrypto. */
export async function digest(hash: HashName, bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest(hash, bytes.slice()));
}

/**
 * The message the token's signature is over: H(origin) ‖ H(nonce). `origin` is the ASCII serialisation of
 * the relying party's origin (`https://bank.example`, no path, no trailing slash); `nonce` is the challenge
 * as issued (its base64 text, not the decoded bytes).
 */
export async function tokenSignedData(algorithm: TokenAlgorithm, origin: string, nonce: string): Promise<Uint8Array> {
  const { hash } = ALGORITHM_PROFILES[algorithm];
  const [originHash, nonceHash] = await Promise.all([digest(hash, utf8(origin)), digest(hash, utf8(nonce))]);
  return concatBytes(originHash, nonceHash);
}

/** H(signedData): the digest a pre-hashing signer (a PIV card) signs for this algorithm. */
export async function tokenDigest(algorithm: TokenAlgorithm, signedData: Uint8Array): Promise<Uint8Array> {
  return digest(ALGORITHM_PROFILES[algorithm].hash, signedData);
}
