/** DER in and out of asn1js, with typed errors and no trailing garbage accepted. */
import * as asn1js from 'asn1js';
import { PkiError, type PkiErrorCode } from './errors.js';

/**
 * `asn1js.fromBER` that never throws. asn1js reports most malformed input as `offset: -1` with
 * `result.error`, but throws a plain Error for a GeneralizedTime whose text it cannot convert (e.g.
 * `18 03 31 32 78`): here that is reported the same way, so one corrupted byte in a certificate, CRL or
 * OCSP response becomes the caller's typed "malformed" error, never an untyped crash.
 */
export function decodeBer(bytes: Uint8Array): asn1js.FromBerResult {
  try {
    return asn1js.fromBER(bytes);
  } catch (error) {
    const result = new asn1js.Primitive();
    result.error = error instanceof Error ? error.message : String(error);
    return { offset: -1, result };
  }
}

/**
 * Parses one complete BER/DER value. Trailing bytes, truncation and empty input are refused with
 * `code`, so a caller never works on half of what it was given.
 */
export function parseDer(bytes: Uint8Array, code: PkiErrorCode, what: string): asn1js.AsnType {
  if (bytes.length === 0) throw new PkiError(code, `${what} is empty`);
  const parsed = decodeBer(bytes);
  if (parsed.offset === -1) throw new PkiError(code, `${what} is not valid DER: ${parsed.result.error || 'parse error'}`);
  if (parsed.offset !== bytes.length) throw new PkiError(code, `${what} has ${bytes.length - parsed.offset} trailing bytes`);
  return parsed.result;
}

/** Runs a pkijs `fromSchema` constructor and turns its schema errors into `code`. */
export function fromSchema<T>(bytes: Uint8Array, code: PkiErrorCode, what: string, build: (schema: asn1js.AsnType) => T): T {
  const schema = parseDer(bytes, code, what);
  try {
    return build(schema);
  } catch (error) {
    throw new PkiError(code, `${what} does not have the expected structure: ${(error as Error).message}`);
  }
}

/** The DER bytes of an asn1js value (or pkijs `toSchema()` result) as a fresh `Uint8Array`. */
export function toDer(value: { toBER(sizeOnly?: boolean): ArrayBuffer }): Uint8Array {
  return new Uint8Array(value.toBER(false));
}

/** A copy of `bytes` as an `ArrayBuffer` of exactly that length (for APIs that take `ArrayBuffer`). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

/** Truncates a date to whole seconds: DER times carry no fractions (RFC 5280 §4.1.2.5.2, §5.1.2.4). */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
