/**
 * Big-integer helpers for the software card's isomorphic crypto engine (Node and browser alike: only
 * BigInt and `globalThis.crypto.getRandomValues`). Big-endian unsigned octet strings throughout, as in
 * SEC 1 §2.3 and RFC 8017 §4 (I2OSP / OS2IP).
 *
 * Note: BigInt arithmetic is not constant-time. The software card is a development and test card; a
 * real card's side-channel resistance is out of its scope.
 */

/** OS2IP (RFC 8017 §4.2): big-endian unsigned bytes → integer. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex.length === 0 ? 0n : BigInt(`0x${hex}`);
}

/** I2OSP (RFC 8017 §4.1): integer → exactly `length` big-endian bytes; throws `RangeError` if it does not fit. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n) throw new RangeError('negative integer');
  const hex = value.toString(16);
  if (hex.length > length * 2) throw new RangeError('integer too large');
  const padded = hex.padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(padded.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The non-negative residue of `a` modulo `m`. */
export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** `base^exponent mod modulus` by left-to-right square-and-multiply. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus === 1n) return 0n;
  let result = 1n;
  let b = mod(base, modulus);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

/** Modular inverse by the extended Euclidean algorithm; throws `RangeError` when none exists. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('not invertible');
  return mod(oldS, m);
}

/** Number of bits in the binary representation of a non-negative integer (0 for 0). */
export function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/** Cryptographically random bytes from the platform CSPRNG. */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}

/**
 * A uniformly random integer in [1, n-1] by rejection sampling (FIPS 186-5 Appendix A.4.2 style: draw
 * bitLength(n) bits, reject values outside the range). Used for EC private keys and ECDSA nonces.
 */
export function randomScalar(n: bigint): bigint {
  const bits = bitLength(n);
  const length = Math.ceil(bits / 8);
  const excess = length * 8 - bits;
  for (;;) {
    const bytes = randomBytes(length);
    bytes[0] = bytes[0]! & (0xff >> excess);
    const candidate = bytesToBigInt(bytes);
    if (candidate >= 1n && candidate < n) return candidate;
  }
}
