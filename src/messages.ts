/**
 * The one wire protocol between the extension's contexts (content scripts, options page, background).
 * Every request and every reply is a member of a discriminated union on `type`; nothing is told apart by
 * casts or string concatenation. `parseRequest` is the only way the background turns an unknown value
 * into a request.
 *
 * Later features add members here (and to `REQUEST_TYPES`), never a second protocol.
 */
import { type ErrorObject, isErrorObject, KyotsuError, MessagingErrorCode } from './errors.js';

/** Protocol version; bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1;

/** A liveness check; any context may send it. */
export interface PingRequest {
  readonly type: 'ping';
}

/** Every request any context may send to the background. */
export type Request = PingRequest;

/** The request `type` values, for validation. */
export const REQUEST_TYPES: readonly Request['type'][] = ['ping'];

/** What the background answers to `ping`: who answered and which context it believes sent the ping. */
export interface PingResult {
  readonly type: 'pong';
  readonly protocolVersion: number;
  readonly extensionVersion: string;
  /** The sender's context as the background classified it from `sender` (never from the message). */
  readonly senderContext: SenderContext;
  /** The sender's origin as the browser reported it, when it is a web page. */
  readonly senderOrigin: string | null;
}

/** Maps each request type to its successful result type. */
export interface ResultMap {
  readonly ping: PingResult;
}

/** A reply: the result on success, an error object on failure. */
export type Reply<T extends Request['type'] = Request['type']> =
  | { readonly ok: true; readonly result: ResultMap[T] }
  | { readonly ok: false; readonly error: ErrorObject };

/**
 * Who sent a message, decided by the background from the browser's `sender` and nothing else:
 * - `extension-page`: a page of this extension (options, PIN window), full privilege;
 * - `content-script`: this extension's content script in a web page of `senderOrigin`;
 * - `unknown`: anything else (another extension, a page with no origin); refused.
 */
export type SenderContext = 'extension-page' | 'content-script' | 'unknown';

/**
 * Validates an unknown value as a `Request`. Throws `BAD_MESSAGE` for anything that is not exactly one of
 * the protocol's requests.
 */
export function parseRequest(value: unknown): Request {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, 'message is not an object');
  }
  const type = (value as Record<string, unknown>).type;
  switch (type) {
    case 'ping':
      return { type: 'ping' };
    default:
      throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, `unknown message type: ${JSON.stringify(type) ?? 'undefined'}`);
  }
}

/** Validates an unknown value as a reply (ok with a result object, or an error object). */
export function parseReply<T extends Request['type']>(value: unknown): Reply<T> {
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (record.ok === true && typeof record.result === 'object' && record.result !== null) {
      return { ok: true, result: record.result as ResultMap[T] };
    }
    if (record.ok === false && isErrorObject(record.error)) return { ok: false, error: record.error };
  }
  return {
    ok: false,
    error: { code: MessagingErrorCode.BAD_MESSAGE, message: 'reply does not match the protocol' },
  };
}
