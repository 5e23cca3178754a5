/** Typed requests from the extension's own pages to the background. */
import browser from 'webextension-polyfill';
import { ExtensionErrorCode } from '../src/extension-errors.js';
import { type Request } from '../src/message-requests.js';
import { parseReply, type Reply } from '../src/messages.js';

/** Sends `request` and returns the typed reply. A background that cannot be reached gives an error reply. */
export async function send<T extends Request['type']>(request: Extract<Request, { type: T }>): Promise<Reply<T>> {
  try {
    return parseReply<T>(await browser.runtime.sendMessage(request));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: ExtensionErrorCode.BACKGROUND_RESTARTED, message } };
  }
}

/** Keeps the background alive while this page waits for the holder (see background/keepalive.ts). */
export function holdKeepAlive(onLost: () => void): () => void {
  const port = browser.runtime.connect({ name: 'kyotsu-keepalive' });
  const timer = setInterval(() => port.postMessage({ type: 'keepalive' }), 20_000);
  port.onDisconnect.addListener(() => {
    clearInterval(timer);
    onLost();
  });
  return () => {
    clearInterval(timer);
    port.disconnect();
  };
}
