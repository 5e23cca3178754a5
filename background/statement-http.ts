/**
 * The background's three HTTP exchanges with a participating service for the statement page (issue 8), each
 * answered as a typed outcome rather than a throw, so one service's trouble never spoils another's region:
 * - GET the statement (server/services routes/statement.ts) — always at STATEMENT_PATH on the service's
 *   origin (src/statement-layout.ts; background/statement-gather.ts never passes a URL the page chose):
 *   the statement, "log in first", or a failure;
 * - POST for a challenge (routes/card-login.ts): the nonce, or a failure;
 * - POST the token: logged in, "qualify first", or a failure.
 *
 * Every request carries the browser's cookies for the service (`credentials: 'include'`), so the session a
 * login starts lands in the service's own cookie jar and the next statement request is made in it. The
 * Origin header is the extension's, which the services accept for exactly these endpoints. Redirects are
 * not followed: an answer must come from the origin that was asked.
 *
 * Firefox (measured in e2e/services-card-firefox.test.ts, ESR 153): the event page's fetch to a host it has
 * permission for is first-party there: `Sec-Fetch-Site: same-origin`, so SameSite=Lax session cookies go
 * with POSTs too; the cookies it receives are stored unpartitioned, in the jar the service's own tabs use;
 * a GET carries no Origin header (a POST carries moz-extension://<uuid>). So no Firefox-specific handling
 * is needed here.
 */
import { StatementFailureCode, type StatementChargeView, type StatementView } from '../src/message-results.js';
import { isChallengeNonce } from '../src/protocol/challenge.js';
import { readBodyWithin } from '../src/http-body.js';

/** `fetch`, injectable for tests. */
export type Http = (url: string, init: RequestInit) => Promise<Response>;

/** A failure of one exchange, with a sentence a person understands. */
export interface HttpFailure {
  readonly kind: 'failed';
  readonly code: string;
  readonly message: string;
}

/** How long one request to a service may take before its region gives up. */
export const SERVICE_TIMEOUT_MS = 15_000;
/**
 * Largest answer body read from a service, in bytes: a full statement (100 charges of 200-character texts)
 * fits several times over. A longer body is not read further (the stream is cancelled) and counts as no JSON.
 */
export const MAX_ANSWER_BYTES = 512 * 1024;
const MAX_CHARGES = 100;
const MAX_TEXT = 200;

/** The body as text, or null when it is longer than {@link MAX_ANSWER_BYTES} (then read no further). */
async function boundedText(response: Response): Promise<string | null> {
  const bytes = await readBodyWithin(response, MAX_ANSWER_BYTES);
  return bytes === null ? null : new TextDecoder().decode(bytes);
}

/** What the service answered as JSON; `{}` when the body is not a JSON object (or too long to be one of ours). */
async function jsonOf(response: Response): Promise<Record<string, unknown>> {
  const text = await boundedText(response);
  if (text === null) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch (error) {
    if (error instanceof SyntaxError) return {};
    throw error;
  }
}

/** The service's `{ error: { code, message } }`, if it sent one. */
function serviceError(body: Record<string, unknown>): { code: string | null; message: string | null } {
  const error = body.error;
  if (typeof error !== 'object' || error === null) return { code: null, message: null };
  const { code, message } = error as Record<string, unknown>;
  return { code: typeof code === 'string' ? code : null, message: typeof message === 'string' && message.length <= 500 ? message : null };
}

function refused(name: string, response: Response, body: Record<string, unknown>): HttpFailure {
  const { code, message } = serviceError(body);
  return { kind: 'failed', code: code ?? StatementFailureCode.SERVICE_REFUSED, message: message ?? `${name} refused the request (HTTP ${response.status}).` };
}

/** A request that did not get an answer at all: the service is stopped, unreachable or too slow. */
function unreachable(name: string, error: unknown, signal: AbortSignal): HttpFailure {
  if (signal.aborted && !(error instanceof DOMException && error.name === 'TimeoutError')) throw error; // the page went away
  return {
    kind: 'failed',
    code: StatementFailureCode.SERVICE_UNREACHABLE,
    message: `${name} did not answer, so its statement cannot be shown now. The service may be down; try again later.`,
  };
}

/** An answer: the response and its JSON body (`{}` when not JSON). */
interface Answer {
  readonly kind: 'answer';
  readonly response: Response;
  readonly body: Record<string, unknown>;
}

/** One request and its whole answer, or the failure to get one (stopped, unreachable, timed out mid-body). */
async function exchange(http: Http, url: string, init: RequestInit, name: string, signal: AbortSignal): Promise<Answer | HttpFailure> {
  try {
    const response = await http(url, {
      ...init,
      credentials: 'include',
      cache: 'no-store',
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(SERVICE_TIMEOUT_MS)]),
    });
    return { kind: 'answer', response, body: await jsonOf(response) };
  } catch (error) {
    return unreachable(name, error, signal);
  }
}

/** The outcome of asking for a statement. */
export type StatementOutcome = { readonly kind: 'ok'; readonly statement: StatementView } | { readonly kind: 'login-required' } | HttpFailure;

/** GET the holder's statement at `url`. "Not logged in" and "logged in without the certificate" ask for a login. */
export async function fetchStatement(http: Http, url: string, name: string, signal: AbortSignal): Promise<StatementOutcome> {
  const answer = await exchange(http, url, { method: 'GET', headers: { accept: 'application/json' } }, name, signal);
  if (answer.kind === 'failed') return answer;
  const { response, body } = answer;
  const { code } = serviceError(body);
  if (response.status === 401 || (response.status === 403 && code === 'CERTIFICATE_LOGIN_REQUIRED')) return { kind: 'login-required' };
  if (!response.ok) return refused(name, response, body);
  const statement = parseStatement(body);
  if (statement === null) {
    return { kind: 'failed', code: StatementFailureCode.STATEMENT_MALFORMED, message: `${name} sent a statement kyotsu could not read.` };
  }
  return { kind: 'ok', statement };
}

/** POST for a challenge; the nonce exactly as issued (44 characters of base64, 32 bytes). */
export async function requestChallenge(http: Http, endpoint: string, name: string, signal: AbortSignal): Promise<{ readonly kind: 'ok'; readonly nonce: string } | HttpFailure> {
  const answer = await exchange(http, endpoint, { method: 'POST' }, name, signal);
  if (answer.kind === 'failed') return answer;
  const { response, body } = answer;
  if (!response.ok) return refused(name, response, body);
  if (!isChallengeNonce(body.nonce)) return { kind: 'failed', code: StatementFailureCode.SERVICE_REFUSED, message: `${name} did not issue a usable login challenge.` };
  return { kind: 'ok', nonce: body.nonce };
}

/** The outcome of posting a token. `qualify-required`: the certificate is not (yet) usable there. */
export type LoginOutcome =
  | { readonly kind: 'logged-in' }
  | { readonly kind: 'qualify-required'; readonly redirect: string | null }
  | HttpFailure;

/** POST the token's JSON text (the body IS the token, as routes/card-login.ts reads it). */
export async function postLoginToken(http: Http, endpoint: string, tokenJson: string, name: string, signal: AbortSignal): Promise<LoginOutcome> {
  const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: tokenJson };
  const answer = await exchange(http, endpoint, init, name, signal);
  if (answer.kind === 'failed') return answer;
  const { response, body } = answer;
  if (!response.ok) return refused(name, response, body);
  if (body.status === 'logged-in') return { kind: 'logged-in' };
  if (body.status === 'qualify-required') return { kind: 'qualify-required', redirect: typeof body.redirect === 'string' ? body.redirect : null };
  return { kind: 'failed', code: StatementFailureCode.SERVICE_REFUSED, message: `${name} did not confirm the login.` };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length <= MAX_TEXT ? value : null;
}

function amount(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

/** The statement JSON checked field by field; null if anything is missing or out of bounds. */
export function parseStatement(body: Record<string, unknown>): StatementView | null {
  const displayName = text(body.displayName);
  const holder = text(body.holder);
  const currency = text(body.currency);
  const balanceMinor = amount(body.balanceMinor);
  if (displayName === null || holder === null || currency === null || balanceMinor === null) return null;
  if (!Array.isArray(body.charges) || body.charges.length > MAX_CHARGES) return null;
  const charges: StatementChargeView[] = [];
  for (const item of body.charges as unknown[]) {
    if (typeof item !== 'object' || item === null) return null;
    const charge = item as Record<string, unknown>;
    const at = text(charge.at);
    const description = text(charge.description);
    const amountMinor = amount(charge.amountMinor);
    if (at === null || description === null || amountMinor === null) return null;
    charges.push({ at, description, amountMinor });
  }
  return { displayName, holder, currency, balanceMinor, charges };
}
