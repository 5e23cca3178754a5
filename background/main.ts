/** Background entry point (Chrome service worker, Firefox background script). */
import browser from 'webextension-polyfill';
import { PROTOCOL_VERSION } from '../src/messages.js';
import { createRouter } from './router.js';

const route = createRouter(
  { id: browser.runtime.id, origin: new URL(browser.runtime.getURL('')).origin },
  {
    ping: (_request, sender) =>
      Promise.resolve({
        type: 'pong',
        protocolVersion: PROTOCOL_VERSION,
        extensionVersion: browser.runtime.getManifest().version,
        senderContext: sender.context,
        senderOrigin: sender.origin,
      }),
  },
);

// Registered synchronously at top level so a woken service worker sees the first message.
browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => route(message, sender));
