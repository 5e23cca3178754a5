/**
 * Builds a `web-eid:1.0` token on the signing side (the extension with a card, or any software signer).
 *
 * Who signs what — precisely:
 * - `signedData` = H(origin) ‖ H(nonce) (see `signed-data.ts`) is the MESSAGE of the signature scheme.
 *   A signer that hashes by itself (WebCrypto `sign`, `crypto.sign`) signs `signedData`.
 * - `digest` = H(signedData) is what a signer that takes a pre-computed hash signs. A PIV card's GENERAL
 *   AUTHENTICATE (SP 800-73-4 Part 2 §3.2.4) with an ECC key takes exactly `digest` (for ES256:
 *   SHA-256(SHA-256(origin) ‖ SHA-256(nonce)), 32 bytes) and returns a DER Ecdsa-Sig-Value; with an RSA
 *   key it takes the full-width encoded block, which the host builds from `digest` (EMSA-PKCS1-v1_5 for
 *   RS256, RFC 8017 §9.2; EMSA-PSS for PS256, RFC 8017 §9.1).
 * The signer returns the signature with its encoding; ECDSA DER is converted to raw r‖s here (RFC 7518
 * §3.4), so the token always carries raw r‖s.
 */
import { toBase64 } from '../bytes.js';
import { derToRawEcdsa } from '../crypto/ecdsa-signature.js';
import { KyotsuError } from '../errors.js';
import { ALGORITHM_PROFILES, isTokenAlgorithm, type TokenAlgorithm } from './algorithms.js';
import { type AuthToken, TOKEN_FORMAT } from './auth-token.js';
import { assertChallengeNonce } from './challenge.js';
import { AuthError, AuthErrorCode } from './errors.js';
import { isOriginSerialization } from './origin.js';
import { tokenDigest, tokenSignedData } from './signed-data.js';

/** What the signer is asked to sign; see the file comment for which field a given signer uses. */
export interface TokenSignRequest {
  readonly algorithm: TokenAlgorithm;
  /** H(origin) ‖ H(nonce): the message, for signers that hash themselves. */
  readonly signedData: Uint8Array;
  /** H(signedData) with the algorithm's hash: for pre-hashing signers such as a PIV card. */
  readonly digest: Uint8Array;
}

/** A signature and how it is encoded: `ecdsa-der` (what a PIV card returns) or `raw` (r‖s, or RSA bytes). */
export type TokenSignature =
  | { readonly encoding: 'raw'; readonly bytes: Uint8Array }
  | { readonly encoding: 'ecdsa-der'; readonly bytes: Uint8Array };

/** Produces the signature, e.g. by VERIFY PIN + GENERAL AUTHENTICATE on the card. */
export type TokenSigner = (request: TokenSignRequest) => Promise<TokenSignature>;

/** Everything the builder needs. */
export interface BuildAuthTokenInput {
  /** The relying party's origin as the BROWSER reports it (`sender.origin`), never as the page claims. */
  readonly origin: string;
  /** The challenge nonce exactly as the relying party issued it (its base64 text). */
  readonly nonce: string;
  /** DER of the authentication certificate whose key signs. */
  readonly certificate: Uint8Array;
  readonly algorithm: TokenAlgorithm;
  /** URL naming the signing application and its version, e.g. `https://kyotsu.example/extension/0.1.0`. */
  readonly appVersion: string;
  readonly sign: TokenSigner;
}

/**
 * Checks the inputs, asks `sign` for the signature over H(origin) ‖ H(nonce) and returns the token.
 * Throws `ORIGIN_MALFORMED`, `CHALLENGE_MALFORMED`, `TOKEN_ALGORITHM_UNSUPPORTED`, or
 * `TOKEN_SIGNATURE_MALFORMED` (the signer returned bytes of the wrong form); the signer's own errors pass
 * through unchanged.
 */
export async function buildAuthToken(input: BuildAuthTokenInput): Promise<AuthToken> {
  if (!isOriginSerialization(input.origin)) throw new AuthError(AuthErrorCode.ORIGIN_MALFORMED, 'origin is not an http(s) origin serialisation');
  const nonce = assertChallengeNonce(input.nonce);
  if (!isTokenAlgorithm(input.algorithm)) throw new AuthError(AuthErrorCode.TOKEN_ALGORITHM_UNSUPPORTED, 'algorithm is not allowed');
  const signedData = await tokenSignedData(input.algorithm, input.origin, nonce);
  const digest = await tokenDigest(input.algorithm, signedData);
  const signature = await input.sign({ algorithm: input.algorithm, signedData, digest });
  return {
    unverifiedCertificate: toBase64(input.certificate),
    algorithm: input.algorithm,
    signature: toBase64(normaliseSignature(input.algorithm, signature)),
    format: TOKEN_FORMAT,
    appVersion: input.appVersion,
  };
}

/**
 * The signature as a token carries it: ECDSA DER → raw r‖s (RFC 7518 §3.4), raw checked for its length.
 * Throws `TOKEN_SIGNATURE_MALFORMED`. Shared with the batch builder (src/protocol/batch/builder.ts).
 */
export function normaliseSignature(algorithm: TokenAlgorithm, signature: TokenSignature): Uint8Array {
  const profile = ALGORITHM_PROFILES[algorithm];
  if (profile.kind !== 'ecdsa') {
    if (signature.encoding !== 'raw') throw new AuthError(AuthErrorCode.TOKEN_SIGNATURE_MALFORMED, `${algorithm} signature must be raw bytes`);
    return signature.bytes;
  }
  if (signature.encoding === 'raw') {
    if (signature.bytes.length !== 2 * profile.coordinateBytes) {
      throw new AuthError(AuthErrorCode.TOKEN_SIGNATURE_MALFORMED, `${algorithm} raw signature must be ${2 * profile.coordinateBytes} bytes`);
    }
    return signature.bytes;
  }
  try {
    return derToRawEcdsa(signature.bytes, profile.coordinateBytes);
  } catch (error) {
    if (error instanceof KyotsuError) throw new AuthError(AuthErrorCode.TOKEN_SIGNATURE_MALFORMED, error.message);
    throw error;
  }
}
