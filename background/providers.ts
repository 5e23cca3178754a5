/**
 * Participating services ("providers"), recognised by the discovery document each publishes at
 * `/.well-known/kyotsu` (src/protocol/discovery.ts). On navigation the background asks `recognise(origin)`:
 * a fresh cached document answers at once; otherwise the document is fetched, parsed for that origin and
 * cached with an expiry. A newly seen provider is `pending` until the holder approves it (options page,
 * notification or consent window); `forget` removes it.
 *
 * Only participating origins are stored (storage.local); origins without a document are remembered in
 * memory only, briefly, so browsing history never lands in storage.
 */
import { type DiscoveryDocument, parseDiscoveryDocument } from '../src/protocol/discovery.js';
import { AuthError } from '../src/protocol/errors.js';
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';
import { type ProviderView } from '../src/message-results.js';
import { type Clock } from './clock.js';
import { createUpdater, type KeyValueStore } from './kv-store.js';

/** A provider as stored. */
export interface ProviderRecord {
  readonly origin: string;
  readonly document: DiscoveryDocument;
  readonly status: 'pending' | 'approved';
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** When the document was last fetched (ms). */
  readonly fetchedAt: number;
}

/**
 * Fetches and parses an origin's discovery document: the document, `null` when the origin does not
 * participate (404, malformed), or a throw when it could not be asked (network down).
 */
export type DiscoveryFetcher = (origin: string) => Promise<DiscoveryDocument | null>;

const KEY = 'providers';
/** A cached document is refreshed after an hour. */
export const DOCUMENT_TTL_MS = 60 * 60_000;
/** An origin without a document is asked again after ten minutes. */
export const ABSENT_TTL_MS = 10 * 60_000;
const ABSENT_MAX = 500;

type Records = Record<string, ProviderRecord>;

/** The provider registry. */
export class ProviderRegistry {
  private readonly update;
  private readonly absent = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<ProviderRecord | null>>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly fetchDocument: DiscoveryFetcher,
    private readonly clock: Clock,
  ) {
    this.update = createUpdater(store);
  }

  /** The provider at `origin` (fetching its document if needed), or null when it does not participate. */
  recognise(origin: string): Promise<ProviderRecord | null> {
    const running = this.inFlight.get(origin);
    if (running) return running;
    const work = this.recogniseNow(origin).finally(() => this.inFlight.delete(origin));
    this.inFlight.set(origin, work);
    return work;
  }

  /** The stored record, without fetching. */
  async get(origin: string): Promise<ProviderRecord | null> {
    return (await this.records())[origin] ?? null;
  }

  /** Every known provider, approved first, then by name. */
  async list(): Promise<ProviderView[]> {
    return Object.values(await this.records())
      .map(toView)
      .sort((a, b) => (a.status === b.status ? a.displayName.localeCompare(b.displayName) : a.status === 'approved' ? -1 : 1));
  }

  /** Approves a known provider. Throws `NOT_A_PROVIDER` for an origin never recognised. */
  async approve(origin: string): Promise<ProviderView> {
    const records = await this.update(KEY, (current) => {
      const all = asRecords(current);
      const record = all[origin];
      if (!record) throw new ExtensionError(ExtensionErrorCode.NOT_A_PROVIDER, `${origin} is not a known kyotsu service`);
      return { ...all, [origin]: { ...record, status: 'approved' as const } };
    });
    return toView(records[origin]!);
  }

  /** Forgets a provider (its approval too); true when there was one. */
  async forget(origin: string): Promise<boolean> {
    let existed = false;
    await this.update(KEY, (current) => {
      const { [origin]: gone, ...rest } = asRecords(current);
      existed = gone !== undefined;
      return rest;
    });
    return existed;
  }

  private async recogniseNow(origin: string): Promise<ProviderRecord | null> {
    const now = this.clock.now();
    const absentSince = this.absent.get(origin);
    if (absentSince !== undefined && now - absentSince < ABSENT_TTL_MS) return null;
    const cached = await this.get(origin);
    if (cached && now - cached.fetchedAt < DOCUMENT_TTL_MS) return this.touch(origin, cached.document, false);
    let document: DiscoveryDocument | null;
    try {
      document = await this.fetchDocument(origin);
    } catch (error) {
      if (cached) return this.touch(origin, cached.document, false); // service unreachable: keep what we know
      throw error;
    }
    if (document === null) {
      this.markAbsent(origin, now);
      if (cached) await this.forget(origin); // the service stopped participating
      return null;
    }
    this.absent.delete(origin);
    return this.touch(origin, document, true);
  }

  private async touch(origin: string, document: DiscoveryDocument, fetched: boolean): Promise<ProviderRecord> {
    const now = this.clock.now();
    const records = await this.update(KEY, (current) => {
      const all = asRecords(current);
      const old = all[origin];
      const record: ProviderRecord = {
        origin,
        document,
        status: old?.status ?? 'pending',
        firstSeen: old?.firstSeen ?? now,
        lastSeen: now,
        fetchedAt: fetched || !old ? now : old.fetchedAt,
      };
      return { ...all, [origin]: record };
    });
    return records[origin]!;
  }

  private markAbsent(origin: string, now: number): void {
    this.absent.set(origin, now);
    if (this.absent.size > ABSENT_MAX) this.absent.delete(this.absent.keys().next().value!);
  }

  private async records(): Promise<Records> {
    return asRecords(await this.store.get(KEY));
  }
}

/** Stored records, each re-checked (its document re-parsed for its origin); anything that does not fit is dropped. */
function asRecords(value: unknown): Records {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const out: Records = {};
  for (const [origin, raw] of Object.entries(value as Record<string, unknown>)) {
    const record = raw as Partial<ProviderRecord> | null;
    if (typeof record !== 'object' || record === null || record.origin !== origin) continue;
    if ((record.status !== 'pending' && record.status !== 'approved') || typeof record.firstSeen !== 'number') continue;
    if (typeof record.lastSeen !== 'number' || typeof record.fetchedAt !== 'number') continue;
    try {
      out[origin] = { ...(record as ProviderRecord), document: parseDiscoveryDocument(record.document, origin) };
    } catch (error) {
      if (!(error instanceof AuthError)) throw error; // a stored document that no longer parses is dropped
    }
  }
  return out;
}

function toView(record: ProviderRecord): ProviderView {
  return {
    origin: record.origin,
    serviceId: record.document.serviceId,
    displayName: record.document.displayName,
    status: record.status,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
  };
}
