/**
 * Content script: relays page requests (window.postMessage, `src/page-channel.ts`) to the background and
 * posts the replies back. It adds nothing to a request: the background takes the origin from `sender`.
 */
import browser from 'webextension-polyfill';
import { MessagingErrorCode } from '../src/errors.js';
import { parseReply } from '../src/messages.js';
import { isPageRequestEnvelope, type PageReadyEnvelope, type PageReplyEnvelope } from '../src/page-channel.js';

function post(envelope: PageReplyEnvelope | PageReadyEnvelope): void {
  window.postMessage(envelope, window.location.origin);
}

async function relay(id: string, request: unknown): Promise<void> {
  let envelope: PageReplyEnvelope;
  try {
    const raw: unknown = await browser.runtime.sendMessage(request);
    envelope = { source: 'kyotsu-content', id, reply: parseReply(raw) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    envelope = { source: 'kyotsu-content', id, reply: { ok: false, error: { code: MessagingErrorCode.INTERNAL, message } } };
  }
  post(envelope);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  // Only the page itself (same window, same origin) may talk to us; frames and other windows are ignored.
  if (event.source !== window || event.origin !== window.location.origin) return;
  if (!isPageRequestEnvelope(event.data)) return;
  void relay(event.data.id, event.data.request);
});

document.documentElement.dataset.kyotsu = 'ready';
post({ source: 'kyotsu-content', id: null, ready: true });
