/**
 * The relying party's one signature check for tokens: every token signature goes through
 * `verifyTokenSignature`, and the Wycheproof conformance test drives this same function.
 *
 * Node's crypto (OpenSSL) does the arithmetic; this file fixes the scheme parameters per JWA and refuses
 * signatures of the wrong length before OpenSSL sees them:
 * - ES256/384/512: raw r‖s, exactly 2 × 32/48/66 bytes (RFC 7518 §3.4), ECDSA with SHA-256/384/512;
 * - RS256: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3, RFC 8017 §8.2.2);
 * - PS256: RSASSA-PSS, SHA-256, MGF1-SHA-256, salt 32 (RFC 7518 §3.5, RFC 8017 §8.1.2);
 * RSA signatures must be exactly the modulus length (RFC 8017 §8.2.2 step 1, §8.1.2 step 1).
 */
import { constants, type KeyObject, verify } from 'node:crypto';
import { ALGORITHM_PROFILES, type TokenAlgorithm } from '../../../src/protocol/algorithms.js';
import { AuthError, AuthErrorCode } from '../../../src/protocol/errors.js';

const NODE_HASH = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;
const NODE_CURVE = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' } as const;

function mismatch(message: string): AuthError {
  return new AuthError(AuthErrorCode.TOKEN_ALGORITHM_KEY_MISMATCH, message);
}

/**
 * True when `signature` is a valid `algorithm` signature by `publicKey` over `message` (the message is
 * hashed here with the algorithm's hash). False when it does not verify. Throws `TOKEN_SIGNATURE_MALFORMED`
 * when the signature cannot be one of this algorithm and key (wrong length), and
 * `TOKEN_ALGORITHM_KEY_MISMATCH` when the key is not of the algorithm's type.
 */
export function verifyTokenSignature(algorithm: TokenAlgorithm, publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  const profile = ALGORITHM_PROFILES[algorithm];
  const details = publicKey.asymmetricKeyDetails;
  if (profile.kind === 'ecdsa') {
    if (publicKey.asymmetricKeyType !== 'ec' || details?.namedCurve !== NODE_CURVE[profile.namedCurve]) throw mismatch(`${algorithm} needs a ${profile.namedCurve} key`);
    if (signature.length !== 2 * profile.coordinateBytes) {
      throw new AuthError(AuthErrorCode.TOKEN_SIGNATURE_MALFORMED, `${algorithm} signature must be ${2 * profile.coordinateBytes} bytes of r‖s, got ${signature.length}`);
    }
    return verify(NODE_HASH[profile.hash], message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  }
  if (publicKey.asymmetricKeyType !== 'rsa' || details?.modulusLength === undefined) throw mismatch(`${algorithm} needs an RSA key`);
  const modulusBytes = Math.ceil(details.modulusLength / 8);
  if (signature.length !== modulusBytes) {
    throw new AuthError(AuthErrorCode.TOKEN_SIGNATURE_MALFORMED, `${algorithm} signature must be ${modulusBytes} bytes (the modulus length), got ${signature.length}`);
  }
  if (profile.kind === 'rsa-pss') {
    return verify(NODE_HASH[profile.hash], message, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: profile.saltLength }, signature);
  }
  return verify(NODE_HASH[profile.hash], message, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
}
