/**
 * Declarative page integration, for services that add markup instead of script:
 * - `<button data-kyotsu-login>`: one-click login. On click the content script asks the service for a
 *   challenge (POST `challengeEndpoint` → `{ nonce }`), has the card sign it (the background takes the
 *   origin from the browser), posts the token's JSON text as the body to `loginEndpoint` and follows the
 *   `redirect` the service answers (same origin only) or reloads — the contract of server/services
 *   (routes/card-login.ts). Both requests go out from the page's own origin with its cookies, so the
 *   session cookie lands in the tab's own cookie jar in Chrome and Firefox alike.
 * - `<input data-kyotsu-certificate="pem|certificate|serial|subject">`: filled with the common
 *   certificate (with the holder's consent) — the qualify flow. A `kyotsu-certificate` event follows.
 * Failures are shown on the element (`data-kyotsu-error` = stable code, `data-kyotsu-error-message`) and announced as a
 * `kyotsu-error` event (the page shows the message: server/services/assets/service-page.ts); nothing is
 * retried by itself. What the service answered to a signed token is reported to the background
 * (`loginVerdict`) so the activity log shows the service's verdict, not only the card's.
 */
import { type PageHello, type ServiceVerdict } from '../src/message-results.js';
import { type Request } from '../src/message-requests.js';
import { type Reply } from '../src/messages.js';

/** How the wiring reaches the background and the network (injectable for tests). */
export interface WiringDeps {
  readonly send: <T extends Request['type']>(request: Extract<Request, { type: T }>) => Promise<Reply<T>>;
  /** `fetch` as the page itself would send it (Firefox: `content.fetch`). */
  readonly pageFetch: typeof fetch;
  readonly navigate: (url: string) => void;
}

function fail(element: HTMLElement, code: string, message: string): void {
  element.dataset.kyotsuError = code;
  element.dataset.kyotsuErrorMessage = message; // readable from the page's own world in every browser
  element.removeAttribute('aria-busy');
  element.dispatchEvent(new CustomEvent('kyotsu-error', { bubbles: true, detail: { code, message } }));
}

/** What the service answered, as JSON; `{}` when the body is not JSON (an HTML error page, say). */
async function jsonOf(response: Response): Promise<ServiceAnswer> {
  const text = await response.text();
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : {};
  } catch (error) {
    if (error instanceof SyntaxError) return {};
    throw error;
  }
}

/** The service's `{ error: { code, message } }` (server/services), or a code of our own with the HTTP status. */
function refusal(response: Response, body: ServiceAnswer, fallback: string): LoginFailure {
  const code = typeof body.error?.code === 'string' ? body.error.code : fallback;
  return { ok: false, code, message: typeof body.error?.message === 'string' ? body.error.message : `HTTP ${response.status}` };
}

interface ServiceAnswer {
  readonly nonce?: unknown;
  readonly status?: unknown;
  readonly redirect?: unknown;
  readonly error?: { readonly code?: unknown; readonly message?: unknown };
}

/** A login the card or the service refused, with the code and the message a person reads. */
export interface LoginFailure { readonly ok: false; readonly code: string; readonly message: string }
/** A login the service answered: `loggedIn` unless it asks for more first (qualify), and where to go next. */
export interface LoginSuccess { readonly ok: true; readonly loggedIn: boolean; readonly next: string }

/** A service's error code as the protocol carries it; anything else becomes `LOGIN_REFUSED`. */
const STABLE_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * Tells the background what the service answered to the token this tab just had signed; it lands on that
 * signature's activity entry (the background ties it to this tab and origin). Best effort: the login
 * itself does not depend on it.
 */
async function reportVerdict(deps: Pick<WiringDeps, 'send'>, verdict: ServiceVerdict): Promise<void> {
  const reply = await deps.send<'loginVerdict'>({ type: 'loginVerdict', verdict });
  if (!reply.ok) console.debug('kyotsu: the service verdict was not recorded', reply.error.code);
}

/**
 * One card login from the page's own origin (server/services routes/card-login.ts): challenge, the card's
 * signature by `sign`, the token posted; the answer's same-origin `redirect` (else this page) is `next`.
 * The service's verdict is reported to the activity log before this resolves (the tab may navigate next).
 */
export async function cardLogin(
  deps: Pick<WiringDeps, 'pageFetch' | 'send'>,
  hello: PageHello,
  sign: (nonce: string) => Promise<Reply<'authenticate'>>,
): Promise<LoginSuccess | LoginFailure> {
  const { challengeEndpoint, loginEndpoint } = hello;
  if (!challengeEndpoint || !loginEndpoint) return { ok: false, code: 'NOT_A_PROVIDER', message: 'This page does not publish login endpoints' };
  const challenge = await deps.pageFetch(challengeEndpoint, { method: 'POST', credentials: 'same-origin' });
  const issued = await jsonOf(challenge);
  if (!challenge.ok || typeof issued.nonce !== 'string') return refusal(challenge, issued, 'CHALLENGE_UNAVAILABLE');
  const signed = await sign(issued.nonce);
  if (!signed.ok) return { ok: false, code: signed.error.code, message: signed.error.message };
  const answer = await deps.pageFetch(loginEndpoint, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(signed.result.token),
  });
  const body = await jsonOf(answer);
  if (!answer.ok) {
    const refused = refusal(answer, body, 'LOGIN_REFUSED');
    await reportVerdict(deps, { outcome: 'refused', code: STABLE_CODE.test(refused.code) ? refused.code : 'LOGIN_REFUSED' });
    return refused;
  }
  if (body.status === 'logged-in' || body.status === 'qualify-required') await reportVerdict(deps, { outcome: body.status, code: null });
  const target = typeof body.redirect === 'string' ? new URL(body.redirect, location.href) : null;
  return { ok: true, loggedIn: body.status === 'logged-in', next: target && target.origin === location.origin ? target.href : location.href };
}

async function login(deps: WiringDeps, hello: PageHello, button: HTMLElement): Promise<void> {
  button.setAttribute('aria-busy', 'true');
  delete button.dataset.kyotsuError;
  delete button.dataset.kyotsuErrorMessage;
  const result = await cardLogin(deps, hello, (nonce) => deps.send<'authenticate'>({ type: 'authenticate', challengeNonce: nonce }));
  if (!result.ok) return fail(button, result.code, result.message);
  deps.navigate(result.next);
}

async function fillCertificate(deps: WiringDeps, field: HTMLInputElement | HTMLTextAreaElement): Promise<void> {
  const reply = await deps.send<'getCertificate'>({ type: 'getCertificate' });
  if (!reply.ok) return fail(field, reply.error.code, reply.error.message);
  const view = reply.result;
  const which = field.dataset.kyotsuCertificate;
  field.value = which === 'pem' ? view.pem : which === 'serial' ? view.serial : which === 'subject' ? view.subject : view.certificate;
  field.dispatchEvent(new Event('change', { bubbles: true }));
  field.dispatchEvent(new CustomEvent('kyotsu-certificate', { bubbles: true, detail: { serial: view.serial, subject: view.subject } }));
}

/** Wires the page's kyotsu markup (call once the DOM is ready). */
export function wirePage(doc: Document, deps: WiringDeps, hello: PageHello): void {
  doc.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest?.<HTMLElement>('[data-kyotsu-login]');
    if (!button || !event.isTrusted) return; // only the holder's own clicks start a login
    event.preventDefault();
    login(deps, hello, button).catch((error: unknown) => fail(button, 'LOGIN_FAILED', error instanceof Error ? error.message : String(error)));
  });
  for (const field of doc.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[data-kyotsu-certificate], textarea[data-kyotsu-certificate]')) {
    fillCertificate(deps, field).catch((error: unknown) => fail(field, 'CERTIFICATE_FAILED', error instanceof Error ? error.message : String(error)));
  }
}
