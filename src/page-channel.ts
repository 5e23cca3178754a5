/**
 * The channel between a web page and kyotsu's content script: `window.postMessage` envelopes, told apart
 * by `source`. The page never names its own origin; the background learns it from the browser's `sender`.
 *
 * Only the requests in `PAGE_REQUEST_TYPES` may come from a page; the content script drops the rest, and
 * on an origin that is not a participating service it answers nothing at all.
 */
import { isErrorObject } from './errors.js';
import { type Request } from './message-requests.js';
import { type Notice } from './message-results.js';
import { type Reply } from './messages.js';

/** What a page is allowed to ask for (the page tier). */
export const PAGE_REQUEST_TYPES: readonly Request['type'][] = [
  'ping',
  'authenticate',
  'getCertificate',
  'enrollGenerateKey',
  'enrollWriteCertificate',
  'cancel',
];

/**
 * What the content script itself may send besides the page tier: `hello` asks whether its page's origin
 * participates; the `autoLogin*` requests run the automatic login. The background accepts these from a
 * content-script sender; the content script never relays them from a page (`isPageRequest`).
 */
export const CONTENT_SCRIPT_REQUEST_TYPES: readonly Request['type'][] = [...PAGE_REQUEST_TYPES, 'hello', 'autoLoginBegin', 'autoLoginSign', 'autoLoginEnd'];

/** True when a page may ask for this request (the content script relays nothing else from a page). */
export function isPageRequest(request: unknown): boolean {
  if (typeof request !== 'object' || request === null) return false;
  const type = (request as { type?: unknown }).type;
  return typeof type === 'string' && (PAGE_REQUEST_TYPES as readonly string[]).includes(type);
}

/** A request a page posts to the content script. */
export interface PageRequestEnvelope {
  readonly source: 'kyotsu-page';
  /** Correlates the reply; chosen by the page, unique among its outstanding requests. */
  readonly id: string;
  readonly request: unknown;
}

/** The content script's answer, posted back to the page. */
export interface PageReplyEnvelope {
  readonly source: 'kyotsu-content';
  readonly id: string;
  readonly reply: Reply;
}

/** Announces that the content script is present and the origin participates, once per page load. */
export interface PageReadyEnvelope {
  readonly source: 'kyotsu-content';
  readonly id: null;
  readonly ready: true;
}

/** A status notice for the page ("card in use — waiting", "insert your card"). */
export interface PageNoticeEnvelope {
  readonly source: 'kyotsu-content';
  readonly id: null;
  readonly notice: Notice;
}

/** Recognises a page request envelope (the request itself is validated later, by the background). */
export function isPageRequestEnvelope(value: unknown): value is PageRequestEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record.source === 'kyotsu-page' && typeof record.id === 'string' && record.id.length > 0 && record.id.length <= 64 && 'request' in record;
}

/** Recognises a reply envelope for the page library. */
export function isPageReplyEnvelope(value: unknown): value is PageReplyEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  if (record.source !== 'kyotsu-content' || typeof record.id !== 'string') return false;
  const reply = record.reply as Record<string, unknown> | null | undefined;
  return typeof reply === 'object' && reply !== null && (reply.ok === true || (reply.ok === false && isErrorObject(reply.error)));
}

/** Recognises the ready announcement. */
export function isPageReadyEnvelope(value: unknown): value is PageReadyEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record.source === 'kyotsu-content' && record.id === null && record.ready === true;
}

/** Recognises a notice envelope. */
export function isPageNoticeEnvelope(value: unknown): value is PageNoticeEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const notice = record.notice as Record<string, unknown> | null | undefined;
  return record.source === 'kyotsu-content' && record.id === null && typeof notice === 'object' && notice !== null && typeof notice.kind === 'string';
}
