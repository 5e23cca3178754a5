/**
 * Privilege tiers: who sent a runtime message, decided from the browser's `sender` alone.
 * Nothing in the message body can raise a sender's tier or change its origin.
 */
import { type SenderContext } from '../src/messages.js';

/** The parts of `runtime.MessageSender` this module reads (shared by Chrome and Firefox). */
export interface SenderInfo {
  readonly id?: string | undefined;
  readonly url?: string | undefined;
  readonly origin?: string | undefined;
  readonly tab?: { readonly id?: number | undefined } | undefined;
  readonly frameId?: number | undefined;
  /** The sending document (Chrome 106+; absent in Firefox). */
  readonly documentId?: string | undefined;
}

/**
 * A classified sender. `origin` is the web origin of a content script's page, else null; `page` is the
 * path of an extension page (`/pin.html`), else null.
 */
export interface ClassifiedSender {
  readonly context: SenderContext;
  readonly origin: string | null;
  readonly tabId: number | null;
  readonly page: string | null;
  /** A content script's document as the browser names it (`sender.documentId`), where it does (Chrome). */
  readonly documentId?: string;
}

const WEB_SCHEMES = new Set(['https:', 'http:']);

/**
 * Classifies a sender.
 * - Another extension (`sender.id` not ours) → `unknown`.
 * - A page whose URL is inside our extension origin → `extension-page`.
 * - A tab's top frame at an http(s) origin → `content-script` with that origin. Plain http is accepted
 *   only for loopback hosts (the demo and tests); everything else must be https.
 */
export function classifySender(sender: SenderInfo, extensionId: string, extensionOrigin: string): ClassifiedSender {
  const unknown: ClassifiedSender = { context: 'unknown', origin: null, tabId: null, page: null };
  if (sender.id !== extensionId || sender.url === undefined) return unknown;
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    return unknown; // an unparsable sender URL is refused, never guessed at
  }
  if (url.origin === extensionOrigin || `${url.protocol}//${url.host}` === extensionOrigin) {
    return { context: 'extension-page', origin: null, tabId: sender.tab?.id ?? null, page: url.pathname };
  }
  if (sender.tab?.id === undefined || sender.frameId !== 0 || !WEB_SCHEMES.has(url.protocol)) return unknown;
  const origin = sender.origin ?? url.origin;
  if (origin !== url.origin) return unknown;
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) return unknown;
  const documentId = sender.documentId;
  return { context: 'content-script', origin, tabId: sender.tab.id, page: null, ...(documentId ? { documentId } : {}) };
}

/** True for a loopback host name (`localhost`, `[::1]`, 127.x.x.x): the only hosts plain http is accepted for. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
