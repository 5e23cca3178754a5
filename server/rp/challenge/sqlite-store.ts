/**
 * Challenge store in SQLite (better-sqlite3): survives a restart and can be shared by processes on one host
 * through one database file. `take` is a single `DELETE … RETURNING` inside a transaction, so the read and
 * the removal cannot be split by another connection (SQLite serialises writers).
 */
import Database from 'better-sqlite3';
import { type ChallengeRecord, type ChallengeStore } from './store.js';

/** Options of `SqliteChallengeStore`. */
export interface SqliteChallengeStoreOptions {
  /** Table name (default `kyotsu_challenges`); letters, digits and `_` only. */
  readonly table?: string;
  /** Least time between two sweeps of forgotten rows, in ms (default 30 s). */
  readonly sweepIntervalMs?: number;
}

/** SQLite-backed challenge store. */
export class SqliteChallengeStore implements ChallengeStore {
  readonly db: Database.Database;
  private readonly ownsDb: boolean;
  private readonly insert: Database.Statement<[string, number, number]>;
  private readonly remove: Database.Statement<[string], { expires_at: number }>;
  private readonly sweepStatement: Database.Statement<[number]>;
  private readonly takeTransaction: (nonce: string) => { expires_at: number } | undefined;
  private readonly sweepIntervalMs: number;
  private lastSweep = -Infinity;

  /** `database` is a file path (opened here, WAL mode) or an open better-sqlite3 database (not closed here). */
  constructor(database: string | Database.Database, options: SqliteChallengeStoreOptions = {}) {
    const table = options.table ?? 'kyotsu_challenges';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(table)) throw new RangeError('table name must be letters, digits and _');
    this.ownsDb = typeof database === 'string';
    this.db = typeof database === 'string' ? new Database(database) : database;
    if (this.ownsDb) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 5000');
    }
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL, retain_until INTEGER NOT NULL) WITHOUT ROWID;
       CREATE INDEX IF NOT EXISTS ${table}_retain ON ${table} (retain_until);`,
    );
    this.insert = this.db.prepare(`INSERT OR REPLACE INTO ${table} (nonce, expires_at, retain_until) VALUES (?, ?, ?)`);
    this.remove = this.db.prepare(`DELETE FROM ${table} WHERE nonce = ? RETURNING expires_at`);
    this.sweepStatement = this.db.prepare(`DELETE FROM ${table} WHERE retain_until <= ?`);
    // BEGIN IMMEDIATE: take the write lock before reading, so no other connection interleaves.
    const transaction = this.db.transaction((nonce: string) => this.remove.get(nonce));
    this.takeTransaction = (nonce) => transaction.immediate(nonce);
    this.sweepIntervalMs = options.sweepIntervalMs ?? 30_000;
  }

  put(nonce: string, record: ChallengeRecord, now: number): Promise<void> {
    if (now - this.lastSweep >= this.sweepIntervalMs) {
      this.lastSweep = now;
      this.sweepStatement.run(now);
    }
    this.insert.run(nonce, record.expiresAt, record.retainUntil);
    return Promise.resolve();
  }

  take(nonce: string): Promise<Pick<ChallengeRecord, 'expiresAt'> | undefined> {
    const row = this.takeTransaction(nonce);
    return Promise.resolve(row && { expiresAt: row.expires_at });
  }

  /** Closes the database if this store opened it. */
  close(): void {
    if (this.ownsDb) this.db.close();
  }
}
