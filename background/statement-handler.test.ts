/**
 * The background's `statementGather` handler: who may gather (an approved portal's own content script) and
 * how the card logins of a gathering are labelled — signed with no click (automatic login on, the page just
 * opened) they are automatic logins, as the activity log and options page say.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type StatementGatherRequest } from '../src/message-requests.js';
import { type DiscoveryDocument } from '../src/protocol/discovery.js';
import { type Caller } from './card-job.js';
import { ManualClock } from './clock.js';
import { createHandlers, type HandlerServices } from './handlers.js';
import { createMemoryStore } from './kv-store.js';
import { ProviderRegistry } from './providers.js';
import { type ClassifiedSender } from './sender.js';
import { SettingsStore } from './settings.js';
import { type StatementGatherings } from './statement-gather.js';
import { TabOperations } from './tab-operations.js';

const PORTAL = 'https://portal.example';
const BANK = 'https://bank-a.example';

const document = (origin: string, portal: boolean): DiscoveryDocument => ({
  version: 1,
  serviceId: portal ? 'portal' : 'bank-a',
  displayName: portal ? 'Portal' : 'Bank A',
  challengeEndpoint: `${origin}/api/auth/challenge`,
  loginEndpoint: `${origin}/api/auth/login`,
  caUrl: 'https://ca.example',
  trustAnchorFingerprints: ['0'.repeat(64)],
  ...(portal ? { portal: true } : {}),
});

async function setUp(options: { autoLogin: boolean; approve: readonly string[]; tabs?: TabOperations }) {
  const providers = new ProviderRegistry(createMemoryStore(), (origin) => Promise.resolve(document(origin, origin === PORTAL)), new ManualClock());
  for (const origin of options.approve) {
    await providers.recognise(origin);
    await providers.approve(origin);
  }
  const settings = new SettingsStore(createMemoryStore());
  await settings.set({ autoLogin: options.autoLogin });
  const gathered: { caller: Caller; mayLogin: boolean }[] = [];
  const statements = {
    run: (caller: Caller, _regions: unknown, _emit: unknown, _ca: string, mayLogin: boolean) => {
      gathered.push({ caller, mayLogin });
      return Promise.resolve([]);
    },
  } as unknown as StatementGatherings;
  const services = {
    providers,
    settings,
    statements,
    tabs: options.tabs ?? new TabOperations(() => '0'.repeat(32)),
    consents: { ask: () => Promise.resolve(false) },
    notify: () => undefined,
    sendStatementRegion: () => undefined,
  } as unknown as HandlerServices;
  return { gather: createHandlers(services).statementGather, gathered, tabs: services.tabs };
}

const request = (interactive: boolean): StatementGatherRequest => ({
  type: 'statementGather',
  gatherId: 'a'.repeat(32),
  regions: [{ serviceId: 'bank-a', origin: BANK, statementUrl: `${BANK}/api/statement` }],
  interactive,
});
const from = (origin: string): ClassifiedSender => ({ context: 'content-script', origin, tabId: 3, page: null });

describe('statementGather handler', () => {
  it('only an approved portal gathers: a participating service that is not a portal, or a portal not yet approved, is refused', async () => {
    const notPortal = await setUp({ autoLogin: true, approve: [BANK] });
    await assert.rejects(notPortal.gather(request(true), from(BANK)), { code: 'NOT_A_PROVIDER' });
    const pending = await setUp({ autoLogin: true, approve: [] });
    await assert.rejects(pending.gather(request(true), from(PORTAL)), { code: 'NOT_A_PROVIDER' });
    assert.deepEqual([...notPortal.gathered, ...pending.gathered], [], 'nothing gathered');
  });

  it('with automatic login on and no click, the gathering may log in, and its logins are automatic ones', async () => {
    const { gather, gathered } = await setUp({ autoLogin: true, approve: [PORTAL] });
    await gather(request(false), from(PORTAL));
    assert.equal(gathered[0]?.mayLogin, true);
    assert.equal(gathered[0]?.caller.automatic, true, 'the holder did not click: the activity log must say automatic');
    assert.equal(gathered[0]?.caller.origin, PORTAL, 'the caller is the sender origin');
  });

  it('after the holder own click, the logins are the holder own, with automatic login on or off', async () => {
    for (const autoLogin of [true, false]) {
      const { gather, gathered } = await setUp({ autoLogin, approve: [PORTAL] });
      await gather(request(true), from(PORTAL));
      assert.deepEqual([gathered[0]?.mayLogin, gathered[0]?.caller.automatic], [true, false]);
    }
  });

  it('a portal page that navigates away while its request is being checked gathers nothing: its gathering starts cancelled', async () => {
    let time = 1_000; // the request arrives at 1 000; the tab commits another document at 2 000
    const tabs = new TabOperations(() => '0'.repeat(32), () => time);
    const { gather, gathered } = await setUp({ autoLogin: true, approve: [PORTAL], tabs });
    const reply = gather(request(true), from(PORTAL));
    time = 3_000;
    tabs.tabNavigated(3, { documentId: null, committedAt: 2_000 });
    await reply;
    assert.equal(gathered[0]?.caller.signal.aborted, true, 'the page that asked is gone');
    // The new page's own request is gathered as usual.
    await gather(request(true), from(PORTAL));
    assert.equal(gathered[1]?.caller.signal.aborted, false);
  });

  it('with automatic login off and no click, nothing may be signed', async () => {
    const { gather, gathered } = await setUp({ autoLogin: false, approve: [PORTAL] });
    await gather(request(false), from(PORTAL));
    assert.equal(gathered[0]?.mayLogin, false);
  });
});
