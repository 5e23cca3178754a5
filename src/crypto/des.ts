/**
 * DES (FIPS 46-3) and Triple-DES / TDEA (NIST SP 800-67 Rev. 2) single-block encrypt and decrypt.
 * Bit-array implementation straight from the standard's tables: slow but short, and used only for the
 * management-key exchange. Parity bits of keys are ignored, as FIPS 46-3 §2 allows.
 */

// FIPS 46-3 Appendix 1: initial permutation IP; IP⁻¹ is derived from it.
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
  57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const FP = new Array<number>(64);
IP.forEach((from, to) => (FP[from - 1] = to + 1));

// E bit-selection table and permutation P of the cipher function f.
const E = [
  32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
  16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31, 32, 1,
];
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];

// Key schedule: permuted choices 1 and 2 and the left-shift counts (FIPS 46-3 Appendix 1, "Key schedule").
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
  41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];

// The eight selection functions S1..S8, each 4 rows × 16 columns.
const S = [
  '14 4 13 1 2 15 11 8 3 10 6 12 5 9 0 7 0 15 7 4 14 2 13 1 10 6 12 11 9 5 3 8 4 1 14 8 13 6 2 11 15 12 9 7 3 10 5 0 15 12 8 2 4 9 1 7 5 11 3 14 10 0 6 13',
  '15 1 8 14 6 11 3 4 9 7 2 13 12 0 5 10 3 13 4 7 15 2 8 14 12 0 1 10 6 9 11 5 0 14 7 11 10 4 13 1 5 8 12 6 9 3 2 15 13 8 10 1 3 15 4 2 11 6 7 12 0 5 14 9',
  '10 0 9 14 6 3 15 5 1 13 12 7 11 4 2 8 13 7 0 9 3 4 6 10 2 8 5 14 12 11 15 1 13 6 4 9 8 15 3 0 11 1 2 12 5 10 14 7 1 10 13 0 6 9 8 7 4 15 14 3 11 5 2 12',
  '7 13 14 3 0 6 9 10 1 2 8 5 11 12 4 15 13 8 11 5 6 15 0 3 4 7 2 12 1 10 14 9 10 6 9 0 12 11 7 13 15 1 3 14 5 2 8 4 3 15 0 6 10 1 13 8 9 4 5 11 12 7 2 14',
  '2 12 4 1 7 10 11 6 8 5 3 15 13 0 14 9 14 11 2 12 4 7 13 1 5 0 15 10 3 9 8 6 4 2 1 11 10 13 7 8 15 9 12 5 6 3 0 14 11 8 12 7 1 14 2 13 6 15 0 9 10 4 5 3',
  '12 1 10 15 9 2 6 8 0 13 3 4 14 7 5 11 10 15 4 2 7 12 9 5 6 1 13 14 0 11 3 8 9 14 15 5 2 8 12 3 7 0 4 10 1 13 11 6 4 3 2 12 9 5 15 10 11 14 1 7 6 0 8 13',
  '4 11 2 14 15 0 8 13 3 12 9 7 5 10 6 1 13 0 11 7 4 9 1 10 14 3 5 12 2 15 8 6 1 4 11 13 12 3 7 14 10 15 6 8 0 5 9 2 6 11 13 8 1 4 10 7 9 5 0 15 14 2 3 12',
  '13 2 8 4 6 15 11 1 10 9 3 14 5 0 12 7 1 15 13 8 10 3 7 4 12 5 6 11 0 14 9 2 7 11 4 1 9 12 14 2 0 6 10 13 15 3 5 8 2 1 14 7 4 10 8 13 15 12 9 0 3 5 6 11',
].map((row) => row.split(' ').map(Number));

type Bits = number[];

const toBits = (bytes: Uint8Array): Bits => Array.from({ length: bytes.length * 8 }, (_, i) => (bytes[i >> 3]! >> (7 - (i & 7))) & 1);
const fromBits = (bits: Bits): Uint8Array => {
  const out = new Uint8Array(bits.length / 8);
  bits.forEach((b, i) => (out[i >> 3]! |= b << (7 - (i & 7))));
  return out;
};
const permute = (bits: Bits, table: readonly number[]): Bits => table.map((n) => bits[n - 1]!);
const rotl = (bits: Bits, n: number): Bits => [...bits.slice(n), ...bits.slice(0, n)];

/** The 16 48-bit subkeys K1..K16 (FIPS 46-3, "Key schedule calculation"). */
function subkeys(key: Uint8Array): Bits[] {
  const cd = permute(toBits(key), PC1);
  let c = cd.slice(0, 28);
  let d = cd.slice(28);
  return SHIFTS.map((n) => {
    c = rotl(c, n);
    d = rotl(d, n);
    return permute([...c, ...d], PC2);
  });
}

/** The cipher function f(R, K) (FIPS 46-3, "The cipher function f"). */
function f(r: Bits, k: Bits): Bits {
  const x = permute(r, E).map((b, i) => b ^ k[i]!);
  const out: Bits = [];
  for (let j = 0; j < 8; j++) {
    const six = x.slice(6 * j, 6 * j + 6);
    const row = (six[0]! << 1) | six[5]!;
    const col = (six[1]! << 3) | (six[2]! << 2) | (six[3]! << 1) | six[4]!;
    const v = S[j]![16 * row + col]!;
    out.push((v >> 3) & 1, (v >> 2) & 1, (v >> 1) & 1, v & 1);
  }
  return permute(out, P);
}

function des(key: Uint8Array, block: Uint8Array, decrypt: boolean): Uint8Array {
  if (key.length !== 8) throw new RangeError('DES key must be 8 bytes');
  if (block.length !== 8) throw new RangeError('DES block must be 8 bytes');
  const ks = subkeys(key);
  if (decrypt) ks.reverse(); // deciphering uses K16..K1
  const lr = permute(toBits(block), IP);
  let l = lr.slice(0, 32);
  let r = lr.slice(32);
  for (const k of ks) {
    const fr = f(r, k); // L_i = R_{i-1}, R_i = L_{i-1} ⊕ f(R_{i-1}, K_i)
    [l, r] = [r, l.map((b, i) => b ^ fr[i]!)];
  }
  return fromBits(permute([...r, ...l], FP)); // preoutput is R16 L16
}

/** DES-encrypts one 8-byte block with an 8-byte key. */
export function desEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  return des(key, block, false);
}

/** DES-decrypts one 8-byte block with an 8-byte key. */
export function desDecryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  return des(key, block, true);
}

/** K1, K2, K3 of a 24-byte (3-key) or 16-byte (2-key, K3 = K1) TDEA key bundle (SP 800-67 §3.1). */
function bundle(key: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  if (key.length !== 24 && key.length !== 16) throw new RangeError('3DES key must be 16 or 24 bytes');
  const k1 = key.subarray(0, 8);
  return [k1, key.subarray(8, 16), key.length === 24 ? key.subarray(16, 24) : k1];
}

/** TDEA encryption, SP 800-67 §3.1: C = E_K3(D_K2(E_K1(P))). */
export function tdesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const [k1, k2, k3] = bundle(key);
  return des(k3, des(k2, des(k1, block, false), true), false);
}

/** TDEA decryption, SP 800-67 §3.1: P = D_K1(E_K2(D_K3(C))). */
export function tdesDecryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const [k1, k2, k3] = bundle(key);
  return des(k1, des(k2, des(k3, block, true), false), true);
}
