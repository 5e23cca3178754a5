/**
 * ECDSA signature encodings: the DER `Ecdsa-Sig-Value` of RFC 3279 §2.2.3 (what PIV cards return,
 * SP 800-73-4 Part 2 §3.2.4) and the raw fixed-width r‖s of IEEE P1363 (what WebCrypto and the
 * Web eID token use). Strict both ways: non-minimal or oversized integers are refused.
 */
import { KyotsuError } from '../errors.js';

/** Code for a signature that is not a well-formed encoding. */
export const SIGNATURE_MALFORMED = 'SIGNATURE_MALFORMED';

function malformed(why: string): KyotsuError {
  return new KyotsuError(SIGNATURE_MALFORMED, `ECDSA signature is malformed: ${why}`);
}

/** Reads a DER length at `offset`; returns [length, nextOffset]. Only definite, minimal lengths. */
function readLength(der: Uint8Array, offset: number): [number, number] {
  const first = der[offset];
  if (first === undefined) throw malformed('truncated length');
  if (first < 0x80) return [first, offset + 1];
  const count = first & 0x7f;
  if (count === 0 || count > 2) throw malformed('unsupported length form');
  let length = 0;
  for (let i = 1; i <= count; i++) {
    const b = der[offset + i];
    if (b === undefined) throw malformed('truncated length');
    length = (length << 8) | b;
  }
  if (length < 0x80 || (count === 2 && length < 0x100)) throw malformed('non-minimal length');
  return [length, offset + 1 + count];
}

function readInteger(der: Uint8Array, offset: number, size: number): [Uint8Array, number] {
  if (der[offset] !== 0x02) throw malformed('expected INTEGER');
  const [length, start] = readLength(der, offset + 1);
  const end = start + length;
  if (length === 0 || end > der.length) throw malformed('bad INTEGER length');
  const value = der.subarray(start, end);
  if (value[0]! & 0x80) throw malformed('negative INTEGER');
  if (value.length > 1 && value[0] === 0 && !(value[1]! & 0x80)) throw malformed('non-minimal INTEGER');
  const magnitude = value[0] === 0 ? value.subarray(1) : value;
  if (magnitude.length > size) throw malformed('INTEGER larger than the curve order');
  const out = new Uint8Array(size);
  out.set(magnitude, size - magnitude.length);
  return [out, end];
}

/**
 * DER `SEQUENCE { r INTEGER, s INTEGER }` → raw r‖s, each `size` bytes (32 for P-256, 48 for P-384,
 * 66 for P-521). Throws `SIGNATURE_MALFORMED` on anything but exact, minimal DER.
 */
export function derToRawEcdsa(der: Uint8Array, size: number): Uint8Array {
  if (der[0] !== 0x30) throw malformed('expected SEQUENCE');
  const [length, start] = readLength(der, 1);
  if (start + length !== der.length) throw malformed('SEQUENCE length does not match');
  const [r, afterR] = readInteger(der, start, size);
  const [s, afterS] = readInteger(der, afterR, size);
  if (afterS !== der.length) throw malformed('trailing bytes');
  const raw = new Uint8Array(size * 2);
  raw.set(r, 0);
  raw.set(s, size);
  return raw;
}

function encodeInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const trimmed = magnitude.subarray(i);
  const pad = trimmed[0]! & 0x80 ? 1 : 0;
  const out = new Uint8Array(2 + pad + trimmed.length);
  out[0] = 0x02;
  out[1] = pad + trimmed.length;
  out.set(trimmed, 2 + pad);
  return out;
}

/** Raw r‖s (even length, at most 2×66 bytes) → DER `Ecdsa-Sig-Value`. */
export function rawToDerEcdsa(raw: Uint8Array): Uint8Array {
  if (raw.length === 0 || raw.length % 2 !== 0 || raw.length > 132) throw malformed('raw length must be even and ≤ 132');
  const half = raw.length / 2;
  const r = encodeInteger(raw.subarray(0, half));
  const s = encodeInteger(raw.subarray(half));
  const bodyLength = r.length + s.length;
  const header = bodyLength < 0x80 ? [0x30, bodyLength] : [0x30, 0x81, bodyLength];
  const out = new Uint8Array(header.length + bodyLength);
  out.set(header, 0);
  out.set(r, header.length);
  out.set(s, header.length + r.length);
  return out;
}
