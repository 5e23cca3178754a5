/**
 * Thin, strict helpers over asn1js for the extension values this validator reads itself (where
 * pkijs's parsed form loses information, e.g. multi-valued RDNs or the ninth reason bit).
 * Every helper throws `PathFailure(CERTIFICATE_MALFORMED)` on anything unexpected.
 */
import * as asn1js from 'asn1js';
import { PathCode } from './codes.js';
import { fail } from './failure.js';
import { decodeBer } from '../../../src/pki/der.js';

/** A parsed ASN.1 element. */
export type Asn1Node = asn1js.AsnType;

/** ASN.1 tag classes as asn1js numbers them. */
export const TagClass = { UNIVERSAL: 1, APPLICATION: 2, CONTEXT: 3, PRIVATE: 4 } as const;

/** Universal tag numbers used here (X.680 §8.4). */
export const Tag = {
  BOOLEAN: 1, INTEGER: 2, BIT_STRING: 3, OCTET_STRING: 4, NULL: 5, OID: 6, ENUMERATED: 10,
  UTF8_STRING: 12, SEQUENCE: 16, SET: 17, NUMERIC_STRING: 18, PRINTABLE_STRING: 19, TELETEX_STRING: 20,
  IA5_STRING: 22, UTC_TIME: 23, GENERALIZED_TIME: 24, VISIBLE_STRING: 26, UNIVERSAL_STRING: 28, BMP_STRING: 30,
} as const;

/** Throws `CERTIFICATE_MALFORMED` for the named structure. */
export function malformed(what: string): never {
  return fail(PathCode.CERTIFICATE_MALFORMED, `malformed ${what}`);
}

/** Parses exactly one DER element filling all of `bytes`. */
export function parseDer(bytes: Uint8Array, what: string): Asn1Node {
  const parsed = decodeBer(bytes);
  if (parsed.offset === -1 || parsed.offset !== bytes.length || parsed.result.error !== '') malformed(what);
  return parsed.result;
}

/** The element's whole encoding (identifier, length and contents). */
export function encoding(node: Asn1Node): Uint8Array {
  return node.valueBeforeDecodeView;
}

/** The contents octets of a primitive or constructed element (X.690 §8.1.1). */
export function contents(node: Asn1Node, what: string): Uint8Array {
  const der = node.valueBeforeDecodeView;
  let offset = 1;
  if (((der[0] ?? 0) & 0x1f) === 0x1f) {
    while (((der[offset] ?? 0) & 0x80) !== 0) offset++;
    offset++;
  }
  const first = der[offset];
  if (first === undefined) malformed(what);
  offset++;
  if (first & 0x80) offset += first & 0x7f;
  if (offset > der.length) malformed(what);
  return der.subarray(offset);
}

/** True when `node` has the given class and tag number. */
export function hasTag(node: Asn1Node, tagClass: number, tagNumber: number): boolean {
  return node.idBlock.tagClass === tagClass && node.idBlock.tagNumber === tagNumber;
}

/** The children of a constructed element (SEQUENCE, SET, or a constructed context tag). */
export function children(node: Asn1Node, what: string): Asn1Node[] {
  if (!node.idBlock.isConstructed || !(node instanceof asn1js.Constructed || node instanceof asn1js.Sequence || node instanceof asn1js.Set)) {
    malformed(what);
  }
  return node.valueBlock.value;
}

/** The children of a universal SEQUENCE. */
export function sequence(node: Asn1Node, what: string): Asn1Node[] {
  if (!hasTag(node, TagClass.UNIVERSAL, Tag.SEQUENCE)) malformed(what);
  return children(node, what);
}

/** The dotted OID of an OBJECT IDENTIFIER element. */
export function oid(node: Asn1Node, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) malformed(what);
  const value = node.getValue();
  if (value === '') malformed(what);
  return value;
}

/** The value of a BOOLEAN, universal or implicitly tagged (DER: 0x00 or 0xFF). */
export function boolean(node: Asn1Node, what: string): boolean {
  const value = contents(node, what);
  if (value.length !== 1) malformed(what);
  return value[0] !== 0;
}

/** The value of an INTEGER or ENUMERATED (universal or implicitly tagged) as a bigint. */
export function integer(node: Asn1Node, what: string): bigint {
  return integerFromBytes(contents(node, what), what);
}

/** Two's-complement big-endian bytes → bigint (X.690 §8.3). */
export function integerFromBytes(bytes: Uint8Array, what: string): bigint {
  if (bytes.length === 0) malformed(what);
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  if ((bytes[0] ?? 0) & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

/** A small non-negative INTEGER as a number (path lengths, skip counts); huge values saturate. */
export function smallInteger(node: Asn1Node, what: string): number {
  const value = integer(node, what);
  if (value < 0n) malformed(what);
  return value > 1_000_000n ? 1_000_000 : Number(value);
}

/**
 * The set bits of a BIT STRING (universal or implicitly tagged) as a mask: bit 0 (the first,
 * most significant bit) is mask value 1, bit n is `1 << n` (X.690 §8.6).
 */
export function bitMask(node: Asn1Node, what: string): number {
  const value = contents(node, what);
  const unused = value[0];
  if (unused === undefined || unused > 7 || (value.length === 1 && unused !== 0)) malformed(what);
  let mask = 0;
  for (let bit = 0; bit < (value.length - 1) * 8 - unused && bit < 31; bit++) {
    if (((value[1 + (bit >> 3)] ?? 0) & (0x80 >> (bit & 7))) !== 0) mask |= 1 << bit;
  }
  return mask;
}
