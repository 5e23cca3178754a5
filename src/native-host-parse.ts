/**
 * Strict parsers of the native-host protocol (src/native-host-protocol.ts): the host turns untrusted browser
 * input into a `NativeRequest` only here, and the client turns untrusted host output into replies and events
 * only here. A parsed value is built fresh from checked fields; a member the protocol does not define is an
 * error, not something silently passed on.
 */
import { fromBase64 } from './bytes.js';
import { type ErrorObject, isErrorObject, KyotsuError, MessagingErrorCode } from './errors.js';
import { NativeHostError, NativeHostErrorCode } from './native-host-errors.js';
import {
  type EndDisposition,
  MAX_BEGIN_TIMEOUT_MS,
  MAX_COMMAND_APDU_BYTES,
  MAX_READER_NAME_LENGTH,
  MAX_RESPONSE_APDU_BYTES,
  type NativeErrorReply,
  type NativeEvent,
  type NativeEventMessage,
  type NativeRequest,
  type NativeRequestType,
  type NativeResultMap,
  type PcscStatus,
  type ReaderCardState,
  type ReaderInfo,
  type RequestId,
} from './native-host-protocol.js';

type Fields = Readonly<Record<string, unknown>>;

/** Longest ATR: TS plus 32 bytes (ISO/IEC 7816-3 §8.2.1). */
const MAX_ATR_BYTES = 33;
const MAX_ID = 0x7fffffff;
const MAX_MESSAGE_TEXT = 2048;

function bad(field: string, expected: string): KyotsuError {
  return new KyotsuError(MessagingErrorCode.BAD_MESSAGE, `field "${field}" must be ${expected}`, { field });
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Rejects members other than `allowed`, so a typo or a forged field never passes unnoticed. */
function onlyFields(body: Fields, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, `${where} has an unknown field "${key}"`, { field: key });
  }
}

function integer(body: Fields, field: string, min: number, max: number): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw bad(field, `an integer in ${min}..${max}`);
  return value;
}

function boolean(body: Fields, field: string): boolean {
  const value = body[field];
  if (typeof value !== 'boolean') throw bad(field, 'a boolean');
  return value;
}

function oneOf<T extends string>(body: Fields, field: string, allowed: readonly T[]): T {
  const value = body[field];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) throw bad(field, `one of ${allowed.join(', ')}`);
  return value as T;
}

/** A PC/SC reader name: printable, 1–256 characters. */
function readerName(body: Fields, field: string): string {
  const value = body[field];
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused here
  if (typeof value !== 'string' || value.length < 1 || value.length > MAX_READER_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(value)) {
    throw bad(field, `a reader name of 1–${MAX_READER_NAME_LENGTH} printable characters`);
  }
  return value;
}

/** Standard base64 (RFC 4648 §4) of `min`..`max` bytes; returned as the checked string. */
function base64(body: Fields, field: string, min: number, max: number): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length > Math.ceil(max / 3) * 4) throw bad(field, `base64 of ${min}–${max} bytes`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(value);
  } catch (error) {
    if (error instanceof RangeError) throw bad(field, `base64 of ${min}–${max} bytes`);
    throw error;
  }
  if (bytes.length < min || bytes.length > max) throw bad(field, `base64 of ${min}–${max} bytes`);
  return value;
}

function optionalText(body: Fields, field: string): string | null {
  const value = body[field];
  if (value === null) return null;
  if (typeof value !== 'string' || value.length > MAX_MESSAGE_TEXT) throw bad(field, `null or a string of at most ${MAX_MESSAGE_TEXT} characters`);
  return value;
}

function idOf(body: Fields): RequestId {
  return integer(body, 'id', 1, MAX_ID);
}

function handleOf(body: Fields): number {
  return integer(body, 'handle', 1, MAX_ID);
}

/** A parser that first refuses members other than `allowed`, then builds the value with `build`. */
function strict<T>(where: string, allowed: readonly string[], build: (body: Fields) => T): (body: Fields) => T {
  return (body) => {
    onlyFields(body, allowed, where);
    return build(body);
  };
}

/** Parsers of each request's body, by `type`. */
const REQUEST_PARSERS: { readonly [T in NativeRequestType]: (body: Fields) => Extract<NativeRequest, { type: T }> } = {
  hello: strict('hello', ['id', 'type', 'protocolVersion'], (body) => ({ id: idOf(body), type: 'hello', protocolVersion: integer(body, 'protocolVersion', 1, 1000) })),
  listReaders: strict('listReaders', ['id', 'type'], (body) => ({ id: idOf(body), type: 'listReaders' })),
  watch: strict('watch', ['id', 'type', 'enabled'], (body) => ({ id: idOf(body), type: 'watch', enabled: boolean(body, 'enabled') })),
  connect: strict('connect', ['id', 'type', 'reader'], (body) => ({ id: idOf(body), type: 'connect', reader: readerName(body, 'reader') })),
  begin: strict('begin', ['id', 'type', 'handle', 'timeoutMs'], (body) => ({
    id: idOf(body),
    type: 'begin',
    handle: handleOf(body),
    timeoutMs: integer(body, 'timeoutMs', 0, MAX_BEGIN_TIMEOUT_MS),
  })),
  transmit: strict('transmit', ['id', 'type', 'handle', 'apdu'], (body) => ({
    id: idOf(body),
    type: 'transmit',
    handle: handleOf(body),
    // ISO/IEC 7816-4 §5.1: a command APDU has at least CLA INS P1 P2.
    apdu: base64(body, 'apdu', 4, MAX_COMMAND_APDU_BYTES),
  })),
  end: strict('end', ['id', 'type', 'handle', 'disposition'], (body) => ({
    id: idOf(body),
    type: 'end',
    handle: handleOf(body),
    disposition: oneOf<EndDisposition>(body, 'disposition', ['leave', 'reset']),
  })),
  disconnect: strict('disconnect', ['id', 'type', 'handle'], (body) => ({ id: idOf(body), type: 'disconnect', handle: handleOf(body) })),
};

/** The request types, in protocol order. */
export const NATIVE_REQUEST_TYPES: readonly NativeRequestType[] = Object.keys(REQUEST_PARSERS) as NativeRequestType[];

/** The request id of an untrusted message when it has a valid one (so even a refused request gets a correlated reply). */
export function requestIdOf(value: unknown): RequestId | null {
  if (!isObject(value)) return null;
  const id = value.id;
  return typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= MAX_ID ? id : null;
}

/**
 * Validates an untrusted browser message as a `NativeRequest`. Throws `NATIVE_UNKNOWN_REQUEST` for a type
 * the host does not know and `BAD_MESSAGE` (naming the field) for anything else that does not match.
 */
export function parseNativeRequest(value: unknown): NativeRequest {
  if (!isObject(value)) throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, 'a request must be a JSON object');
  const type = value.type;
  if (typeof type !== 'string') throw bad('type', 'a string');
  if (!Object.hasOwn(REQUEST_PARSERS, type)) {
    throw new NativeHostError(NativeHostErrorCode.UNKNOWN_REQUEST, `unknown request type ${JSON.stringify(type.slice(0, 64))}`, { type: type.slice(0, 64) });
  }
  return (REQUEST_PARSERS[type as NativeRequestType] as (body: Fields) => NativeRequest)(value);
}

const CARD_STATES: readonly ReaderCardState[] = ['present', 'empty', 'mute', 'unavailable'];
const PCSC_STATUSES: readonly PcscStatus[] = ['up', 'down'];

function readerInfo(value: unknown, field: string): ReaderInfo {
  if (!isObject(value)) throw bad(field, 'a reader object');
  onlyFields(value, ['name', 'card', 'atr', 'busy'], field);
  const card = oneOf(value, 'card', CARD_STATES);
  const atr = value.atr === null ? null : base64(value, 'atr', 1, MAX_ATR_BYTES);
  return { name: readerName(value, 'name'), card, atr, busy: boolean(value, 'busy') };
}

function readerList(body: Fields, field: string): ReaderInfo[] {
  const value = body[field];
  if (!Array.isArray(value) || value.length > 256) throw bad(field, 'an array of at most 256 readers');
  return value.map((item, index) => readerInfo(item, `${field}[${index}]`));
}

function literalTrue(body: Fields, field: string): true {
  if (body[field] !== true) throw bad(field, 'true');
  return true;
}

function shortText(body: Fields, field: string, max: number): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length > max) throw bad(field, `a string of at most ${max} characters`);
  return value;
}

/** Parsers of each result, by request type. */
const RESULT_PARSERS: { readonly [T in NativeRequestType]: (body: Fields) => NativeResultMap[T] } = {
  hello: strict('hello result', ['protocolVersion', 'hostVersion', 'pcsc', 'maxRequestBytes', 'maxCommandApduBytes'], (body) => ({
    protocolVersion: integer(body, 'protocolVersion', 1, 1000),
    hostVersion: shortText(body, 'hostVersion', 64),
    pcsc: oneOf(body, 'pcsc', PCSC_STATUSES),
    maxRequestBytes: integer(body, 'maxRequestBytes', 1024, 64 * 1024 * 1024),
    maxCommandApduBytes: integer(body, 'maxCommandApduBytes', 261, 65544),
  })),
  listReaders: strict('listReaders result', ['readers'], (body) => ({ readers: readerList(body, 'readers') })),
  watch: strict('watch result', ['watching', 'pcsc', 'readers'], (body) => ({
    watching: boolean(body, 'watching'),
    pcsc: oneOf(body, 'pcsc', PCSC_STATUSES),
    readers: readerList(body, 'readers'),
  })),
  connect: strict('connect result', ['handle', 'reader', 'atr'], (body) => ({
    handle: handleOf(body),
    reader: readerName(body, 'reader'),
    atr: base64(body, 'atr', 1, MAX_ATR_BYTES),
  })),
  begin: strict('begin result', ['atr', 'waitedMs'], (body) => ({
    atr: base64(body, 'atr', 1, MAX_ATR_BYTES),
    waitedMs: integer(body, 'waitedMs', 0, MAX_BEGIN_TIMEOUT_MS * 2),
  })),
  transmit: strict('transmit result', ['response'], (body) => ({ response: base64(body, 'response', 2, MAX_RESPONSE_APDU_BYTES) })),
  end: strict('end result', ['ended'], (body) => ({ ended: literalTrue(body, 'ended') })),
  disconnect: strict('disconnect result', ['disconnected'], (body) => ({ disconnected: literalTrue(body, 'disconnected') })),
};

/** Validates the result of a successful reply to a request of `type`. Throws `BAD_MESSAGE` when it does not match. */
export function parseNativeResult<T extends NativeRequestType>(type: T, value: unknown): NativeResultMap[T] {
  if (!isObject(value)) throw bad('result', 'an object');
  return (RESULT_PARSERS[type] as (body: Fields) => NativeResultMap[T])(value);
}

function parseEvent(value: unknown): NativeEvent {
  if (!isObject(value)) throw bad('event', 'an object');
  const kind = oneOf(value, 'kind', ['pcsc', 'reader-added', 'reader-removed', 'card-inserted', 'card-removed'] as const);
  switch (kind) {
    case 'pcsc':
      onlyFields(value, ['kind', 'status', 'message'], 'pcsc event');
      return { kind, status: oneOf(value, 'status', PCSC_STATUSES), message: optionalText(value, 'message') };
    case 'reader-added':
      onlyFields(value, ['kind', 'reader'], 'reader-added event');
      return { kind, reader: readerInfo(value.reader, 'reader') };
    case 'card-inserted':
      onlyFields(value, ['kind', 'reader', 'atr'], 'card-inserted event');
      return { kind, reader: readerName(value, 'reader'), atr: base64(value, 'atr', 1, MAX_ATR_BYTES) };
    case 'reader-removed':
    case 'card-removed':
      onlyFields(value, ['kind', 'reader'], `${kind} event`);
      return { kind, reader: readerName(value, 'reader') };
  }
}

function parseErrorObject(value: unknown): ErrorObject {
  if (!isErrorObject(value)) throw bad('error', 'an error object with code and message');
  const error: Fields = value as unknown as Fields;
  onlyFields(error, ['code', 'message', 'details'], 'error');
  if (value.code.length > 64 || value.message.length > MAX_MESSAGE_TEXT) throw bad('error', 'an error object of bounded size');
  if (value.details === undefined) return { code: value.code, message: value.message };
  if (!isObject(value.details)) throw bad('error.details', 'an object');
  const details: Record<string, string | number | boolean | null> = {};
  for (const [key, item] of Object.entries(value.details)) {
    if (item !== null && typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') throw bad(`error.details.${key}`, 'a JSON scalar');
    details[key] = item;
  }
  return { code: value.code, message: value.message, details };
}

/** A successful reply whose result is not yet checked: only the client knows which request it answers. */
export interface UncheckedOkReply {
  readonly type: 'reply';
  readonly id: RequestId;
  readonly ok: true;
  readonly result: unknown;
}

/**
 * Validates an untrusted host message: an event (fully checked), an error reply (checked), or a successful
 * reply whose `result` the caller checks with `parseNativeResult` for the type it asked. Throws `BAD_MESSAGE`.
 */
export function parseNativeHostMessage(value: unknown): NativeEventMessage | NativeErrorReply | UncheckedOkReply {
  if (!isObject(value)) throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, 'a host message must be a JSON object');
  const type = oneOf(value, 'type', ['reply', 'event'] as const);
  if (type === 'event') {
    onlyFields(value, ['type', 'event'], 'event message');
    return { type, event: parseEvent(value.event) };
  }
  if (value.ok === true) {
    onlyFields(value, ['type', 'id', 'ok', 'result'], 'reply');
    return { type, id: idOf(value), ok: true, result: value.result };
  }
  if (value.ok === false) {
    onlyFields(value, ['type', 'id', 'ok', 'error'], 'reply');
    return { type, id: value.id === null ? null : idOf(value), ok: false, error: parseErrorObject(value.error) };
  }
  throw bad('ok', 'a boolean');
}
