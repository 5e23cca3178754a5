/**
 * Each demo service has its own SQLite file (better-sqlite3, WAL). The schema is created on open; every
 * multi-statement change runs in one transaction.
 */
import Database from 'better-sqlite3';

/** A service's database handle. */
export type ServiceDb = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  name TEXT NOT NULL,
  address TEXT NOT NULL,
  email TEXT NOT NULL,
  cert_serial TEXT UNIQUE,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT REFERENCES users(id),
  auth TEXT,
  csrf TEXT NOT NULL,
  data TEXT NOT NULL DEFAULT '{}',
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
  user_id TEXT PRIMARY KEY REFERENCES users(id),
  currency TEXT NOT NULL,
  balance_minor INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS charges (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL REFERENCES users(id),
  at TEXT NOT NULL,
  description TEXT NOT NULL,
  amount_minor INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS passkeys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  public_key BLOB NOT NULL,
  counter INTEGER NOT NULL,
  transports TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS invalidated_serials (
  serial TEXT PRIMARY KEY,
  invalidated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS processed_notices (
  id TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_expires_at ON sessions (expires_at);
CREATE INDEX IF NOT EXISTS processed_notices_received_at ON processed_notices (received_at);
`;

/** Opens (creating if needed) a service database at `path` (`:memory:` for tests). */
export function openServiceDb(path: string): ServiceDb {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}
