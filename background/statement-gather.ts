/**
 * Gathers the portal statement page's regions (issue 8). For each region, in parallel:
 * 1. check it names a participating provider the extension ALREADY knows — one the holder has visited
 *    with the extension (the provider registry: pending or approved), re-checked against its discovery
 *    document, with the region's service ID, not a portal, of the portal's own CA. The page only picks
 *    among those: an origin kyotsu does not know is NOT_A_SERVICE with no request at all, so the page
 *    cannot make the extension probe hosts (an "unreachable" against a "not a service" would tell it which
 *    hosts answer, on the holder's own network too);
 * 2. ask the service for the statement in the browser's session there, at the ONE statement path of the
 *    protocol (STATEMENT_PATH on the service's origin, src/statement-layout.ts): the page's `statementUrl`
 *    must name exactly that, and is never fetched as given, so a page cannot have a cookie-carrying request
 *    sent to another path of a service and read back that answer's status or message.
 * Then every service that answered "log in first" gets its login at once: a challenge from each service
 * (its discovery document's endpoint, on its origin), ONE card signature for all of them
 * (op-batch-authenticate.ts: a kyotsu-batch:1 token each, or web-eid:1.0 for a single service), each token
 * posted to its own service only, and the statement asked for again.
 *
 * Each region's result is emitted as soon as it is known; one service's failure never holds up or fails
 * another's. A login answered "qualify first" becomes "not enrolled" with a link to qualify there. Each
 * service's answer to its token is written on its own activity entry of the signature (`deps.activity`).
 *
 * The gathering lives as long as its page: when the portal tab closes or navigates away (`caller.signal`,
 * background/tab-operations.ts) it stops before its next request, prompt or card login, and tokens the card
 * finished signing meanwhile are not posted.
 *
 * A signature made with no click (automatic login on, the page just opened) is told to the holder in ONE
 * notification naming the services (`onAutomaticLogins`): logged in, or signed without a login there
 * (refused, "qualify first", no answer by {@link VERDICT_WAIT_MS} or before the gathering ended).
 */
import { KyotsuError, toErrorObject } from '../src/errors.js';
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';
import { STATEMENT_PATH } from '../src/statement-layout.js';
import { type ServiceVerdict, StatementFailureCode, type StatementRegionRef, type StatementRegionResult } from '../src/message-results.js';
import { type ActivityLog, VERDICT_WAIT_MS } from './activity.js';
import { type Caller } from './card-job.js';
import { type Clock, systemClock } from './clock.js';
import { type ConsentPrompts } from './consent-prompt.js';
import { type ServiceLogin, type ServiceToken } from './op-batch-authenticate.js';
import { type SignedLogin, type SignedLoginOutcome } from './notifications.js';
import { type ProviderRecord, type ProviderRegistry } from './providers.js';
import { isLoopback } from './sender.js';
import { fetchStatement, type Http, type LoginOutcome, postLoginToken, requestChallenge } from './statement-http.js';
import { cardFailureMessage } from './statement-words.js';

/** What gathering needs. */
export interface StatementGatherDeps {
  /** `get` answers from what is stored (no network); only a provider found there is `recognise`d (re-checked). */
  readonly providers: Pick<ProviderRegistry, 'get' | 'recognise' | 'approve'>;
  readonly consents: Pick<ConsentPrompts, 'ask'>;
  readonly http: Http;
  /** One card signature for all these logins (authenticateMany, bound to the card). */
  readonly login: (caller: Caller, logins: readonly ServiceLogin[]) => Promise<ServiceToken[]>;
  /** Told once per signature made with no click what became of each service's login (the notification). */
  readonly onAutomaticLogins?: (logins: readonly SignedLogin[]) => void;
  /** The timer of the wait for the services' answers before that is told; the system clock if absent. */
  readonly clock?: Pick<Clock, 'after'>;
  /**
   * Where each service's answer to its posted token is written: that service's entry of the signature
   * (`ServiceToken.activityId`), as a page's own login reports it with `loginVerdict`. The background posted
   * the token itself, so no page is involved.
   */
  readonly activity?: Pick<ActivityLog, 'recordPostedVerdict'>;
}

/** A region that names a participating service. */
interface Target {
  readonly region: StatementRegionRef;
  readonly provider: ProviderRecord;
  readonly name: string;
  /** Where its statement is read: STATEMENT_PATH on its origin, whatever else the page said. */
  readonly statementUrl: string;
}

/** The one URL a service's statement is read at: {@link STATEMENT_PATH} on its origin. */
export function statementUrlOf(origin: string): string {
  return new URL(STATEMENT_PATH, origin).href;
}

/** Gathers `regions` for the portal page of `caller`; `emit` receives each region's result once, as it is known. */
export async function gatherStatements(
  deps: StatementGatherDeps,
  caller: Caller,
  regions: readonly StatementRegionRef[],
  emit: (result: StatementRegionResult) => void,
  portalCaUrl: string,
  mayLogin = true,
): Promise<StatementRegionResult[]> {
  const results = new Map<string, StatementRegionResult>();
  const done = (result: StatementRegionResult): void => {
    if (results.has(result.serviceId)) return;
    results.set(result.serviceId, result);
    emit(result);
  };
  const failed = (serviceId: string, code: string, message: string): void => done({ serviceId, state: 'failed', code, message });
  const signal = caller.signal;

  const needLogin: Target[] = [];
  const seenOrigins = new Set<string>();
  await Promise.all(
    regions.map(async (region) => {
      if (seenOrigins.has(region.origin) || results.has(region.serviceId)) return; // a region listed twice is asked once
      seenOrigins.add(region.origin);
      const target = await resolveTarget(deps, region, portalCaUrl, signal);
      if ('code' in target) return failed(region.serviceId, target.code, target.message);
      stopIfCancelled(signal);
      const first = await fetchStatement(deps.http, target.statementUrl, target.name, signal);
      if (first.kind === 'ok') return done({ serviceId: region.serviceId, state: 'ok', statement: first.statement });
      if (first.kind === 'failed') return failed(region.serviceId, first.code, first.message);
      needLogin.push(target);
    }),
  );
  stopIfCancelled(signal);

  if (!mayLogin) {
    // Automatic login is off and the holder did not click: nothing is signed; the regions say a login is needed.
    for (const target of needLogin) done({ serviceId: target.region.serviceId, state: 'login-required' });
    needLogin.length = 0;
  }
  // The holder allows each service not yet approved in kyotsu before the card signs anything for it.
  const allowed: Target[] = [];
  for (const target of needLogin) {
    if (target.provider.status === 'approved') {
      allowed.push(target);
      continue;
    }
    stopIfCancelled(signal);
    const yes = await deps.consents.ask({ origin: target.region.origin, serviceName: target.name, kind: 'provider' }, signal);
    if (!yes) {
      failed(target.region.serviceId, ExtensionErrorCode.CONSENT_DENIED, `You did not allow ${target.name} to use your card, so its statement is not shown.`);
      continue;
    }
    await deps.providers.approve(target.region.origin);
    allowed.push(target);
  }

  const challenged: (Target & { nonce: string })[] = [];
  await Promise.all(
    allowed.map(async (target) => {
      stopIfCancelled(signal);
      const challenge = await requestChallenge(deps.http, target.provider.document.challengeEndpoint, target.name, signal);
      if (challenge.kind === 'failed') return failed(target.region.serviceId, challenge.code, challenge.message);
      challenged.push({ ...target, nonce: challenge.nonce });
    }),
  );
  stopIfCancelled(signal);
  if (challenged.length > 0) await loginAndFetch(deps, caller, challenged, done, failed);
  return regions.flatMap((region) => {
    const result = results.get(region.serviceId);
    return result ? [result] : [];
  });
}

async function loginAndFetch(
  deps: StatementGatherDeps,
  caller: Caller,
  challenged: readonly (Target & { nonce: string })[],
  done: (result: StatementRegionResult) => void,
  failed: (serviceId: string, code: string, message: string) => void,
): Promise<void> {
  const signal = caller.signal;
  // The PIN window names every service this one signature logs in to (docs/batch-login.md §10, consent).
  const names = listNames(challenged.map((t) => t.name));
  let tokens: ServiceToken[];
  try {
    tokens = await deps.login({ ...caller, serviceName: names }, challenged.map((t) => ({ origin: t.region.origin, nonce: t.nonce, serviceName: t.name })));
  } catch (error) {
    if (signal.aborted || (error instanceof KyotsuError && error.code === ExtensionErrorCode.OPERATION_ABORTED)) throw error;
    const { code } = toErrorObject(error);
    for (const t of challenged) failed(t.region.serviceId, StatementFailureCode.CARD_LOGIN_FAILED, cardFailureMessage(code, t.name));
    return;
  }
  const signedFor = challenged.filter((t) => tokens.some((token) => token.origin === t.region.origin));
  const report = caller.automatic && deps.onAutomaticLogins ? signedReport(deps, deps.onAutomaticLogins, signedFor) : null;
  try {
    // The page went away while the card was signing (tab closed, navigated, Cancel): no token is posted. An
    // automatic signature is still told (below), every service "unconfirmed".
    stopIfCancelled(signal);
    await Promise.all(challenged.map((target) => postAndFetch(deps, target, tokens, signal, done, failed, report)));
  } finally {
    report?.end(); // cancelled or done: whatever has not answered by now is told as unconfirmed
  }
}

/** Posts one service's token, reports what it came to, and reads the statement in the session it started. */
async function postAndFetch(
  deps: StatementGatherDeps,
  target: Target & { nonce: string },
  tokens: readonly ServiceToken[],
  signal: AbortSignal,
  done: (result: StatementRegionResult) => void,
  failed: (serviceId: string, code: string, message: string) => void,
  report: SignedReport | null,
): Promise<void> {
  const { serviceId, origin } = target.region;
  const token = tokens.find((t) => t.origin === origin);
  if (!token) return failed(serviceId, StatementFailureCode.CARD_LOGIN_FAILED, `kyotsu could not log in to ${target.name}.`);
  stopIfCancelled(signal);
  const login = await postLoginToken(deps.http, target.provider.document.loginEndpoint, token.tokenJson, target.name, signal);
  report?.answered(origin, loginOutcome(login));
  await writeVerdict(deps, token, login);
  if (login.kind === 'failed') return failed(serviceId, login.code, login.message);
  if (login.kind === 'qualify-required') return done({ serviceId, state: 'not-enrolled', qualifyUrl: sameOriginUrl(login.redirect ?? '/login', origin) });
  stopIfCancelled(signal);
  const statement = await fetchStatement(deps.http, target.statementUrl, target.name, signal);
  if (statement.kind === 'ok') return done({ serviceId, state: 'ok', statement: statement.statement });
  if (statement.kind === 'failed') return failed(serviceId, statement.code, statement.message);
  // Logged in, yet the next request is not in that session: the browser did not keep the service's cookie.
  failed(serviceId, StatementFailureCode.SERVICE_REFUSED, `${target.name} accepted the login, but this browser did not keep its session, so the statement could not be read.`);
}

/** A service's error code as the protocol carries it (content/wiring.ts); anything else is `LOGIN_REFUSED`. */
const STABLE_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** The service's answer to a posted token, as the activity log keeps it; null when it did not answer at all. */
export function serviceVerdict(login: LoginOutcome): ServiceVerdict | null {
  if (login.kind === 'logged-in' || login.kind === 'qualify-required') return { outcome: login.kind, code: null };
  if (login.code === StatementFailureCode.SERVICE_UNREACHABLE) return null;
  return { outcome: 'refused', code: STABLE_CODE.test(login.code) ? login.code : 'LOGIN_REFUSED' };
}

/** Writes the service's answer onto its entry of the signature (best effort: the region does not depend on it). */
async function writeVerdict(deps: StatementGatherDeps, token: ServiceToken, login: LoginOutcome): Promise<void> {
  const verdict = serviceVerdict(login);
  if (!deps.activity || token.activityId === undefined || verdict === null) return;
  try {
    await deps.activity.recordPostedVerdict(token.activityId, verdict);
  } catch (error) {
    console.warn('kyotsu: the service verdict was not recorded', error);
  }
}

/** What a posted token came to, for the notification: no answer at all is "unconfirmed", not a refusal. */
function loginOutcome(login: LoginOutcome): SignedLoginOutcome {
  if (login.kind === 'logged-in') return 'logged-in';
  if (login.kind === 'failed' && login.code === StatementFailureCode.SERVICE_UNREACHABLE) return 'unconfirmed';
  return 'not-logged-in';
}

/** Collects the services' answers to one automatic signature and tells them once. */
interface SignedReport {
  answered(origin: string, outcome: SignedLoginOutcome): void;
  end(): void;
}

/**
 * Tells `tell` once: when every service signed for has answered, {@link VERDICT_WAIT_MS} after signing, or
 * at `end()` — whichever comes first; a service that has not answered by then is "unconfirmed".
 */
function signedReport(deps: StatementGatherDeps, tell: (logins: readonly SignedLogin[]) => void, targets: readonly Target[]): SignedReport {
  const outcomes = new Map<string, SignedLoginOutcome>();
  let sent = false;
  const send = (): void => {
    if (sent) return;
    sent = true;
    cancelTimer();
    if (targets.length > 0) tell(targets.map((t) => ({ service: t.name, outcome: outcomes.get(t.region.origin) ?? 'unconfirmed' })));
  };
  const cancelTimer = (deps.clock ?? systemClock).after(VERDICT_WAIT_MS, send);
  return {
    answered: (origin, outcome) => {
      if (sent || outcomes.has(origin)) return;
      outcomes.set(origin, outcome);
      if (targets.every((t) => outcomes.has(t.region.origin))) send();
    },
    end: send,
  };
}

/**
 * The region's service, or why it is not one. Nothing goes over the network for a region that fails a
 * check made from what the extension holds (its statement URL, a plain-http origin off this machine, an
 * origin the provider registry does not know): every such region gets the same answer, so the page learns
 * nothing about the hosts it names nor about which services the holder has visited beyond those of its own.
 */
async function resolveTarget(deps: StatementGatherDeps, region: StatementRegionRef, portalCaUrl: string, signal: AbortSignal): Promise<Target | { code: string; message: string }> {
  // One sentence for every such region: it says what to do, not which check failed.
  const notAService = {
    code: StatementFailureCode.NOT_A_SERVICE,
    message: `kyotsu does not know ${region.origin} as this kyotsu service, so it did not contact it. If it is one, open it once in this browser and reload this page.`,
  };
  if (!URL.canParse(region.origin)) return notAService;
  // The statement is read at the protocol's statement path only; the page's URL must say exactly that.
  const statementUrl = statementUrlOf(region.origin);
  if (!URL.canParse(region.statementUrl) || new URL(region.statementUrl).href !== statementUrl) return notAService;
  // Plain http only on this machine, as for the pages themselves (sender.ts): no kyotsu page can be elsewhere.
  const { protocol, hostname } = new URL(region.origin);
  if (protocol === 'http:' && !isLoopback(hostname)) return notAService;
  // Only a provider already in the registry (the holder visited it with the extension) is (re)checked;
  // an origin the page names that kyotsu has never seen is not contacted at all, not even for its document.
  if ((await deps.providers.get(region.origin)) === null) return notAService;
  stopIfCancelled(signal); // re-checking the provider may fetch its discovery document
  let provider: ProviderRecord | null;
  try {
    provider = await deps.providers.recognise(region.origin);
  } catch (error) {
    if (signal.aborted) throw error;
    return { code: StatementFailureCode.SERVICE_UNREACHABLE, message: `${region.origin} did not answer, so its statement cannot be shown now. The service may be down; try again later.` };
  }
  if (provider === null || provider.document.serviceId !== region.serviceId || provider.document.portal === true) return notAService;
  // A portal gathers only among the services of its own CA (the CA whose list its layout shows).
  if (sameCa(provider.document.caUrl) !== sameCa(portalCaUrl)) return notAService;
  const { challengeEndpoint, loginEndpoint } = provider.document;
  if (!sameOrigin(challengeEndpoint, region.origin) || !sameOrigin(loginEndpoint, region.origin)) return notAService;
  return { region, provider, name: provider.document.displayName, statementUrl };
}

function cancelled(): ExtensionError {
  return new ExtensionError(ExtensionErrorCode.OPERATION_ABORTED, 'The request was cancelled');
}

/**
 * Stops the gathering here once its page has gone (the tab closed or navigated away, or its Cancel): nothing
 * more is fetched, asked or signed for it. Checked before every request, prompt and card login.
 */
function stopIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw cancelled();
}

/** A CA base URL compared without a trailing slash. */
function sameCa(url: string): string {
  return url.replace(/\/+$/, '');
}

function sameOrigin(url: string, origin: string): boolean {
  return URL.canParse(url) && new URL(url).origin === origin;
}

/** `path` resolved on `origin`, if it stays there; else the origin's root. */
function sameOriginUrl(path: string, origin: string): string {
  const url = URL.canParse(path, origin) ? new URL(path, origin) : null;
  return url && url.origin === origin ? url.href : `${origin}/`;
}

/** `work`'s outcome, or OPERATION_ABORTED as soon as `signal` aborts (whatever `work` is still waiting for). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => reject(cancelled());
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** "Bank A", "Bank A and Bank B", "Bank A, Bank B and Card Co." */
export function listNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
}

/**
 * Runs gatherings one at a time. Two portal tabs gathering at once would each ask a service for a challenge
 * in the SAME browser session there, and the second challenge replaces the first (a nonce per session), so
 * one login would fail; one after the other, the second finds the sessions the first started and signs nothing.
 *
 * A cancelled gathering (its tab closed or navigated away — the holder reloading the statement page — or its
 * Cancel) gives up its turn at once: the next one does not wait for it to wind down, and it fetches, asks and
 * signs nothing more (`stopIfCancelled`), so the two never both act.
 */
export class StatementGatherings {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: StatementGatherDeps) {}

  /** `gatherStatements` after every gathering started before it has ended. */
  run(
    caller: Caller,
    regions: readonly StatementRegionRef[],
    emit: (result: StatementRegionResult) => void,
    portalCaUrl: string,
    mayLogin: boolean,
  ): Promise<StatementRegionResult[]> {
    const previous = this.tail;
    const turn = previous.then(() => {
      if (caller.signal.aborted) throw cancelled();
      return gatherStatements(this.deps, caller, regions, emit, portalCaUrl, mayLogin);
    });
    const next = untilAborted(turn, caller.signal).catch((error: unknown) => {
      // A cancelled gathering (the tab's Cancel, the tab closed or navigated) stops wherever it was, often
      // inside a fetch whose AbortError is a bare DOMException: the portal's content script gets the typed code.
      if (caller.signal.aborted && !(error instanceof KyotsuError)) throw cancelled();
      throw error;
    });
    // The next gathering waits for every earlier one, and for this one until it ends or is cancelled; a failed
    // gathering does not block it either.
    this.tail = Promise.all([previous, next.catch(() => undefined)]);
    return next;
  }
}
