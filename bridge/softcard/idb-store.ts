/**
 * The software card's non-volatile memory inside the browser extension: IndexedDB, with the whole state
 * (private keys, PIN/PUK reference data, management key) sealed under a non-extractable AES-256-GCM
 * `CryptoKey` that is itself kept in IndexedDB (structured clone keeps it non-extractable). The stored blob
 * is useless without that browser-held key, which no script can export.
 *
 * Each save is one read-write transaction with strict durability, so a crash leaves the old or the new
 * state. Exercised by the extension's browser tests (Node has no IndexedDB).
 */
import { type CardState } from './card-state.js';
import { type SoftCardStore } from './card-store.js';
import { randomBytes } from './crypto/bigint.js';
import { SoftCardError, SoftCardErrorCode } from './errors.js';
import { decodeCardState, encodeCardState } from './state-codec.js';

const OBJECT_STORE = 'softcard';
const KEY_RECORD = 'sealing-key';
const STATE_RECORD = 'state';
/** Additional authenticated data binding the ciphertext to its purpose and format. */
const AAD = new TextEncoder().encode('kyotsu softcard state v1');

interface SealedState {
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly ciphertext: ArrayBuffer;
}

function failed(what: string, error: unknown): SoftCardError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SoftCardError(SoftCardErrorCode.STORE_FAILED, `IndexedDB card store: ${what}: ${reason}`);
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** A `SoftCardStore` in IndexedDB database `name` (one card per database). */
export class IdbCardStore implements SoftCardStore {
  private db: Promise<IDBDatabase> | undefined;
  private key: CryptoKey | undefined;

  /**
   * @param name IndexedDB database name
   * @param factory the IndexedDB factory (the global one by default)
   */
  constructor(
    readonly name = 'kyotsu-softcard',
    private readonly factory: IDBFactory = globalThis.indexedDB,
  ) {}

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = this.factory.open(this.name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(OBJECT_STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('cannot open IndexedDB'));
    });
    return this.db;
  }

  /** Reads and unseals the state; `undefined` for a fresh card. */
  async load(): Promise<CardState | undefined> {
    let key: unknown;
    let sealed: unknown;
    try {
      const tx = (await this.open()).transaction(OBJECT_STORE, 'readonly');
      const store = tx.objectStore(OBJECT_STORE);
      [key, sealed] = await Promise.all([request<unknown>(store.get(KEY_RECORD)), request<unknown>(store.get(STATE_RECORD))]);
    } catch (error) {
      throw failed('load', error);
    }
    if (sealed === undefined) return undefined;
    if (!(key instanceof CryptoKey) || typeof sealed !== 'object' || sealed === null) {
      throw new SoftCardError(SoftCardErrorCode.STATE_CORRUPT, 'IndexedDB card state has no usable sealing key');
    }
    this.key = key;
    const { iv, ciphertext } = sealed as SealedState;
    let plain: ArrayBuffer;
    try {
      plain = await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: AAD }, key, ciphertext);
    } catch (error) {
      throw new SoftCardError(SoftCardErrorCode.STATE_CORRUPT, `IndexedDB card state cannot be unsealed: ${(error as Error).message}`);
    }
    return decodeCardState(new TextDecoder().decode(plain));
  }

  /** Seals the state and writes it (and, the first time, the new sealing key) in one transaction. */
  async save(state: CardState): Promise<void> {
    try {
      const fresh = this.key === undefined;
      // Non-extractable: the key can encrypt and decrypt inside this browser profile, never be read out.
      const key = this.key ?? (await globalThis.crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']));
      const iv = new Uint8Array(randomBytes(12));
      const ciphertext = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: AAD }, key, new TextEncoder().encode(encodeCardState(state)));
      const tx = (await this.open()).transaction(OBJECT_STORE, 'readwrite', { durability: 'strict' });
      const store = tx.objectStore(OBJECT_STORE);
      if (fresh) store.put(key, KEY_RECORD);
      const sealed: SealedState = { iv, ciphertext };
      store.put(sealed, STATE_RECORD);
      await done(tx);
      this.key = key;
    } catch (error) {
      throw failed('save', error);
    }
  }
}
