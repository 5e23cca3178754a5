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
 * (The statement page's logins are posted by the background itself, which writes each service's answer onto
 * that service's entry by its id: `recordPostedVerdict`.)
 *
 * Each such signature is also *settled* exactly once (`onSettled`, which the background turns into the
 * notification after an automatic login): with the verdict when it comes, or with none when the tab closes
 * or navigates away first, when the tab has the card sign again, or {@link VERDICT_WAIT_MS} after signing.
 * A verdict that comes after that is still written onto the entry. So no service can keep the holder from
 * being told that the card signed, by refusing, by answering slowly or by navigating away.
 */
import { type ActivityEntry, type ServiceVerdict } from '../src/message-results.js';
import { type Clock, systemClock } from './clock.js';
import { createUpdater, type KeyValueStore } from './kv-store.js';

const KEY = 'activity';
/** Entries kept; older ones fall off. */
export const ACTIVITY_CAP = 200;
/**
 * How long after signing a tab's verdict is waited for before the signature is settled without one. A
 * service answers a token in well under a second; the page reports at once (content/wiring.ts).
 */
export const VERDICT_WAIT_MS = 5_000;

/** How a log is built; every member is optional. */
export interface ActivityOptions {
  /** Told of each entry as recorded, and again once a verdict lands on it. */
  readonly onRecord?: (entry: ActivityEntry) => void;
  /**
   * Told once per successful signature made for a tab (`forTab`): with the service's verdict, or with null
   * when none came in time (tab closed or navigated, signed again, {@link VERDICT_WAIT_MS} passed).
   */
  readonly onSettled?: (entry: ActivityEntry, verdict: ServiceVerdict | null) => void;
  readonly cap?: number;
  /** Names entries, so a verdict finds its signature. */
  readonly newId?: () => string;
  /** The timer of the verdict wait. */
  readonly clock?: Pick<Clock, 'after'>;
  readonly verdictWaitMs?: number;
}

/** A tab's newest signature that still waits for the service's verdict. */
interface Awaiting {
  readonly id: string;
  readonly origin: string;
  readonly entry: ActivityEntry;
  /** Whether `onSettled` has been told (the verdict may still be written onto the entry afterwards). */
  settled: boolean;
  cancelTimer: () => void;
}

/** What every view of one log shares: the store, its one serialised updater, the signatures awaiting a verdict. */
interface Core {
  readonly store: KeyValueStore;
  readonly update: ReturnType<typeof createUpdater>;
  readonly options: Required<ActivityOptions>;
  readonly awaiting: Map<number, Awaiting>;
}

const randomId = (): string => crypto.randomUUID();

/** The activity log. */
export class ActivityLog {
  private readonly core: Core;

  /** `view` is for `forTab` only: another view of the same log on behalf of one tab. */
  constructor(
    store: KeyValueStore,
    options: ActivityOptions = {},
    private readonly view: { readonly core: Core; readonly tabId: number } | null = null,
  ) {
    this.core = view?.core ?? {
      store,
      update: createUpdater(store),
      options: {
        onRecord: options.onRecord ?? (() => undefined),
        onSettled: options.onSettled ?? (() => undefined),
        cap: options.cap ?? ACTIVITY_CAP,
        newId: options.newId ?? randomId,
        clock: options.clock ?? systemClock,
        verdictWaitMs: options.verdictWaitMs ?? VERDICT_WAIT_MS,
      },
      awaiting: new Map(),
    };
  }

  /** The same log, recording on behalf of tab `tabId`: its successful signatures await the service's verdict. */
  forTab(tabId: number): ActivityLog {
    return new ActivityLog(this.core.store, {}, { core: this.core, tabId });
  }

  /**
   * Appends an entry (dropping the oldest beyond the cap) and tells the listener (again once a verdict lands
   * on it). Returns the entry as stored, with its id.
   */
  async record(entry: ActivityEntry): Promise<ActivityEntry> {
    const { options, awaiting } = this.core;
    const stored: ActivityEntry = { ...entry, id: entry.id ?? options.newId() };
    await this.core.update(KEY, (current) => [stored, ...asEntries(current)].slice(0, options.cap));
    if (this.view && stored.operation === 'authenticate' && stored.result === 'ok' && stored.origin !== null) {
      const tabId = this.view.tabId;
      this.settleWithoutVerdict(tabId); // the tab's previous signature will not get its verdict now
      const waiting: Awaiting = { id: stored.id!, origin: stored.origin, entry: stored, settled: false, cancelTimer: () => undefined };
      awaiting.set(tabId, waiting);
      waiting.cancelTimer = options.clock.after(options.verdictWaitMs, () => {
        if (awaiting.get(tabId) === waiting) this.settleWithoutVerdict(tabId, false); // a late verdict is still logged
      });
    }
    options.onRecord(stored);
    return stored;
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
    awaiting.cancelTimer();
    let answered: ActivityEntry | null = null;
    await this.core.update(KEY, (current) =>
      asEntries(current).map((entry) => {
        if (entry.id !== awaiting.id) return entry;
        answered = { ...entry, verdict };
        return answered;
      }),
    );
    if (!awaiting.settled) {
      awaiting.settled = true;
      this.core.options.onSettled(answered ?? { ...awaiting.entry, verdict }, verdict);
    }
    if (answered === null) return false;
    this.core.options.onRecord(answered);
    return true;
  }

  /**
   * The service's answer to a token the BACKGROUND posted itself (the statement page's logins,
   * background/statement-gather.ts: no page saw the answer, so none reports it), written onto the entry `id`
   * of that service's signature. True when written; false for an entry no longer in the log, one that is no
   * successful signature, or one already answered (a verdict is written once).
   */
  async recordPostedVerdict(id: string, verdict: ServiceVerdict): Promise<boolean> {
    let answered: ActivityEntry | null = null;
    await this.core.update(KEY, (current) =>
      asEntries(current).map((entry) => {
        if (entry.id !== id || entry.operation !== 'authenticate' || entry.result !== 'ok' || entry.verdict !== undefined) return entry;
        answered = { ...entry, verdict };
        return answered;
      }),
    );
    if (answered === null) return false;
    this.core.options.onRecord(answered);
    return true;
  }

  /** A closed tab will report no verdict. */
  tabRemoved(tabId: number): void {
    this.settleWithoutVerdict(tabId);
  }

  /**
   * The tab committed a new document: a verdict is reported before the page navigates (content/wiring.ts),
   * so one that has not come by now will not.
   */
  tabNavigated(tabId: number): void {
    this.settleWithoutVerdict(tabId);
  }

  /** Entries, newest first. */
  async list(): Promise<ActivityEntry[]> {
    return asEntries(await this.core.store.get(KEY));
  }

  /** Settles the tab's awaiting signature without a verdict; `forget` also drops it (no verdict taken later). */
  private settleWithoutVerdict(tabId: number, forget = true): void {
    const awaiting = this.core.awaiting.get(tabId);
    if (!awaiting) return;
    awaiting.cancelTimer();
    if (forget) this.core.awaiting.delete(tabId);
    if (awaiting.settled) return;
    awaiting.settled = true;
    this.core.options.onSettled(awaiting.entry, null);
  }
}

function asEntries(value: unknown): ActivityEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is ActivityEntry =>
      typeof e === 'object' && e !== null && typeof (e as ActivityEntry).time === 'number' && typeof (e as ActivityEntry).result === 'string',
  );
}
