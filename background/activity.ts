/**
 * The activity log: every card signature and card change (time, origin, service, certificate serial,
 * result) in `storage.local`, newest first, capped. The options page lists it; `onRecord` lets the
 * background show a browser notification after each automatic login. Never holds a PIN, token or key.
 */
import { type ActivityEntry } from '../src/message-results.js';
import { createUpdater, type KeyValueStore } from './kv-store.js';

const KEY = 'activity';
/** Entries kept; older ones fall off. */
export const ACTIVITY_CAP = 200;

/** The activity log. */
export class ActivityLog {
  private readonly update;

  constructor(
    private readonly store: KeyValueStore,
    private readonly onRecord: (entry: ActivityEntry) => void = () => undefined,
    private readonly cap = ACTIVITY_CAP,
  ) {
    this.update = createUpdater(store);
  }

  /** Appends an entry (dropping the oldest beyond the cap) and tells the listener. */
  async record(entry: ActivityEntry): Promise<void> {
    await this.update(KEY, (current) => [entry, ...asEntries(current)].slice(0, this.cap));
    this.onRecord(entry);
  }

  /** Entries, newest first. */
  async list(): Promise<ActivityEntry[]> {
    return asEntries(await this.store.get(KEY));
  }
}

function asEntries(value: unknown): ActivityEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (e): e is ActivityEntry =>
      typeof e === 'object' && e !== null && typeof (e as ActivityEntry).time === 'number' && typeof (e as ActivityEntry).result === 'string',
  );
}
