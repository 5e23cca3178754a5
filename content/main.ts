/**
 * Content script. At document start it asks the background whether this page's origin is a participating
 * service (`hello`; the background decides from the browser's `sender`, by the origin's
 * `/.well-known/kyotsu`). On any other origin it does nothing at all: no listener, no marker, no answer,
 * so a page cannot even learn that kyotsu is installed.
 *
 * On a participating origin it relays page requests (src/page-channel.ts) to the background — adding
 * nothing, the background takes the origin from `sender` — posts the replies back, shows the background's
 * status notices in the page, and wires `data-kyotsu-login` / `data-kyotsu-certificate` markup.
 */
import browser from 'webextension-polyfill';
import { MessagingErrorCode } from '../src/errors.js';
import { type PageHello } from '../src/message-results.js';
import { parseNoticeMessage } from '../src/messages.js';
import { isPageRequest, isPageRequestEnvelope, type PageNoticeEnvelope, type PageReadyEnvelope, type PageReplyEnvelope } from '../src/page-channel.js';
import { askBackground, sendToBackground } from './background.js';
import { NoticeBanner } from './notice-banner.js';
import { autoLogin } from './auto-login.js';
import { fillStatementPage } from './statement.js';
import { wirePage } from './wiring.js';

function post(envelope: PageReplyEnvelope | PageReadyEnvelope | PageNoticeEnvelope): void {
  window.postMessage(envelope, window.location.origin);
}

async function relay(id: string, request: unknown, banner: NoticeBanner): Promise<void> {
  // A page may send only the page tier; the content script's own requests (hello, autoLogin*) never come from it.
  const reply = isPageRequest(request)
    ? await sendToBackground(request)
    : { ok: false as const, error: { code: MessagingErrorCode.FORBIDDEN_SENDER, message: 'A page may not send this request' } };
  banner.hide();
  post({ source: 'kyotsu-content', id, reply });
}

/** `fetch` as the page itself sends it: Firefox content scripts have `content.fetch` for that. */
function pageFetch(): typeof fetch {
  const content = (globalThis as { content?: { fetch?: typeof fetch } }).content;
  return content?.fetch ? content.fetch.bind(content) : window.fetch.bind(window);
}

/** 128 random bits as lower-case hex. */
function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Listens to our own background's messages to this tab (no tab: not another content script). */
function listenToBackground(listener: (message: unknown) => void): () => void {
  const onMessage = (message: unknown, sender: browser.Runtime.MessageSender): undefined => {
    if (sender.id === browser.runtime.id && sender.tab === undefined) listener(message);
    return undefined;
  };
  browser.runtime.onMessage.addListener(onMessage);
  return () => browser.runtime.onMessage.removeListener(onMessage);
}

function start(hello: PageHello): void {
  const translate = (key: string) => browser.i18n.getMessage(key) || key;
  const banner = new NoticeBanner(document, translate, (operationId) => void askBackground<'cancel'>({ type: 'cancel', operationId }));

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    // Only the page itself (same window, same origin) may talk to us; frames and other windows are ignored.
    if (event.source !== window || event.origin !== window.location.origin) return;
    if (!isPageRequestEnvelope(event.data)) return;
    void relay(event.data.id, event.data.request, banner);
  });

  browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
    // Notices come from our own background only (no tab: not another content script).
    if (sender.id !== browser.runtime.id || sender.tab !== undefined) return;
    const notice = parseNoticeMessage(message)?.notice;
    if (!notice) return;
    banner.show(notice);
    post({ source: 'kyotsu-content', id: null, notice });
  });

  const deps = { send: askBackground, pageFetch: pageFetch(), navigate: (url: string) => location.assign(url) };
  const wire = () => {
    wirePage(document, deps, hello);
    if (hello.approved) autoLogin(document, deps, hello).catch((error: unknown) => console.warn('kyotsu: automatic login failed', error));
    // The portal's statement page: the background gathers each region's statement (issue 8).
    if (hello.approved && document.querySelector('[data-kyotsu-statement]')) {
      fillStatementPage(document, { send: askBackground, listen: listenToBackground, newId: randomId }).catch((error: unknown) => console.warn('kyotsu: statement page failed', error));
    }
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire, { once: true });
  else wire();

  document.documentElement.dataset.kyotsu = 'ready';
  post({ source: 'kyotsu-content', id: null, ready: true });
}

void askBackground<'hello'>({ type: 'hello' }).then((reply) => {
  if (reply.ok && reply.result.participating) start(reply.result);
});
