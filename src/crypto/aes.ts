/**
 * AES single-block cipher, FIPS 197 (128-, 192- and 256-bit keys). Byte-oriented and table-light: the
 * S-box is derived from GF(2^8) arithmetic at load time (FIPS 197 §5.1.1) rather than typed in.
 */

const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);

const rotl8 = (x: number, n: number): number => ((x << n) | (x >>> (8 - n))) & 0xff;

// FIPS 197 §5.1.1: S(x) = affine(x⁻¹ in GF(2^8)); walk the multiplicative group with generator 3.
{
  let p = 1;
  let q = 1;
  do {
    p = (p ^ (p << 1) ^ (p & 0x80 ? 0x1b : 0)) & 0xff; // p · 3
    q ^= q << 1; // q / 3
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    SBOX[p] = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63;
  } while (p !== 1);
  SBOX[0] = 0x63;
  for (let i = 0; i < 256; i++) INV_SBOX[SBOX[i]!] = i;
}

/** xtime: multiplication by x in GF(2^8) (FIPS 197 §4.2.1). */
const xtime = (a: number): number => ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff;

function mul(a: number, b: number): number {
  let r = 0;
  for (; b; b >>>= 1, a = xtime(a)) if (b & 1) r ^= a;
  return r;
}

/** Key expansion, FIPS 197 §5.2: (Nr + 1) round keys of 16 bytes, concatenated. */
function expandKey(key: Uint8Array): { w: Uint8Array; rounds: number } {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new RangeError('AES key must be 16, 24 or 32 bytes');
  const nk = key.length / 4;
  const rounds = nk + 6;
  const w = new Uint8Array(16 * (rounds + 1));
  w.set(key);
  let rcon = 1;
  for (let i = nk; i < 4 * (rounds + 1); i++) {
    let t = [w[4 * i - 4]!, w[4 * i - 3]!, w[4 * i - 2]!, w[4 * i - 1]!];
    if (i % nk === 0) {
      t = [SBOX[t[1]!]! ^ rcon, SBOX[t[2]!]!, SBOX[t[3]!]!, SBOX[t[0]!]!]; // SubWord(RotWord(t)) ⊕ Rcon
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk === 4) {
      t = t.map((b) => SBOX[b]!);
    }
    for (let j = 0; j < 4; j++) w[4 * i + j] = w[4 * (i - nk) + j]! ^ t[j]!;
  }
  return { w, rounds };
}

function addRoundKey(s: Uint8Array, w: Uint8Array, round: number): void {
  for (let i = 0; i < 16; i++) s[i]! ^= w[16 * round + i]!;
}

/** ShiftRows (§5.1.2) or InvShiftRows (§5.3.1): row r of the column-major state rotates by ±r. */
function shiftRows(s: Uint8Array, inverse: boolean): void {
  const t = s.slice();
  for (let c = 0; c < 4; c++) {
    for (let r = 1; r < 4; r++) s[r + 4 * c] = t[r + 4 * ((c + (inverse ? 4 - r : r)) % 4)]!;
  }
}

/** MixColumns (§5.1.3) with coefficients 02 03 01 01, or InvMixColumns (§5.3.3) with 0E 0B 0D 09. */
function mixColumns(s: Uint8Array, m: readonly [number, number, number, number]): void {
  for (let c = 0; c < 4; c++) {
    const a = s.slice(4 * c, 4 * c + 4);
    for (let r = 0; r < 4; r++) {
      s[4 * c + r] = mul(a[r]!, m[0]) ^ mul(a[(r + 1) % 4]!, m[1]) ^ mul(a[(r + 2) % 4]!, m[2]) ^ mul(a[(r + 3) % 4]!, m[3]);
    }
  }
}

function checkBlock(block: Uint8Array): void {
  if (block.length !== 16) throw new RangeError('AES block must be 16 bytes');
}

/** Encrypts one 16-byte block with a 16-, 24- or 32-byte key (FIPS 197 §5.1 Cipher). */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  checkBlock(block);
  const { w, rounds } = expandKey(key);
  const s = block.slice();
  addRoundKey(s, w, 0);
  for (let round = 1; round <= rounds; round++) {
    for (let i = 0; i < 16; i++) s[i] = SBOX[s[i]!]!;
    shiftRows(s, false);
    if (round !== rounds) mixColumns(s, [2, 3, 1, 1]);
    addRoundKey(s, w, round);
  }
  return s;
}

/** Decrypts one 16-byte block (FIPS 197 §5.3 InvCipher). */
export function aesDecryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  checkBlock(block);
  const { w, rounds } = expandKey(key);
  const s = block.slice();
  addRoundKey(s, w, rounds);
  for (let round = rounds - 1; round >= 0; round--) {
    shiftRows(s, true);
    for (let i = 0; i < 16; i++) s[i] = INV_SBOX[s[i]!]!;
    addRoundKey(s, w, round);
    if (round !== 0) mixColumns(s, [14, 11, 13, 9]);
  }
  return s;
}
