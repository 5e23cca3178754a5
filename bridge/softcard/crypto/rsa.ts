/**
 * RSA for the software card: the raw private-key operation with the Chinese Remainder Theorem
 * (RFC 8017 §5.1.2, RSADP/RSASP1 with the (p, q, dP, dQ, qInv) representation), key generation through
 * WebCrypto (present in Node and in the extension; BigInt prime generation would be slow), and validation
 * of imported CRT components (YubiKey IMPORT ASYMMETRIC KEY carries p, q, dP, dQ, qInv but not e).
 */
import { fromBase64Url } from '../../../src/bytes.js';
import { bigIntToBytes, bitLength, bytesToBigInt, mod, modPow } from './bigint.js';

/** An RSA private key in CRT form, every component a big-endian unsigned octet string. */
export interface RsaPrivateKey {
  readonly n: Uint8Array;
  readonly e: Uint8Array;
  readonly p: Uint8Array;
  readonly q: Uint8Array;
  readonly dp: Uint8Array;
  readonly dq: Uint8Array;
  readonly qinv: Uint8Array;
}

/** The only public exponent the card accepts (as YubiKeys do): F4 = 65537. */
export const RSA_PUBLIC_EXPONENT = 65537n;

/** Minimal big-endian encoding (no leading zero bytes; at least one byte). */
function minimal(value: bigint): Uint8Array {
  return bigIntToBytes(value, Math.max(1, Math.ceil(bitLength(value) / 8)));
}

/**
 * Generates an RSA key of `modulusBits` with e = 65537 using WebCrypto (`generateKey` with an extractable
 * RSA-PSS key, then its JWK's CRT parameters, RFC 7518 §6.3.2).
 */
export async function generateRsaKey(modulusBits: number): Promise<RsaPrivateKey> {
  const pair = await globalThis.crypto.subtle.generateKey(
    { name: 'RSA-PSS', modulusLength: modulusBits, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const jwk = await globalThis.crypto.subtle.exportKey('jwk', pair.privateKey);
  const field = (value: string | undefined): Uint8Array => {
    if (value === undefined) throw new Error('WebCrypto JWK lacks an RSA CRT parameter');
    return fromBase64Url(value);
  };
  return {
    n: field(jwk.n),
    e: field(jwk.e),
    p: field(jwk.p),
    q: field(jwk.q),
    dp: field(jwk.dp),
    dq: field(jwk.dq),
    qinv: field(jwk.qi),
  };
}

/**
 * Builds a key from imported CRT components with e = 65537, checking that they are consistent
 * (e·dP ≡ 1 mod p-1, e·dQ ≡ 1 mod q-1, qInv·q ≡ 1 mod p) and that n has exactly `modulusBits` bits.
 * Returns `undefined` when they are not, so the card can answer 6A80.
 */
export function rsaKeyFromCrt(
  modulusBits: number,
  components: { p: Uint8Array; q: Uint8Array; dp: Uint8Array; dq: Uint8Array; qinv: Uint8Array },
): RsaPrivateKey | undefined {
  const p = bytesToBigInt(components.p);
  const q = bytesToBigInt(components.q);
  const dp = bytesToBigInt(components.dp);
  const dq = bytesToBigInt(components.dq);
  const qinv = bytesToBigInt(components.qinv);
  if (p < 3n || q < 3n || p === q) return undefined;
  const n = p * q;
  if (bitLength(n) !== modulusBits) return undefined;
  const e = RSA_PUBLIC_EXPONENT;
  if ((e * dp) % (p - 1n) !== 1n || (e * dq) % (q - 1n) !== 1n || (qinv * q) % p !== 1n) return undefined;
  return {
    n: bigIntToBytes(n, modulusBits / 8),
    e: minimal(e),
    p: minimal(p),
    q: minimal(q),
    dp: minimal(dp),
    dq: minimal(dq),
    qinv: minimal(qinv),
  };
}

/** Modulus size in bits. */
export function rsaModulusBits(key: RsaPrivateKey): number {
  return bitLength(bytesToBigInt(key.n));
}

/**
 * The raw RSA private operation m = c^d mod n via CRT (RFC 8017 §5.1.2 step 2.b), on an input of exactly
 * the modulus length; the result is checked with the public exponent before it leaves (a CRT fault would
 * otherwise leak a factor of n). Returns `undefined` if the input is not of the modulus length or not
 * smaller than n.
 */
export function rsaPrivateOperation(key: RsaPrivateKey, input: Uint8Array): Uint8Array | undefined {
  const n = bytesToBigInt(key.n);
  const length = Math.ceil(bitLength(n) / 8);
  if (input.length !== length) return undefined;
  const c = bytesToBigInt(input);
  if (c >= n) return undefined;
  const p = bytesToBigInt(key.p);
  const q = bytesToBigInt(key.q);
  const m1 = modPow(c, bytesToBigInt(key.dp), p);
  const m2 = modPow(c, bytesToBigInt(key.dq), q);
  const h = mod(bytesToBigInt(key.qinv) * (m1 - m2), p);
  const m = m2 + h * q;
  if (modPow(m, bytesToBigInt(key.e), n) !== c) throw new Error('RSA CRT self-check failed');
  return bigIntToBytes(m, length);
}
