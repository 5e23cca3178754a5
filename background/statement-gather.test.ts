/**
 * Gathering the statement page's regions against fake services (HTTP answered in memory, the card login a
 * recording stand-in): one login call for every service that needs one, each service receiving only its
 * own token, failures kept to their own region, origins outside the providers the extension already knows
 * never contacted, the statement read at the protocol's statement path only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ServiceVerdict, type StatementRegionRef, type StatementRegionResult } from '../src/message-results.js';
import { type DiscoveryDocument } from '../src/protocol/discovery.js';
import { type Caller } from './card-job.js';
import { type ServiceLogin } from './op-batch-authenticate.js';
import { ManualClock } from './clock.js';
import { createMemoryStore } from './kv-store.js';
import { type SignedLogin } from './notifications.js';
import { type DiscoveryFetcher, DOCUMENT_TTL_MS, ProviderRegistry, type ProviderRecord } from './providers.js';
import { ActivityLog, VERDICT_WAIT_MS } from './activity.js';
import { TabOperations } from './tab-operations.js';
import { gatherStatements, listNames, type StatementGatherDeps, StatementGatherings, statementUrlOf } from './statement-gather.js';

const NONCE = (n: number) => Buffer.from(new Uint8Array(32).fill(n)).toString('base64');

interface FakeService {
  id: string;
  name: string;
  origin: string;
  session: boolean;
  down?: boolean;
  qualified?: boolean;
  status?: 'approved' | 'pending';
  portal?: boolean;
  caUrl?: string;
  /** False: the holder never visited it with the extension (not in the provider registry). Default true. */
  known?: boolean;
  /** The service refuses the login token with this error code (HTTP 403). */
  refuses?: string;
  received: string[];
}

function service(id: string, name: string, over: Partial<FakeService> = {}): FakeService {
  return { id, name, origin: `https://${id}.example`, session: false, qualified: true, received: [], ...over };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** The registry's record of a fake service, as the holder's earlier visit stored it. */
function record(s: FakeService): ProviderRecord {
  const document: DiscoveryDocument = {
    version: 1,
    serviceId: s.id,
    displayName: s.name,
    challengeEndpoint: `${s.origin}/api/auth/challenge`,
    loginEndpoint: `${s.origin}/api/auth/login`,
    caUrl: s.caUrl ?? 'https://ca.example',
    trustAnchorFingerprints: ['0'.repeat(64)],
    ...(s.portal ? { portal: true } : {}),
  };
  return { origin: s.origin, document, status: s.status ?? 'approved', firstSeen: 0, lastSeen: 0, fetchedAt: 0 };
}

/** A world of fake services behind one `fetch`, and the deps of the gatherer over it. */
function world(services: FakeService[], options: { consent?: boolean; cardFails?: string; activity?: ActivityLog } = {}) {
  const contacted: string[] = [];
  const requested: string[] = [];
  const logins: ServiceLogin[][] = [];
  const consents: string[] = [];
  const emitted: StatementRegionResult[] = [];
  const find = (origin: string) => services.find((s) => s.origin === origin);
  const deps: StatementGatherDeps = {
    providers: {
      get: (origin) => {
        const s = find(origin);
        return Promise.resolve(s && s.known !== false ? record(s) : null);
      },
      recognise: (origin) => {
        const s = find(origin);
        if (!s) return Promise.resolve(null);
        if (s.down) return Promise.reject(new TypeError('Failed to fetch'));
        return Promise.resolve(record(s));
      },
      approve: (origin) => {
        find(origin)!.status = 'approved';
        return Promise.resolve({ origin, serviceId: '', displayName: '', status: 'approved', firstSeen: 0, lastSeen: 0 });
      },
    },
    consents: {
      ask: (view) => {
        consents.push(view.origin);
        return Promise.resolve(options.consent ?? true);
      },
    },
    http: (url, init) => {
      const { origin, pathname } = new URL(url);
      contacted.push(origin);
      requested.push(`${init.method ?? 'GET'} ${url}`);
      const s = find(origin);
      if (!s || s.down) return Promise.reject(new TypeError('Failed to fetch'));
      assert.equal(init.credentials, 'include', 'every request carries the service cookies');
      if (pathname === '/api/statement') {
        if (!s.session) return Promise.resolve(json(401, { error: { code: 'NOT_LOGGED_IN', message: 'Please log in first.' } }));
        return Promise.resolve(json(200, { serviceId: s.id, displayName: s.name, holder: 'Hanako', currency: 'JPY', balanceMinor: 1000, charges: [{ at: '2026-11-20', description: 'Coffee', amountMinor: -500 }] }));
      }
      if (pathname === '/api/auth/challenge') return Promise.resolve(json(200, { nonce: NONCE(services.indexOf(s) + 1) }));
      if (pathname === '/api/auth/login') {
        s.received.push(typeof init.body === 'string' ? init.body : '');
        if (s.refuses) return Promise.resolve(json(403, { error: { code: s.refuses, message: 'This certificate is revoked.' } }));
        if (!s.qualified) return Promise.resolve(json(200, { status: 'qualify-required', redirect: '/login' }));
        s.session = true;
        return Promise.resolve(json(200, { status: 'logged-in', redirect: '/' }));
      }
      return Promise.resolve(json(404, {}));
    },
    login: async (_caller, batch) => {
      logins.push([...batch]);
      if (options.cardFails) throw Object.assign(new Error('no'), { code: options.cardFails });
      const tokens = [];
      for (const l of batch) {
        // As authenticateMany does: one activity entry per service of the signature, named in its token.
        const stored = await options.activity?.record({ time: 1, origin: l.origin, service: l.serviceName, serial: '1f', operation: 'authenticate', result: 'ok', automatic: false });
        tokens.push({ origin: l.origin, tokenJson: `token-for ${l.origin} ${l.nonce}`, format: 'kyotsu-batch:1' as const, ...(stored?.id ? { activityId: stored.id } : {}) });
      }
      return tokens;
    },
  };
  const caller: Caller = { signal: new AbortController().signal, origin: 'https://portal.example', serviceName: 'Portal', automatic: false, notify: () => undefined };
  const regions = (list: FakeService[] = services): StatementRegionRef[] => list.map((s) => ({ serviceId: s.id, origin: s.origin, statementUrl: `${s.origin}/api/statement` }));
  const gather = (list?: StatementRegionRef[], mayLogin = true) => gatherStatements(deps, caller, list ?? regions(), (r) => emitted.push(r), 'https://ca.example/', mayLogin);
  return { gather, regions, contacted, requested, logins, consents, emitted, deps, caller };
}

/** An `emit` that resolves `seen` once `serviceId`'s region is shown. */
function emitted(serviceId: string): { emit: (result: StatementRegionResult) => void; seen: Promise<void> } {
  let resolve!: () => void;
  const seen = new Promise<void>((r) => (resolve = r));
  return { emit: (result) => (result.serviceId === serviceId ? resolve() : undefined), seen };
}

/** Lets every pending promise callback run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A gate: `wait` resolves once `open` is called; `reached` once something waits on it. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let reach!: () => void;
  const opened = new Promise<T>((resolve) => (open = resolve));
  const reached = new Promise<void>((resolve) => (reach = resolve));
  return { open, reached, wait: () => (reach(), opened) };
}

const states = (results: readonly StatementRegionResult[]) => Object.fromEntries(results.map((r) => [r.serviceId, r.state]));

describe('gatherStatements', () => {
  it('logs in to every service without a session with one card login, each service receiving its own token only', async () => {
    const services = [service('bank-a', 'Bank A'), service('bank-b', 'Bank B'), service('card-co', 'Card Co.')];
    const w = world(services);
    const results = await w.gather();
    assert.deepEqual(states(results), { 'bank-a': 'ok', 'bank-b': 'ok', 'card-co': 'ok' });
    assert.equal(w.logins.length, 1, 'one card login');
    assert.deepEqual(w.logins[0]!.map((l) => l.origin).sort(), services.map((s) => s.origin).sort());
    for (const s of services) {
      assert.equal(s.received.length, 1);
      assert.match(s.received[0]!, new RegExp(`^token-for ${s.origin} `), `${s.name} got its own token`);
    }
    assert.deepEqual(w.emitted.map((r) => r.serviceId).sort(), ['bank-a', 'bank-b', 'card-co'], 'each result emitted once');
    const ok = results[0]!;
    assert.ok(ok.state === 'ok' && ok.statement.charges[0]?.description === 'Coffee');
  });

  it('a service with a live session is read without any login; nothing is signed when none needs one', async () => {
    const w = world([service('bank-a', 'Bank A', { session: true })]);
    assert.deepEqual(states(await w.gather()), { 'bank-a': 'ok' });
    assert.equal(w.logins.length, 0);
  });

  it('a stopped service fails its own region with a sentence; the others still show and the card signs for them only', async () => {
    const services = [service('bank-a', 'Bank A'), service('bank-b', 'Bank B', { down: true }), service('card-co', 'Card Co.')];
    services[1]!.down = false; // recognised (document cached) …
    const w = world(services);
    services[1]!.down = true; // … but not answering now
    const results = await w.gather();
    assert.deepEqual(states(results), { 'bank-a': 'ok', 'bank-b': 'failed', 'card-co': 'ok' });
    const failed = results.find((r) => r.serviceId === 'bank-b');
    assert.ok(failed?.state === 'failed');
    assert.equal(failed.code, 'SERVICE_UNREACHABLE');
    assert.match(failed.message, /^Bank B did not answer|did not answer/);
    assert.deepEqual(w.logins[0]!.map((l) => l.origin), ['https://bank-a.example', 'https://card-co.example']);
  });

  it('never contacts an origin that is not a participating service, nor one claiming another service id, nor a portal', async () => {
    const services = [service('bank-a', 'Bank A'), service('portal', 'Portal', { portal: true })];
    const w = world(services);
    const regions: StatementRegionRef[] = [
      ...w.regions(),
      { serviceId: 'evil', origin: 'https://evil.example', statementUrl: 'https://evil.example/api/statement' },
      { serviceId: 'bank-b', origin: 'https://bank-a.example', statementUrl: 'https://bank-a.example/api/statement' },
    ];
    const results = await w.gather(regions);
    assert.deepEqual(states(results), { 'bank-a': 'ok', portal: 'failed', evil: 'failed' }, 'a second region for the same origin is dropped');
    assert.ok(!w.contacted.includes('https://evil.example'), 'no request to a non-participating origin');
    assert.ok(!w.contacted.includes('https://portal.example'), 'no request to a portal region');
    assert.deepEqual(w.logins[0]!.map((l) => l.origin), ['https://bank-a.example']);
    const evil = results.find((r) => r.serviceId === 'evil');
    assert.ok(evil?.state === 'failed' && evil.code === 'NOT_A_SERVICE');
  });

  it('never gathers at a service of another CA than the portal', async () => {
    const w = world([service('bank-a', 'Bank A'), service('other', 'Other Bank', { caUrl: 'https://other-ca.example' })]);
    const results = await w.gather();
    assert.deepEqual(states(results), { 'bank-a': 'ok', other: 'failed' });
    assert.ok(!w.contacted.includes('https://other.example'));
  });

  it('a plain-http region off this machine is refused before anything is fetched, its discovery document included', async () => {
    const plain = service('bank-a', 'Bank A', { origin: 'http://bank-a.example' });
    const w = world([plain, service('local', 'Local Bank', { origin: 'http://localhost:8443' })]);
    const asked: string[] = [];
    const recognise = w.deps.providers.recognise;
    const deps: StatementGatherDeps = { ...w.deps, providers: { ...w.deps.providers, recognise: (origin) => (asked.push(origin), recognise(origin)) } };
    const results = await gatherStatements(deps, w.caller, w.regions(), () => undefined, 'https://ca.example', true);
    assert.deepEqual(states(results), { 'bank-a': 'failed', local: 'ok' }, 'loopback http stays allowed (the demo and the tests)');
    assert.ok(results[0]?.state === 'failed' && results[0].code === 'NOT_A_SERVICE');
    assert.deepEqual(asked, ['http://localhost:8443'], 'no discovery fetch to the plain-http origin');
    assert.ok(!w.contacted.includes('http://bank-a.example'));
    assert.deepEqual(w.logins[0]!.map((l) => l.origin), ['http://localhost:8443'], 'nothing signed for it');
  });

  it('a statement URL off the region origin is refused before anything is fetched', async () => {
    const w = world([service('bank-a', 'Bank A')]);
    const results = await w.gather([{ serviceId: 'bank-a', origin: 'https://bank-a.example', statementUrl: 'https://evil.example/api/statement' }]);
    assert.deepEqual(states(results), { 'bank-a': 'failed' });
    assert.deepEqual(w.contacted, []);
  });

  it('the statement is read only at the protocol statement path: a page naming another path of the service gets nothing fetched', async () => {
    const w = world([service('bank-a', 'Bank A'), service('bank-b', 'Bank B', { session: true })]);
    const results = await w.gather([
      { serviceId: 'bank-a', origin: 'https://bank-a.example', statementUrl: 'https://bank-a.example/account/transfer?to=mallory' },
      { serviceId: 'bank-b', origin: 'https://bank-b.example', statementUrl: 'https://bank-b.example/api/statement?x=1' },
    ]);
    assert.deepEqual(states(results), { 'bank-a': 'failed', 'bank-b': 'failed' });
    for (const r of results) assert.ok(r.state === 'failed' && r.code === 'NOT_A_SERVICE', JSON.stringify(r));
    assert.deepEqual(w.requested, [], 'no request to any path the page named');
    assert.equal(w.logins.length, 0, 'nothing signed');
    // Named as the protocol has it, every GET goes to STATEMENT_PATH and nowhere else.
    const fine = world([service('bank-a', 'Bank A')]);
    assert.deepEqual(states(await fine.gather()), { 'bank-a': 'ok' });
    assert.deepEqual(fine.requested.filter((r) => r.startsWith('GET ')), ['GET https://bank-a.example/api/statement', 'GET https://bank-a.example/api/statement']);
    assert.equal(statementUrlOf('http://localhost:7103'), 'http://localhost:7103/api/statement');
  });

  it('an origin the extension does not already know gets no request at all, not even for its discovery document; known ones are re-checked', async () => {
    const clock = new ManualClock();
    const documentsAsked: string[] = [];
    const bankA = service('bank-a', 'Bank A');
    const bankC = service('bank-c', 'Bank C'); // a real kyotsu service, but the holder never opened it
    const fetchDocument: DiscoveryFetcher = (origin) => {
      documentsAsked.push(origin);
      if (origin === 'https://intranet.corp.example') return Promise.reject(new TypeError('Failed to fetch')); // would answer "unreachable"
      const s = [bankA, bankC].find((x) => x.origin === origin);
      return Promise.resolve(s ? record(s).document : null);
    };
    const registry = new ProviderRegistry(createMemoryStore(), fetchDocument, clock);
    await registry.recognise(bankA.origin); // the holder's earlier visit to Bank A with the extension
    await registry.approve(bankA.origin);
    documentsAsked.length = 0;
    const w = world([bankA, bankC]);
    const deps: StatementGatherDeps = { ...w.deps, providers: registry };
    const regions: StatementRegionRef[] = [
      ...w.regions(),
      { serviceId: 'intranet', origin: 'https://intranet.corp.example', statementUrl: 'https://intranet.corp.example/api/statement' },
      { serviceId: 'router', origin: 'http://127.0.0.1:8080', statementUrl: 'http://127.0.0.1:8080/api/statement' },
    ];
    const results = await gatherStatements(deps, w.caller, regions, () => undefined, 'https://ca.example', true);
    assert.deepEqual(states(results), { 'bank-a': 'ok', 'bank-c': 'failed', intranet: 'failed', router: 'failed' });
    const unknown = results.filter((r) => r.serviceId !== 'bank-a');
    for (const r of unknown) assert.ok(r.state === 'failed' && r.code === 'NOT_A_SERVICE', JSON.stringify(r));
    assert.ok(unknown[0]?.state === 'failed' && /open it once in this browser/.test(unknown[0].message), 'the holder is told how kyotsu gets to know it');
    assert.deepEqual(documentsAsked, [], 'no discovery fetch for any region (Bank A\'s document is fresh)');
    assert.deepEqual([...new Set(w.contacted)], [bankA.origin], 'only the known service is contacted');
    assert.deepEqual(w.logins[0]!.map((l) => l.origin), [bankA.origin]);
    // A known provider's stale document is fetched again; still nothing for the others.
    clock.advance(DOCUMENT_TTL_MS + 1);
    await gatherStatements(deps, w.caller, regions, () => undefined, 'https://ca.example', true);
    assert.deepEqual(documentsAsked, [bankA.origin]);
  });

  it('"qualify first" after the login is shown as not enrolled, with the service’s own login page to qualify', async () => {
    const w = world([service('bank-a', 'Bank A'), service('card-co', 'Card Co.', { qualified: false })]);
    const results = await w.gather();
    const card = results.find((r) => r.serviceId === 'card-co');
    assert.deepEqual(card, { serviceId: 'card-co', state: 'not-enrolled', qualifyUrl: 'https://card-co.example/login' });
    assert.equal(results.find((r) => r.serviceId === 'bank-a')?.state, 'ok');
  });

  it('a card login that fails (PIN cancelled) fails the regions that needed it, with words, and leaves live sessions shown', async () => {
    const w = world([service('bank-a', 'Bank A', { session: true }), service('bank-b', 'Bank B')], { cardFails: 'PIN_CANCELLED' });
    const results = await w.gather();
    assert.deepEqual(states(results), { 'bank-a': 'ok', 'bank-b': 'failed' });
    const failed = results.find((r) => r.serviceId === 'bank-b');
    assert.ok(failed?.state === 'failed');
    assert.equal(failed.code, 'CARD_LOGIN_FAILED');
    assert.match(failed.message, /cancelled the PIN entry.*Bank B/);
  });

  it('asks the holder before logging in to a service not yet approved in kyotsu; a refusal leaves it out of the signature', async () => {
    const w = world([service('bank-a', 'Bank A'), service('bank-b', 'Bank B', { status: 'pending' })], { consent: false });
    const results = await w.gather();
    assert.deepEqual(w.consents, ['https://bank-b.example']);
    assert.deepEqual(states(results), { 'bank-a': 'ok', 'bank-b': 'failed' });
    assert.deepEqual(w.logins[0]!.map((l) => l.origin), ['https://bank-a.example']);
  });

  it('two pages gathering at once take turns: the second finds the sessions the first started and signs nothing', async () => {
    const w = world([service('bank-a', 'Bank A'), service('bank-b', 'Bank B')]);
    const gatherings = new StatementGatherings(w.deps);
    const [first, second] = await Promise.all([gatherings.run(w.caller, w.regions(), () => undefined, 'https://ca.example', true), gatherings.run(w.caller, w.regions(), () => undefined, 'https://ca.example', true)]);
    assert.deepEqual([states(first), states(second)], [{ 'bank-a': 'ok', 'bank-b': 'ok' }, { 'bank-a': 'ok', 'bank-b': 'ok' }]);
    assert.equal(w.logins.length, 1, 'one card login for both pages');
  });

  it('with automatic login off and no click, signs nothing: regions without a session say a login is needed', async () => {
    const w = world([service('bank-a', 'Bank A', { session: true }), service('bank-b', 'Bank B')]);
    const results = await w.gather(undefined, false);
    assert.deepEqual(states(results), { 'bank-a': 'ok', 'bank-b': 'login-required' });
    assert.equal(w.logins.length, 0, 'nothing signed');
  });

  it('a gathering cancelled by its tab (Cancel, tab closed) ends with the typed OPERATION_ABORTED, never a bare AbortError', async () => {
    const w = world([service('bank-a', 'Bank A'), service('bank-b', 'Bank B')]);
    const gatherings = new StatementGatherings(w.deps);
    // Cancelled while waiting its turn behind another gathering.
    const waiting = new AbortController();
    const first = gatherings.run(w.caller, w.regions(), () => undefined, 'https://ca.example', true);
    const second = gatherings.run({ ...w.caller, signal: waiting.signal }, w.regions(), () => undefined, 'https://ca.example', true);
    waiting.abort();
    await first;
    await assert.rejects(second, { code: 'OPERATION_ABORTED' });
    // Cancelled while a service is being asked.
    const asking = new AbortController();
    const http = w.deps.http;
    const deps: StatementGatherDeps = {
      ...w.deps,
      http: (url, init) => {
        asking.abort();
        return init.signal?.aborted ? Promise.reject(new DOMException('This operation was aborted', 'AbortError')) : http(url, init); // as fetch rejects
      },
    };
    await assert.rejects(new StatementGatherings(deps).run({ ...w.caller, signal: asking.signal }, w.regions(), () => undefined, 'https://ca.example', true), { code: 'OPERATION_ABORTED' });
  });

  it('a signature made with no click is told in ONE notice naming each service and what became of its login', async () => {
    const w = world([service('bank-a', 'Bank A'), service('bank-b', 'Bank B', { qualified: false }), service('card-co', 'Card Co.', { session: true })]);
    const told: SignedLogin[][] = [];
    const deps: StatementGatherDeps = { ...w.deps, onAutomaticLogins: (logins) => told.push([...logins]), clock: new ManualClock() };
    await gatherStatements(deps, { ...w.caller, automatic: true }, w.regions(), () => undefined, 'https://ca.example', true);
    assert.deepEqual(told, [[{ service: 'Bank A', outcome: 'logged-in' }, { service: 'Bank B', outcome: 'not-logged-in' }]], 'Card Co. had a session: nothing signed for it');
    // The holder's own click is not notified.
    const clicked = world([service('bank-a', 'Bank A')]);
    await gatherStatements({ ...clicked.deps, onAutomaticLogins: (logins) => told.push([...logins]) }, clicked.caller, clicked.regions(), () => undefined, 'https://ca.example', true);
    assert.equal(told.length, 1);
  });

  it('a service that answers the token slowly, or a gathering cancelled after signing, cannot hold the notice back', async () => {
    const services = [service('bank-a', 'Bank A'), service('bank-b', 'Bank B')];
    const w = world(services);
    const clock = new ManualClock();
    const told: SignedLogin[][] = [];
    let posted!: () => void;
    const bankBPosted = new Promise<void>((resolve) => (posted = resolve));
    let answer!: (response: Response) => void;
    const slow: StatementGatherDeps['http'] = (url, init) => {
      if (url === 'https://bank-b.example/api/auth/login') {
        posted();
        return new Promise((resolve, reject) => {
          answer = resolve;
          init.signal?.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')));
        });
      }
      return w.deps.http(url, init);
    };
    const deps: StatementGatherDeps = { ...w.deps, http: slow, onAutomaticLogins: (logins) => told.push([...logins]), clock };
    const bankAShown = emitted('bank-a');
    const gathering = gatherStatements(deps, { ...w.caller, automatic: true }, w.regions(), bankAShown.emit, 'https://ca.example', true);
    await Promise.all([bankBPosted, bankAShown.seen]); // Bank A answered (its statement is shown), Bank B not yet
    assert.deepEqual(told, [], 'waiting for Bank B');
    clock.advance(VERDICT_WAIT_MS);
    assert.deepEqual(told, [[{ service: 'Bank A', outcome: 'logged-in' }, { service: 'Bank B', outcome: 'unconfirmed' }]]);
    answer(new Response(JSON.stringify({ status: 'logged-in' }), { status: 200 }));
    await gathering;
    assert.equal(told.length, 1, 'told once');
    // Cancelled (tab closed) while Bank B has not answered: told at once, Bank B unconfirmed.
    const cancel = new AbortController();
    const cancelled = world([service('bank-a', 'Bank A'), service('bank-b', 'Bank B')]);
    let posted2!: () => void;
    const bankBPosted2 = new Promise<void>((resolve) => (posted2 = resolve));
    const hanging: StatementGatherDeps['http'] = (url, init) => {
      if (url !== 'https://bank-b.example/api/auth/login') return cancelled.deps.http(url, init);
      posted2();
      return new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError'))));
    };
    const told2: SignedLogin[][] = [];
    const bankAShown2 = emitted('bank-a');
    const run = gatherStatements({ ...cancelled.deps, http: hanging, onAutomaticLogins: (logins) => told2.push([...logins]), clock: new ManualClock() }, { ...cancelled.caller, automatic: true, signal: cancel.signal }, cancelled.regions(), bankAShown2.emit, 'https://ca.example', true);
    await Promise.all([bankBPosted2, bankAShown2.seen]);
    cancel.abort();
    await assert.rejects(run);
    assert.deepEqual(told2, [[{ service: 'Bank A', outcome: 'logged-in' }, { service: 'Bank B', outcome: 'unconfirmed' }]]);
  });

  it('the tab navigating away before the card signs ends the gathering: nothing is signed and nothing more fetched', async () => {
    const services = [service('bank-a', 'Bank A'), service('bank-b', 'Bank B')];
    const w = world(services);
    // Bank B's provider re-check is slow (its discovery document); Bank A already said "log in first".
    const slow = gate();
    const recognise = w.deps.providers.recognise;
    const deps: StatementGatherDeps = { ...w.deps, providers: { ...w.deps.providers, recognise: async (origin) => (origin === services[1]!.origin && (await slow.wait()), recognise(origin)) } };
    const tabs = new TabOperations(() => 'f'.repeat(32));
    const op = tabs.begin(3, { documentId: 'statement-page', receivedAt: 1_000 });
    const gathering = new StatementGatherings(deps).run({ ...w.caller, signal: op.signal }, w.regions(), () => undefined, 'https://ca.example', true);
    await slow.reached;
    await flush();
    const fetchedBefore = [...w.requested];
    assert.deepEqual(fetchedBefore, ['GET https://bank-a.example/api/statement']);
    // The holder follows a link: the top frame commits another document.
    assert.equal(tabs.tabNavigated(3, { documentId: 'elsewhere', committedAt: 2_000 }), 1);
    await assert.rejects(gathering, { code: 'OPERATION_ABORTED' });
    slow.open();
    await flush();
    assert.deepEqual(w.logins, [], 'the card signed nothing');
    assert.deepEqual(w.requested, fetchedBefore, 'no request after the page left');
  });

  it('the tab navigating away while the card signs: the tokens are not posted, and an automatic signature is still told', async () => {
    const services = [service('bank-a', 'Bank A'), service('bank-b', 'Bank B')];
    const w = world(services);
    const signing = gate();
    const told: SignedLogin[][] = [];
    const deps: StatementGatherDeps = {
      ...w.deps,
      // The card finishes its signature whatever happens meanwhile (GENERAL AUTHENTICATE is under way).
      login: async (caller, batch) => (await signing.wait(), w.deps.login(caller, batch)),
      onAutomaticLogins: (logins) => told.push([...logins]),
      clock: new ManualClock(),
    };
    const tabs = new TabOperations(() => 'f'.repeat(32));
    const op = tabs.begin(3, { documentId: 'statement-page', receivedAt: 1_000 });
    const gathering = new StatementGatherings(deps).run({ ...w.caller, automatic: true, signal: op.signal }, w.regions(), () => undefined, 'https://ca.example', true);
    await signing.reached;
    const fetchedBefore = [...w.requested];
    tabs.tabNavigated(3, { documentId: 'elsewhere', committedAt: 2_000 });
    signing.open();
    await assert.rejects(gathering, { code: 'OPERATION_ABORTED' });
    await flush();
    assert.equal(w.logins.length, 1, 'the card did sign');
    assert.deepEqual(services.map((s) => s.received), [[], []], 'no service received its token');
    assert.deepEqual(w.requested, fetchedBefore, 'no token posted, no statement read again');
    assert.deepEqual(told, [[{ service: 'Bank A', outcome: 'unconfirmed' }, { service: 'Bank B', outcome: 'unconfirmed' }]], 'the holder is told the card signed');
  });

  it('the reloaded statement page gathers at once: the gathering of the page it replaced gives up its turn, though it is still stuck', async () => {
    const services = [service('bank-a', 'Bank A'), service('bank-b', 'Bank B')];
    const w = world(services);
    const stuck = gate();
    let holding = true;
    const recognise = w.deps.providers.recognise;
    const deps: StatementGatherDeps = { ...w.deps, providers: { ...w.deps.providers, recognise: async (origin) => (holding && (await stuck.wait()), recognise(origin)) } };
    const tabs = new TabOperations(() => Math.random().toString(16).slice(2).padEnd(32, '0'));
    const gatherings = new StatementGatherings(deps);
    const old = tabs.begin(3, { documentId: 'page-1', receivedAt: 1_000 });
    const first = gatherings.run({ ...w.caller, signal: old.signal }, w.regions(), () => undefined, 'https://ca.example', true);
    await stuck.reached;
    holding = false;
    // Reload: the new page's request may reach the background before the commit event; it is kept either way.
    const fresh = tabs.begin(3, { documentId: 'page-2', receivedAt: 1_500 });
    tabs.tabNavigated(3, { documentId: 'page-2', committedAt: 2_000 });
    assert.equal(fresh.signal.aborted, false);
    await assert.rejects(first, { code: 'OPERATION_ABORTED' });
    const second = await gatherings.run({ ...w.caller, signal: fresh.signal }, w.regions(), () => undefined, 'https://ca.example', true);
    assert.deepEqual(states(second), { 'bank-a': 'ok', 'bank-b': 'ok' }, 'the new page is not held up by the old one');
    const requested = w.requested.length;
    stuck.open(); // the old gathering finally gets its answer …
    await flush();
    assert.equal(w.logins.length, 1, 'one signature, for the new page');
    assert.equal(w.requested.length, requested, '… and fetches nothing with it');
  });

  it('each service\'s answer to its posted token is written on its own activity entry of the one signature', async () => {
    let n = 0;
    const activity = new ActivityLog(createMemoryStore(), { newId: () => `entry-${++n}` });
    const services = [service('bank-a', 'Bank A'), service('bank-b', 'Bank B', { qualified: false }), service('card-co', 'Card Co.', { refuses: 'CERTIFICATE_REVOKED' }), service('shop', 'Shop', { session: true })];
    const w = world(services, { activity });
    await gatherStatements({ ...w.deps, activity }, w.caller, w.regions(), () => undefined, 'https://ca.example', true);
    assert.equal(w.logins.length, 1);
    const verdicts = Object.fromEntries((await activity.list()).map((e): [string, ServiceVerdict | null] => [e.service ?? '', e.verdict ?? null]));
    assert.deepEqual(verdicts, {
      'Bank A': { outcome: 'logged-in', code: null },
      'Bank B': { outcome: 'qualify-required', code: null },
      'Card Co.': { outcome: 'refused', code: 'CERTIFICATE_REVOKED' },
    }, 'Shop had a session: nothing signed, no entry');
  });

  it('names the services of one signature in a sentence', () => {
    assert.equal(listNames(['Bank A']), 'Bank A');
    assert.equal(listNames(['Bank A', 'Bank B', 'Card Co.']), 'Bank A, Bank B and Card Co.');
  });
});
