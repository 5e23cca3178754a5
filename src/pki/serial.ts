/** Certificate serial numbers (RFC 5280 §4.1.2.2): positive, at most 20 octets, unpredictable. */
import * as asn1js from 'asn1js';
import { fromHex, toHex } from '../bytes.js';
import { PkiError, PkiErrorCode } from './errors.js';
import { toArrayBuffer } from './der.js';

/**
 * A fresh serial: 16 random octets whose first octet is 0x40–0x7F, so the INTEGER is positive and its
 * minimal DER encoding is exactly these 16 octets (126 random bits, well above the 64 the CA/B Forum asks).
 */
export function randomSerial(): Uint8Array {
  const serial = crypto.getRandomValues(new Uint8Array(16));
  serial[0] = (serial[0]! & 0x3f) | 0x40; // RFC 5280 §4.1.2.2: positive; no leading zero octet needed
  return serial;
}

/**
 * Canonical hex form of a serial: lower case, leading zero octets removed (so the hex of a DER INTEGER's
 * content octets and the hex a user types compare equal). Throws `SERIAL_MALFORMED` for anything that is
 * not 1–20 octets of hex or is zero.
 */
export function normalizeSerialHex(text: string): string {
  if (!/^[0-9a-fA-F]{1,42}$/.test(text)) throw new PkiError(PkiErrorCode.SERIAL_MALFORMED, 'serial must be hex');
  const padded = text.length % 2 === 0 ? text.toLowerCase() : `0${text.toLowerCase()}`;
  const stripped = padded.replace(/^(?:00)+/, '');
  if (stripped.length === 0) throw new PkiError(PkiErrorCode.SERIAL_MALFORMED, 'serial must not be zero');
  if (stripped.length > 40) throw new PkiError(PkiErrorCode.SERIAL_MALFORMED, 'serial is longer than 20 octets');
  return stripped;
}

/** The asn1js INTEGER for a canonical hex serial (adds a 00 octet if the top bit is set, DER §8.3). */
export function serialToInteger(serialHex: string): asn1js.Integer {
  const magnitude = fromHex(normalizeSerialHex(serialHex));
  const content = magnitude[0]! & 0x80 ? Uint8Array.of(0, ...magnitude) : magnitude;
  return new asn1js.Integer({ valueHex: toArrayBuffer(content) });
}

/** The canonical hex serial of an asn1js INTEGER; negative or zero serials are refused. */
export function integerToSerialHex(integer: asn1js.Integer): string {
  const content = integer.valueBlock.valueHexView;
  if (content.length === 0 || content[0]! & 0x80) {
    throw new PkiError(PkiErrorCode.SERIAL_MALFORMED, 'serial number is not a positive INTEGER');
  }
  return normalizeSerialHex(toHex(content));
}
