/**
 * The activity log: every card signature and card change (time, origin, service, certificate serial,
 * result) in `storage.local`, newest first, capped. The options page lists it; `onRecord` lets the
 * background show a browser notification after each automatic login. Never holds a PIN, token or key.
 *
 * A card signature is only half a login: the service then accepts the token or refuses it. The content
 * script of the tab that had the card sign learns the service's answer and reports it (`loginVerdict`);
 * `recordVerdict` writes it onto that signature's entry. The link lives in memory, per tab: a view of the
 * log made with `forTab` remembers the tab's newest signature, and only a report from that same tab and
 * origin may complete it, once — so a page can never write onto another origin's (or another tab's) entry.
 */
import { type ActivityEntry, type ServiceVerdict } from '../src/message-results.js';
import { createUpdater, type KeyValueStore } from './kv-store.js';

const KEY = 'activity';
/** Entries kept; older ones fall off. */
export const ACTIVITY_CAP = 200;

/** A tab's newest signature that still waits for the service's verdict. */
interface Awaiting {
  readonly id: string;
  readonly origin: string;
}

/** What every view of one log shares: the store, its one serialised updater, the signatures awaiting a verdict. */
interface Core {
  readonly store: KeyValueStore;
  readonly update: ReturnType<typeof createUpdater>;
  readonly onRecord: (entry: ActivityEntry) => void;
  readonly cap: number;
  readonly newId: () => string;
  readonly awaiting: Map<number, Awaiting>;
}

const randomId = (): string => crypto.randomUUID();

/** The activity log. */
export class ActivityLog {
  private readonly core: Core;

  /**
   * `newId` names entries (so a verdict finds its signature). `view` is for `forTab` only: another view
   * of the same log on behalf of one tab.
   */
  constructor(
    store: KeyValueStore,
    onRecord: (entry: ActivityEntry) => void = () => undefined,
    cap = ACTIVITY_CAP,
    newId: () => string = randomId,
    private readonly view: { readonly core: Core; readonly tabId: number } | null = null,
  ) {
    this.core = view?.core ?? { store, update: createUpdater(store), onRecord, cap, newId, awaiting: new Map() };
  }

  /** The same log, recording on behalf of tab `tabId`: its successful signatures await the service's verdict. */
  forTab(tabId: number): ActivityLog {
    const { store, onRecord, cap, newId } = this.core;
    return new ActivityLog(store, onRecord, cap, newId, { core: this.core, tabId });
  }

  /** Appends an entry (dropping the oldest beyond the cap) and tells the listener (again once a verdict lands on it). */
  async record(entry: ActivityEntry): Promise<void> {
    const stored: ActivityEntry = { ...entry, id: entry.id ?? this.core.newId() };
    await this.core.update(KEY, (current) => [stored, ...asEntries(current)].slice(0, this.core.cap));
    if (this.view && stored.operation === 'authenticate' && stored.result === 'ok' && stored.origin !== null) {
      this.core.awaiting.set(this.view.tabId, { id: stored.id!, origin: stored.origin });
    }
    this.core.onRecord(stored);
  }

  /**
   * The service's answer to the token tab `tabId` of `origin` last had the card sign (both from the
   * browser's `sender`). True when it was written onto that signature's entry; false when the tab has no
   * signature of that origin awaiting a verdict (none, another origin's, or already answered).
   */
  async recordVerdict(tabId: number, origin: string, verdict: ServiceVerdict): Promise<boolean> {
    const awaiting = this.core.awaiting.get(tabId);
    if (awaiting?.origin !== origin) return false;
    this.core.awaiting.delete(tabId);
    let answered: ActivityEntry | null = null;
    await this.core.update(KEY, (current) =>
      asEntries(current).map((entry) => {
        if (entry.id !== awaiting.id) return entry;
        answered = { ...entry, verdict };
        return answered;
      }),
    );
    if (answered === null) return false;
    this.core.onRecord(answered);
    return true;
  }

  /** A closed tab will report no verdict. */
  tabRemoved(tabId: number): void {
    this.core.awaiting.delete(tabId);
  }

  /** Entries, newest first. */
  async list(): Promise<ActivityEntry[]> {
    return asEntries(await this.core.store.get(KEY));
  }
}

function asEntries(value: unknown): ActivityEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is ActivityEntry =>
      typeof e === 'object' && e !== null && typeof (e as ActivityEntry).time === 'number' && typeof (e as ActivityEntry).result === 'string',
  );
}
