/** Options page: talks to the background only through typed messages. */
import browser from 'webextension-polyfill';
import { parseReply, type Request } from '../src/messages.js';

function text(key: string, ...substitutions: string[]): string {
  return browser.i18n.getMessage(key, substitutions) || key;
}

async function send<T extends Request['type']>(request: Extract<Request, { type: T }>) {
  return parseReply<T>(await browser.runtime.sendMessage(request));
}

async function showStatus(): Promise<void> {
  const status = document.getElementById('background-status');
  if (!status) return;
  document.title = text('optionsTitle');
  const title = document.getElementById('title');
  if (title) title.textContent = text('optionsTitle');
  status.textContent = text('statusChecking');
  const reply = await send<'ping'>({ type: 'ping' });
  if (reply.ok) {
    status.dataset.state = 'ok';
    status.dataset.senderContext = reply.result.senderContext;
    status.textContent = text('statusConnected', String(reply.result.protocolVersion));
  } else {
    status.dataset.state = 'error';
    status.textContent = text('statusFailed', `${reply.error.code}: ${reply.error.message}`);
  }
}

void showStatus();
