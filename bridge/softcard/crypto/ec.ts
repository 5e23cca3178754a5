/**
 * Elliptic-curve arithmetic for the software card: NIST P-256 and P-384 (FIPS 186-4 Appendix D.1.2),
 * Jacobian coordinates, ECDSA over a digest the host computed (SEC 1 v2 §4.1.3 — WebCrypto cannot do
 * this: its ECDSA always hashes the input itself), ECDH (SP 800-56A §5.7.1.2) and key generation.
 * Pure BigInt, so it runs unchanged in Node and in the extension.
 */
import { bigIntToBytes, bitLength, bytesToBigInt, mod, modInverse, randomScalar } from './bigint.js';

/** A short-Weierstrass curve y² = x³ + ax + b over GF(p) with a = -3, base point G of prime order n. */
export interface Curve {
  readonly name: 'P-256' | 'P-384';
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  readonly n: bigint;
  readonly gx: bigint;
  readonly gy: bigint;
  /** Field and scalar size in bytes (32 or 48). */
  readonly size: number;
}

const P256_P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const P384_P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn;

/** NIST P-256 (secp256r1), FIPS 186-4 §D.1.2.3. */
export const P256: Curve = {
  name: 'P-256',
  p: P256_P,
  a: P256_P - 3n,
  b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  size: 32,
};

/** NIST P-384 (secp384r1), FIPS 186-4 §D.1.2.4. */
export const P384: Curve = {
  name: 'P-384',
  p: P384_P,
  a: P384_P - 3n,
  b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
  gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
  size: 48,
};

/** A point in Jacobian coordinates (X/Z², Y/Z³); Z = 0 is the point at infinity. */
interface Jacobian {
  readonly x: bigint;
  readonly y: bigint;
  readonly z: bigint;
}

const INFINITY: Jacobian = { x: 1n, y: 1n, z: 0n };

/** Point doubling for a = -3 ("dbl-2001-b", Bernstein–Lange Explicit-Formulas Database). */
function double(c: Curve, P: Jacobian): Jacobian {
  if (P.z === 0n || P.y === 0n) return INFINITY;
  const p = c.p;
  const delta = (P.z * P.z) % p;
  const gamma = (P.y * P.y) % p;
  const beta = (P.x * gamma) % p;
  const alpha = (3n * mod(P.x - delta, p) * ((P.x + delta) % p)) % p;
  const x3 = mod(alpha * alpha - 8n * beta, p);
  const z3 = mod((P.y + P.z) * (P.y + P.z) - gamma - delta, p);
  const y3 = mod(alpha * (4n * beta - x3) - 8n * gamma * gamma, p);
  return { x: x3, y: y3, z: z3 };
}

/** General Jacobian addition ("add-2007-bl"), handling P = Q and P = -Q. */
function add(c: Curve, P: Jacobian, Q: Jacobian): Jacobian {
  if (P.z === 0n) return Q;
  if (Q.z === 0n) return P;
  const p = c.p;
  const z1z1 = (P.z * P.z) % p;
  const z2z2 = (Q.z * Q.z) % p;
  const u1 = (P.x * z2z2) % p;
  const u2 = (Q.x * z1z1) % p;
  const s1 = (((P.y * Q.z) % p) * z2z2) % p;
  const s2 = (((Q.y * P.z) % p) * z1z1) % p;
  const h = mod(u2 - u1, p);
  const r = mod(2n * (s2 - s1), p);
  if (h === 0n) return r === 0n ? double(c, P) : INFINITY;
  const i = (4n * h * h) % p;
  const j = (h * i) % p;
  const v = (u1 * i) % p;
  const x3 = mod(r * r - j - 2n * v, p);
  const y3 = mod(r * (v - x3) - 2n * s1 * j, p);
  const z3 = mod(((P.z + Q.z) * (P.z + Q.z) - z1z1 - z2z2) * h, p);
  return { x: x3, y: y3, z: z3 };
}

/** Scalar multiplication k·P with a fixed 4-bit window. */
function multiply(c: Curve, k: bigint, P: Jacobian): Jacobian {
  const table: Jacobian[] = [INFINITY, P];
  for (let i = 2; i < 16; i++) table.push(add(c, table[i - 1]!, P));
  let result = INFINITY;
  const digits = k.toString(16);
  for (const digit of digits) {
    result = double(c, double(c, double(c, double(c, result))));
    result = add(c, result, table[parseInt(digit, 16)]!);
  }
  return result;
}

function toAffine(c: Curve, P: Jacobian): { x: bigint; y: bigint } {
  if (P.z === 0n) throw new RangeError('point at infinity');
  const zInv = modInverse(P.z, c.p);
  const zInv2 = (zInv * zInv) % c.p;
  return { x: (P.x * zInv2) % c.p, y: (((P.y * zInv2) % c.p) * zInv) % c.p };
}

function generator(c: Curve): Jacobian {
  return { x: c.gx, y: c.gy, z: 1n };
}

/** True when (x, y) satisfies the curve equation with coordinates in [0, p-1] (SEC 1 §3.2.2.1 steps 2–3). */
function onCurve(c: Curve, x: bigint, y: bigint): boolean {
  if (x < 0n || x >= c.p || y < 0n || y >= c.p) return false;
  return mod(y * y - (x * x * x + c.a * x + c.b), c.p) === 0n;
}

/** Uncompressed point encoding 04 ‖ X ‖ Y (SEC 1 §2.3.3). */
function encodePoint(c: Curve, x: bigint, y: bigint): Uint8Array {
  const out = new Uint8Array(1 + 2 * c.size);
  out[0] = 0x04;
  out.set(bigIntToBytes(x, c.size), 1);
  out.set(bigIntToBytes(y, c.size), 1 + c.size);
  return out;
}

/** A fresh private scalar d, uniform in [1, n-1] (FIPS 186-5 §A.4.2). */
export function generateEcPrivateKey(c: Curve): Uint8Array {
  return bigIntToBytes(randomScalar(c.n), c.size);
}

/** True when `d` is a valid private scalar for the curve: exactly `size` bytes, 1 ≤ d ≤ n-1. */
export function isValidEcPrivateKey(c: Curve, d: Uint8Array): boolean {
  if (d.length !== c.size) return false;
  const value = bytesToBigInt(d);
  return value >= 1n && value < c.n;
}

/** The public point Q = d·G, uncompressed (04 ‖ X ‖ Y). */
export function ecPublicKey(c: Curve, d: Uint8Array): Uint8Array {
  const { x, y } = toAffine(c, multiply(c, bytesToBigInt(d), generator(c)));
  return encodePoint(c, x, y);
}

/**
 * SEC 1 §4.1.3 step 5 / FIPS 186-4 §6.4: the digest's leftmost bitLength(n) bits as an integer. Shorter
 * digests are used as they are (equivalent to left-padding with zeros).
 */
function digestToInteger(c: Curve, digest: Uint8Array): bigint {
  const e = bytesToBigInt(digest);
  const excess = digest.length * 8 - bitLength(c.n);
  return excess > 0 ? e >> BigInt(excess) : e;
}

/**
 * ECDSA signature of a digest the host already computed (SEC 1 §4.1.3), with a fresh random nonce k
 * drawn by rejection sampling. Returns raw r ‖ s, each `size` bytes.
 */
export function ecdsaSignDigest(c: Curve, d: Uint8Array, digest: Uint8Array): Uint8Array {
  const dValue = bytesToBigInt(d);
  const e = digestToInteger(c, digest);
  for (;;) {
    const k = randomScalar(c.n);
    const R = toAffine(c, multiply(c, k, generator(c)));
    const r = R.x % c.n;
    if (r === 0n) continue;
    const s = (modInverse(k, c.n) * ((e + r * dValue) % c.n)) % c.n;
    if (s === 0n) continue;
    const out = new Uint8Array(2 * c.size);
    out.set(bigIntToBytes(r, c.size), 0);
    out.set(bigIntToBytes(s, c.size), c.size);
    return out;
  }
}

/**
 * ECC CDH primitive (SP 800-56A §5.7.1.2): the X coordinate of d·Q for the peer's uncompressed point Q,
 * after full public-key validation (SP 800-56A §5.6.2.3.3; the cofactor is 1 for both curves). Returns
 * `undefined` for an invalid point, so the caller can answer with a status word.
 */
export function ecdhSharedSecret(c: Curve, d: Uint8Array, peerPoint: Uint8Array): Uint8Array | undefined {
  if (peerPoint.length !== 1 + 2 * c.size || peerPoint[0] !== 0x04) return undefined;
  const x = bytesToBigInt(peerPoint.subarray(1, 1 + c.size));
  const y = bytesToBigInt(peerPoint.subarray(1 + c.size));
  if (!onCurve(c, x, y)) return undefined;
  const shared = multiply(c, bytesToBigInt(d), { x, y, z: 1n });
  if (shared.z === 0n) return undefined;
  return bigIntToBytes(toAffine(c, shared).x, c.size);
}
