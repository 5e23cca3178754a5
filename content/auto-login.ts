/**
 * The page half of automatic login (background/auto-login.ts decides): once the page has loaded, tell the
 * background whether the service says this tab's session is live (`<meta name="kyotsu-session"
 * content="active">`; `pending` while a qualify waits for the visitor's password: nothing to do); if this tab is granted the login, run it from the page's own origin like the
 * one-click button (`cardLogin`), report how it ended, and bring the tab to the page the service names.
 * A refusal is shown in the page with the service's own message; nothing is retried by itself. When the
 * background says the service did not keep the last automatic login (`not-kept`: this page, right after it,
 * shows no session), the holder is told so once, and no new login starts (the loop guard).
 */
import browser from 'webextension-polyfill';
import { type PageHello } from '../src/message-results.js';
import { cardLogin, type LoginFailure, type WiringDeps } from './wiring.js';

/**
 * The service's session signal: `active` (a logged-in session), `pending` (a presented certificate waits for
 * the visitor's own login: leave the page to them), or null (no session: an automatic login may run).
 */
export function sessionSignal(doc: Document): 'active' | 'pending' | null {
  const value = doc.querySelector<HTMLMetaElement>('meta[name="kyotsu-session"]')?.content;
  return value === 'active' || value === 'pending' ? value : null;
}

/** The in-page alert of an automatic login that did not work; a `kyotsu-error` event follows. */
function showAlert(doc: Document, failure: LoginFailure, text: string): void {
  const box = doc.createElement('div');
  box.setAttribute('role', 'alert');
  box.dataset.kyotsuAutoLoginError = failure.code;
  box.style.cssText = 'margin:1rem;padding:.75rem 1rem;border-radius:.5rem;background:#fee2e2;color:#991b1b;font:14px system-ui,sans-serif';
  box.textContent = text;
  doc.body.prepend(box);
  doc.dispatchEvent(new CustomEvent('kyotsu-error', { detail: { code: failure.code, message: failure.message } }));
}

function showRefusal(doc: Document, failure: LoginFailure): void {
  showAlert(doc, failure, `kyotsu could not log you in automatically: ${failure.message}`);
}

/** Code of the `not-kept` alert: the service took the card login but its next page shows no session. */
export const SESSION_NOT_KEPT = 'SESSION_NOT_KEPT';

function showNotKept(doc: Document, hello: PageHello): void {
  const service = hello.serviceName ?? location.host;
  const text = browser.i18n.getMessage('autoLoginNotKept', [service]) || `${service} did not keep your card login, so kyotsu will not log you in here by itself again until you log in another way.`;
  showAlert(doc, { ok: false, code: SESSION_NOT_KEPT, message: text }, text);
}

/** Runs the automatic login for this page if the background grants it (call once the DOM is ready). */
export async function autoLogin(doc: Document, deps: WiringDeps, hello: PageHello): Promise<void> {
  const signal = sessionSignal(doc);
  if (signal === 'pending') return;
  const begun = await deps.send<'autoLoginBegin'>({ type: 'autoLoginBegin', sessionActive: signal === 'active' });
  if (!begun.ok || begun.result.action === 'none') return;
  if (begun.result.action === 'not-kept') return showNotKept(doc, hello);
  if (begun.result.action === 'reload') return deps.navigate(location.href); // another tab logged in for us
  let result: Awaited<ReturnType<typeof cardLogin>> | null = null;
  try {
    result = await cardLogin(deps, hello, (nonce) => deps.send<'autoLoginSign'>({ type: 'autoLoginSign', challengeNonce: nonce }));
  } finally {
    // The one cleanup path: the background learns the outcome whatever happened, before the tab moves on.
    await deps.send<'autoLoginEnd'>({ type: 'autoLoginEnd', outcome: result?.ok && result.loggedIn ? 'logged-in' : 'not-logged-in' });
  }
  if (result.ok) deps.navigate(result.next);
  else showRefusal(doc, result);
}
