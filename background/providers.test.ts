import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DiscoveryDocument } from '../src/protocol/discovery.js';
import { ManualClock } from './clock.js';
import { createDiscoveryFetcher } from './discovery-fetch.js';
import { createMemoryStore } from './kv-store.js';
import { ABSENT_TTL_MS, DOCUMENT_TTL_MS, ProviderRegistry } from './providers.js';

const BANK = 'https://bank-a.example';
const doc = (displayName = 'Bank A'): DiscoveryDocument => ({
  version: 1,
  serviceId: 'bank-a',
  displayName,
  challengeEndpoint: `${BANK}/kyotsu/challenge`,
  loginEndpoint: `${BANK}/kyotsu/login`,
  caUrl: 'https://ca.example',
  trustAnchorFingerprints: ['ab'.repeat(32)],
});

function setup(documents: Record<string, DiscoveryDocument | null | Error>) {
  const clock = new ManualClock();
  const fetched: string[] = [];
  const store = createMemoryStore();
  const registry = new ProviderRegistry(
    store,
    (origin) => {
      fetched.push(origin);
      const answer = documents[origin] ?? null;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
    clock,
  );
  return { clock, fetched, registry, store };
}

describe('provider registry', () => {
  it('recognises a service by its discovery document; it starts pending and is cached', async () => {
    const { registry, fetched, clock } = setup({ [BANK]: doc() });
    const record = await registry.recognise(BANK);
    assert.equal(record?.status, 'pending');
    assert.equal(record?.document.displayName, 'Bank A');
    clock.advance(DOCUMENT_TTL_MS - 1);
    await registry.recognise(BANK);
    assert.deepEqual(fetched, [BANK], 'a fresh cached document is not fetched again');
    clock.advance(2);
    await registry.recognise(BANK);
    assert.deepEqual(fetched, [BANK, BANK], 'an expired one is');
  });

  it('approval and forgetting are what the options page lists', async () => {
    const { registry } = setup({ [BANK]: doc() });
    await registry.recognise(BANK);
    assert.equal((await registry.approve(BANK)).status, 'approved');
    assert.deepEqual((await registry.list()).map((p) => [p.origin, p.displayName, p.status]), [[BANK, 'Bank A', 'approved']]);
    // Refreshing the document keeps the approval.
    assert.equal((await registry.recognise(BANK))?.status, 'approved');
    assert.equal(await registry.forget(BANK), true);
    assert.deepEqual(await registry.list(), []);
    await assert.rejects(registry.approve(BANK), { code: 'NOT_A_PROVIDER' });
  });

  it('does not store origins that do not participate, and asks them again only after a while', async () => {
    const { registry, fetched, clock, store } = setup({});
    assert.equal(await registry.recognise('https://news.example'), null);
    assert.equal(await registry.recognise('https://news.example'), null);
    assert.deepEqual(fetched, ['https://news.example']);
    assert.deepEqual(await store.get('providers'), undefined, 'browsing history never reaches storage');
    clock.advance(ABSENT_TTL_MS);
    await registry.recognise('https://news.example');
    assert.equal(fetched.length, 2);
  });

  it('keeps a known provider when its document cannot be fetched, and drops it when it is gone', async () => {
    const documents: Record<string, DiscoveryDocument | null | Error> = { [BANK]: doc() };
    const { registry, clock } = setup(documents);
    await registry.recognise(BANK);
    await registry.approve(BANK);
    clock.advance(DOCUMENT_TTL_MS);
    documents[BANK] = new TypeError('network down');
    assert.equal((await registry.recognise(BANK))?.status, 'approved');
    clock.advance(DOCUMENT_TTL_MS);
    documents[BANK] = null;
    assert.equal(await registry.recognise(BANK), null);
    assert.deepEqual(await registry.list(), []);
  });

  it('drops stored records whose document no longer parses', async () => {
    const { registry, store } = setup({});
    await store.set('providers', { [BANK]: { origin: BANK, document: { version: 1 }, status: 'approved', firstSeen: 1, lastSeen: 1, fetchedAt: 1 } });
    assert.deepEqual(await registry.list(), []);
  });
});

describe('discovery fetch', () => {
  const serve = (status: number, body: string): typeof fetch => () => Promise.resolve(new Response(body, { status }));

  it('reads a valid document for the origin it was fetched from', async () => {
    const fetcher = createDiscoveryFetcher(serve(200, JSON.stringify(doc())));
    assert.equal((await fetcher(BANK))?.serviceId, 'bank-a');
  });

  it('treats 404, malformed documents and documents pointing at another origin as not participating', async () => {
    assert.equal(await createDiscoveryFetcher(serve(404, 'nope'))(BANK), null);
    assert.equal(await createDiscoveryFetcher(serve(200, '{"version":1}'))(BANK), null);
    assert.equal(await createDiscoveryFetcher(serve(200, JSON.stringify(doc())))('https://evil.example'), null);
  });

  it('throws on server errors so a cached document is kept', async () => {
    await assert.rejects(createDiscoveryFetcher(serve(503, ''))(BANK), /HTTP 503/);
  });
});
