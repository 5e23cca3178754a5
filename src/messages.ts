/**
 * The one wire protocol between the extension's contexts (content scripts, options page, PIN and consent
 * windows, background). Every request and every reply is a member of a discriminated union on `type`;
 * nothing is told apart by casts or string concatenation. `parseRequest` is the only way the background
 * turns an unknown value into a request; results are in `message-results.ts`.
 *
 * Requests are declared in `message-requests.ts`, parsed in `message-parsers.ts`. Which context may send
 * what (page tier in `page-channel.ts`, prompt tiers in background/tiers.ts) is enforced by
 * background/router.ts from the browser's `sender`, never from the message.
 */
import { type ErrorObject, isErrorObject, KyotsuError, MessagingErrorCode } from './errors.js';
import { type Fields, isPlainObject } from './message-fields.js';
import { type AuthToken } from './protocol/auth-token.js';
import { REQUEST_PARSERS } from './message-parsers.js';
import { type Request } from './message-requests.js';
import type * as R from './message-results.js';

/** Protocol version; bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1;

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
  readonly hello: R.PageHello;
  readonly authenticate: { readonly token: AuthToken };
  readonly getCertificate: R.CertificateView;
  readonly enrollGenerateKey: { readonly enrollmentId: string; readonly csr: string; readonly algorithm: R.EnrollAlgorithm };
  readonly enrollWriteCertificate: { readonly serial: string; readonly subject: string };
  readonly cancel: { readonly cancelled: number };
  readonly autoLoginBegin: { readonly action: R.AutoLoginAction };
  readonly autoLoginSign: { readonly token: AuthToken };
  readonly loginVerdict: { readonly recorded: boolean };
  readonly autoLoginEnd: { readonly recorded: boolean };
  readonly statementGather: { readonly regions: readonly R.StatementRegionResult[] };
  readonly listProviders: { readonly providers: readonly R.ProviderView[] };
  readonly approveProvider: { readonly provider: R.ProviderView };
  readonly forgetProvider: { readonly forgotten: boolean };
  readonly getSettings: { readonly settings: R.Settings };
  readonly setSettings: { readonly settings: R.Settings };
  readonly listActivity: { readonly entries: readonly R.ActivityEntry[] };
  readonly cardStatus: R.CardStatus;
  readonly nativeHostStatus: R.NativeHostStatus;
  readonly changePin: { readonly changed: true };
  readonly unblockPin: { readonly unblocked: true };
  readonly pinPromptInfo: R.PinPromptView;
  readonly pinSubmit: R.PinSubmitResult;
  readonly pinCancel: { readonly cancelled: boolean };
  readonly consentInfo: R.ConsentView;
  readonly consentAnswer: { readonly recorded: boolean };
}

/** The request `type` values, for validation. */
export const REQUEST_TYPES: readonly Request['type'][] = Object.keys(REQUEST_PARSERS) as Request['type'][];

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
 * Reads only the `type` of an untrusted message, so the router can check the sender's tier before the body
 * is validated. Throws `BAD_MESSAGE` for a non-object or an unknown type.
 */
export function requestTypeOf(value: unknown): Request['type'] {
  if (!isPlainObject(value)) throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, 'message is not an object');
  const type = value.type;
  if (typeof type !== 'string' || !Object.hasOwn(REQUEST_PARSERS, type)) {
    throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, `unknown message type: ${JSON.stringify(type) ?? 'undefined'}`);
  }
  return type as Request['type'];
}

/**
 * Validates an unknown value as a `Request`: the `type` must be known and every field the type defines
 * must be present and well-formed. The result is built fresh, so undefined fields are dropped. Throws
 * `BAD_MESSAGE` (or `PIN_FORMAT_INVALID` for a malformed PIN/PUK) otherwise.
 */
export function parseRequest(value: unknown): Request {
  const type = requestTypeOf(value);
  return (REQUEST_PARSERS[type] as (body: Fields) => Request)(value as Fields);
}

/** The one message the background sends to a tab's content script: a status notice for that tab. */
export interface NoticeMessage {
  readonly type: 'notice';
  readonly notice: R.Notice;
}

const NOTICE_KINDS: readonly R.Notice['kind'][] = ['card-busy', 'insert-card', 'pin-requested', 'cleared'];

/** Validates a background → content-script notice; null for anything else. */
export function parseNoticeMessage(value: unknown): NoticeMessage | null {
  if (!isPlainObject(value) || value.type !== 'notice' || !isPlainObject(value.notice)) return null;
  const { kind, operationId } = value.notice;
  if (typeof kind !== 'string' || !(NOTICE_KINDS as readonly string[]).includes(kind)) return null;
  if (typeof operationId !== 'string' || !/^[0-9a-f]{32}$/.test(operationId)) return null;
  return { type: 'notice', notice: { kind: kind as R.Notice['kind'], operationId } };
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

/** The background's other message to a tab: one statement region's result, as soon as it is known (issue 8). */
export interface StatementRegionMessage {
  readonly type: 'statementRegion';
  readonly gatherId: string;
  readonly result: R.StatementRegionResult;
}
