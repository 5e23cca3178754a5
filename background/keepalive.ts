/**
 * MV3 lifetime. Chrome stops an idle extension service worker after 30 s; Firefox suspends an idle event
 * page (`extensions.background.idle.timeout`, 30 s). A login can wait far longer than that for the holder
 * (PIN window, consent window, "insert your card"), so the pages that wait hold a runtime port named
 * `kyotsu-keepalive` to the background and post on it every 20 s (options/send.ts `holdKeepAlive`; the
 * content script does the same while a page request is pending). Each message an extension port delivers
 * resets the worker's idle timer (Chrome 114+).
 *
 * What actually holds the worker, measured in Chromium 156 with no DevTools attached
 * (e2e/mv3-lifetime-chromium.test.ts; DevTools — Playwright included — keeps any worker alive):
 * - a login waiting at the PIN window: its content script's `runtime.sendMessage` is still awaiting the
 *   background's answer, and that alone keeps the worker running — still alive after 330 s with the
 *   keep-alive posts taken out of the bundle, and with the keep-alive ports taken out too; not the reader's
 *   Web Lock either: an enrollment waiting at its consent window (asked before the reader queue) with no
 *   keep-alive ports was alive after 45 s;
 * - an extension page holding an idle keep-alive port with nothing in flight: stopped after 30 s without
 *   the posts. So in Chrome the posts hold the background only when a page waits with no request in flight.
 *
 * Firefox ESR 153 (event page; measured with `extensions.background.idle.timeout` cut to 3–5 s, puppeteer
 * over BiDi does not hold the page): a pending `sendMessage` does NOT hold it. A login waiting at the PIN
 * window was suspended mid-login (the page got BACKGROUND_RESTARTED) with the posts removed, and also with
 * posts slower than the idle timeout; with posts more frequent than the timeout (port posts or
 * `sendMessage` pings alike) the same login waited 6 × the timeout and completed. So in Firefox these
 * posts are what keeps a waiting login alive: every 20 s against the default 30 s timeout
 * (e2e/mv3-lifetime-firefox.test.ts: a login waits 45 s at the default timeout and completes; the same
 * build with the posts removed is suspended mid-login and the page hears BACKGROUND_RESTARTED).
 *
 * If the worker is stopped anyway (browser update, crash), everything in memory is gone — pending
 * operations, PIN dialogs, the PIN cache — and the Web Lock it held is released by the browser. The ports
 * disconnect and the pending requests fail, so the waiting pages report `BACKGROUND_RESTARTED` at once
 * instead of hanging, a late PIN submission to the new worker gets `PROMPT_NOT_FOUND`, and nothing resumes
 * by itself: the next login asks the holder for the PIN again (the Chromium test stops a worker while it
 * waits for the PIN and while the card signs).
 */
import { type ExtensionIdentity } from './router.js';

/** The port name the waiting pages use. */
export const KEEPALIVE_PORT = 'kyotsu-keepalive';

/** The parts of a runtime port used here. */
export interface PortLike {
  readonly name: string;
  readonly sender?: { readonly id?: string | undefined } | undefined;
  disconnect(): void;
  readonly onMessage: { addListener(listener: (message: unknown) => void): void };
}

/** Handles `runtime.onConnect`: keeps our own keep-alive ports, drops anything else. Returns true when kept. */
export function acceptKeepAlivePort(port: PortLike, identity: ExtensionIdentity): boolean {
  if (port.name !== KEEPALIVE_PORT || port.sender?.id !== identity.id) {
    port.disconnect();
    return false;
  }
  // Receiving the message is the point (it resets the idle timer); there is nothing to answer.
  port.onMessage.addListener(() => undefined);
  return true;
}
