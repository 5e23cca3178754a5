/**
 * The page half of automatic login (background/auto-login.ts decides): once the page has loaded, tell the
 * background whether the service says this tab's session is live (`<meta name="kyotsu-session"
 * content="active">`; `pending` while a qualify waits for the visitor's password: nothing to do); if this tab is granted the login, run it from the page's own origin like the
 * one-click button (`cardLogin`), report how it ended, and bring the tab to the page the service names.
 * A refusal is shown in the page with the service's own message; nothing is retried by itself.
 */
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

function showRefusal(doc: Document, failure: LoginFailure): void {
  const box = doc.createElement('div');
  box.setAttribute('role', 'alert');
  box.dataset.kyotsuAutoLoginError = failure.code;
  box.style.cssText = 'margin:1rem;padding:.75rem 1rem;border-radius:.5rem;background:#fee2e2;color:#991b1b;font:14px system-ui,sans-serif';
  box.textContent = `kyotsu could not log you in automatically: ${failure.message}`;
  doc.body.prepend(box);
  doc.dispatchEvent(new CustomEvent('kyotsu-error', { detail: { code: failure.code, message: failure.message } }));
}

/** Runs the automatic login for this page if the background grants it (call once the DOM is ready). */
export async function autoLogin(doc: Document, deps: WiringDeps, hello: PageHello): Promise<void> {
  const signal = sessionSignal(doc);
  if (signal === 'pending') return;
  const begun = await deps.send<'autoLoginBegin'>({ type: 'autoLoginBegin', sessionActive: signal === 'active' });
  if (!begun.ok || begun.result.action === 'none') return;
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
