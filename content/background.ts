/**
 * The content script's line to the background: typed requests, a keep-alive port held while any request
 * is pending (background/keepalive.ts), and a stopped background reported as `BACKGROUND_RESTARTED`
 * instead of a hang.
 */
import browser from 'webextension-polyfill';
import { ExtensionErrorCode } from '../src/extension-errors.js';
import { type Request } from '../src/message-requests.js';
import { parseReply, type Reply } from '../src/messages.js';

let pending = 0;
let port: browser.Runtime.Port | null = null;
let timer: ReturnType<typeof setInterval> | undefined;

function hold(): void {
  if (pending++ > 0) return;
  port = browser.runtime.connect({ name: 'kyotsu-keepalive' });
  timer = setInterval(() => port?.postMessage({ type: 'keepalive' }), 20_000);
}

function release(): void {
  if (--pending > 0) return;
  clearInterval(timer);
  port?.disconnect();
  port = null;
}

/** Sends a page's (unvalidated) request to the background; the background validates it. */
export function sendToBackground(request: unknown): Promise<Reply> {
  return exchange(request);
}

/** Sends one of the content script's own requests, with a typed reply. */
export function askBackground<T extends Request['type']>(request: Extract<Request, { type: T }>): Promise<Reply<T>> {
  return exchange<T>(request);
}

async function exchange<T extends Request['type']>(request: unknown): Promise<Reply<T>> {
  hold();
  try {
    return parseReply<T>(await browser.runtime.sendMessage(request));
  } catch (error) {
    // The background went away mid-request (service worker stopped, extension reloaded).
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: ExtensionErrorCode.BACKGROUND_RESTARTED, message } };
  } finally {
    release();
  }
}
