/**
 * BER-TLV as smart cards use it (ISO/IEC 7816-4 §5.2.2 (2020 ed.: §6.3), SP 800-73-4 Part 1 Appendix A):
 * tags of one to three bytes, definite lengths of up to three length bytes. Isomorphic: shared by the
 * host-side PIV session and the software card. Reading is strict about structure (every byte must belong
 * to a TLV, no indefinite length, no overruns) and throws `TLV_MALFORMED`; writing is minimal (DER-like).
 */
import { CardError, CardErrorCode } from './card-errors.js';

/** One data object. `tag` is the tag bytes read as a big-endian number (5F C1 05 → 0x5fc105). */
export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
  /** True when the tag's constructed bit (b6 of the first tag byte) is set. */
  readonly constructed: boolean;
}

function malformed(why: string, offset: number): CardError {
  return new CardError(CardErrorCode.TLV_MALFORMED, `Malformed BER-TLV: ${why}`, { offset });
}

/** Reads the TLV at `offset`; returns it and the offset after it. */
export function readTlv(bytes: Uint8Array, offset = 0): { tlv: Tlv; next: number } {
  let i = offset;
  const first = bytes[i++];
  if (first === undefined) throw malformed('truncated tag', offset);
  // ISO/IEC 7816-4 §5.2.2.1: '00' and 'FF' are not valid first tag bytes.
  if (first === 0x00 || first === 0xff) throw malformed(`invalid tag byte ${first.toString(16)}`, offset);
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    // Subsequent tag bytes: b8 = more follow (ISO/IEC 7816-4 §5.2.2.1); at most 3 tag bytes in total.
    for (let n = 1; ; n++) {
      const b = bytes[i++];
      if (b === undefined) throw malformed('truncated tag', offset);
      if (n > 2) throw malformed('tag longer than 3 bytes', offset);
      tag = tag * 256 + b;
      if ((b & 0x80) === 0) break;
    }
  }
  const lengthByte = bytes[i++];
  if (lengthByte === undefined) throw malformed('truncated length', offset);
  let length = lengthByte;
  if (lengthByte > 0x80) {
    const count = lengthByte & 0x7f;
    if (count > 3) throw malformed('length longer than 3 bytes', offset);
    length = 0;
    for (let n = 0; n < count; n++) {
      const b = bytes[i++];
      if (b === undefined) throw malformed('truncated length', offset);
      length = length * 256 + b;
    }
  } else if (lengthByte === 0x80) {
    throw malformed('indefinite length', offset);
  }
  const end = i + length;
  if (end > bytes.length) throw malformed(`value of ${length} bytes overruns the data`, offset);
  return { tlv: { tag, value: bytes.subarray(i, end), constructed: (first & 0x20) !== 0 }, next: end };
}

/** Parses a sequence of TLVs that must cover `bytes` exactly (an empty input gives an empty list). */
export function parseTlvs(bytes: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const { tlv, next } = readTlv(bytes, offset);
    out.push(tlv);
    offset = next;
  }
  return out;
}

/** Parses exactly one TLV covering all of `bytes`, optionally checking its tag. */
export function parseSingleTlv(bytes: Uint8Array, expectedTag?: number): Tlv {
  const { tlv, next } = readTlv(bytes, 0);
  if (next !== bytes.length) throw malformed('trailing bytes after the data object', next);
  if (expectedTag !== undefined && tlv.tag !== expectedTag) {
    throw malformed(`expected tag ${expectedTag.toString(16)}, found ${tlv.tag.toString(16)}`, 0);
  }
  return tlv;
}

/** The value of the first TLV with `tag`, or `undefined`. */
export function findTlv(tlvs: readonly Tlv[], tag: number): Uint8Array | undefined {
  return tlvs.find((t) => t.tag === tag)?.value;
}

/** The tag bytes of a numeric tag (0x5fc105 → 5F C1 05). */
export function encodeTag(tag: number): Uint8Array {
  if (!Number.isInteger(tag) || tag <= 0 || tag > 0xffffff) throw new RangeError(`bad tag ${tag}`);
  if (tag > 0xffff) return Uint8Array.of(tag >>> 16, (tag >>> 8) & 0xff, tag & 0xff);
  if (tag > 0xff) return Uint8Array.of(tag >>> 8, tag & 0xff);
  return Uint8Array.of(tag);
}

/** Minimal definite length bytes (ISO/IEC 7816-4 §5.2.2.2): 0..7F, 81 xx, 82 xxxx, 83 xxxxxx. */
export function encodeLength(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffff) throw new RangeError(`bad length ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return Uint8Array.of(0x82, length >>> 8, length & 0xff);
  return Uint8Array.of(0x83, length >>> 16, (length >>> 8) & 0xff, length & 0xff);
}

/** Encodes one TLV; `value` may be several byte arrays, concatenated. */
export function encodeTlv(tag: number, ...value: readonly Uint8Array[]): Uint8Array {
  const tagBytes = encodeTag(tag);
  const length = value.reduce((n, v) => n + v.length, 0);
  const lengthBytes = encodeLength(length);
  const out = new Uint8Array(tagBytes.length + lengthBytes.length + length);
  out.set(tagBytes, 0);
  out.set(lengthBytes, tagBytes.length);
  let offset = tagBytes.length + lengthBytes.length;
  for (const v of value) {
    out.set(v, offset);
    offset += v.length;
  }
  return out;
}
