/**
 * Persistent key-value storage as the background uses it (`storage.local` in the extension, a Map in
 * tests). Values are JSON. Writers that read-modify-write a key go through `update`, which serialises
 * updates of this process so two events never lose each other's change.
 */

/** The storage the background needs. */
export interface KeyValueStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

/** A store in memory (tests; nothing survives the process). */
export function createMemoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    get: (key) => Promise.resolve(map.has(key) ? (JSON.parse(map.get(key)!) as unknown) : undefined),
    set: (key, value) => Promise.resolve(void map.set(key, JSON.stringify(value))),
    remove: (key) => Promise.resolve(void map.delete(key)),
  };
}

/** The parts of `browser.storage.local` used here. */
export interface StorageAreaLike {
  get(keys: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string): Promise<void>;
}

/** A store on `browser.storage.local`. */
export function createBrowserStore(area: StorageAreaLike): KeyValueStore {
  return {
    get: async (key) => (await area.get(key))[key],
    set: (key, value) => area.set({ [key]: value }),
    remove: (key) => area.remove(key),
  };
}

/**
 * Serialises read-modify-write updates: `update(key, change)` reads the value, applies `change` and writes
 * the result, one update at a time. Resolves to the written value.
 */
export function createUpdater(store: KeyValueStore) {
  let chain: Promise<unknown> = Promise.resolve();
  return function update<T>(key: string, change: (current: unknown) => T): Promise<T> {
    const next = chain.then(async () => {
      const value = change(await store.get(key));
      await store.set(key, value);
      return value;
    });
    chain = next.catch(() => undefined); // a failed update must not block later ones; its caller sees the error
    return next;
  };
}
