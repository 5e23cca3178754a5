/**
 * Field readers for `parseRequest` (src/messages.ts): each reads one named field of an untrusted object
 * and returns it typed, or throws `BAD_MESSAGE` naming the field. A parsed request is always built fresh
 * from these readers, so fields the protocol does not define (a forged `origin`, say) never get through.
 */
import { KyotsuError, MessagingErrorCode } from './errors.js';

/** An untrusted message body that is at least a plain object. */
export type Fields = Readonly<Record<string, unknown>>;

function bad(field: string, expected: string): KyotsuError {
  return new KyotsuError(MessagingErrorCode.BAD_MESSAGE, `field "${field}" must be ${expected}`, { field });
}

/** A string of `min`..`max` characters, optionally matching `pattern`. */
export function stringField(body: Fields, field: string, min: number, max: number, pattern?: RegExp): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length < min || value.length > max || (pattern && !pattern.test(value))) {
    throw bad(field, `a string of ${min}–${max} characters${pattern ? ` matching ${String(pattern)}` : ''}`);
  }
  return value;
}

/** A boolean. */
export function booleanField(body: Fields, field: string): boolean {
  const value = body[field];
  if (typeof value !== 'boolean') throw bad(field, 'a boolean');
  return value;
}

/** An integer in `min`..`max`. */
export function integerField(body: Fields, field: string, min: number, max: number): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(field, `an integer in ${min}..${max}`);
  }
  return value;
}

/** One of a fixed list of strings. */
export function enumField<T extends string>(body: Fields, field: string, allowed: readonly T[]): T {
  const value = body[field];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw bad(field, `one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** A nested plain object (not an array, not null). */
export function objectField(body: Fields, field: string): Fields {
  const value = body[field];
  if (!isPlainObject(value)) throw bad(field, 'an object');
  return value;
}

/** True when the field is present (not `undefined`), for optional fields. */
export function hasField(body: Fields, field: string): boolean {
  return Object.hasOwn(body, field) && body[field] !== undefined;
}

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An http(s) origin exactly as the browser serialises it (`https://bank.example`, no path); used for
 * options-page requests that name a provider. Never used to decide who sent a message.
 */
export function originField(body: Fields, field: string): string {
  const value = stringField(body, field, 8, 2048);
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    if (error instanceof TypeError) throw bad(field, 'an http(s) origin');
    throw error;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value) throw bad(field, 'an http(s) origin');
  return value;
}
