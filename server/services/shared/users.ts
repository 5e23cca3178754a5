/**
 * The service's own user table: password login with lockout, and the common certificate's serial once
 * the user has enrolled or qualified it here.
 */
import { hashPassword, verifyPassword } from './passwords.js';
import { type ServiceDb } from './db.js';

/** A user as pages and APIs see it (never the password hash). */
export interface User {
  readonly id: string;
  readonly name: string;
  readonly address: string;
  readonly email: string;
  readonly certSerial: string | null;
}

/** Five wrong passwords in a row lock the account for this long. */
export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MS = 15 * 60 * 1000;

/** Outcome of a password check; `locked` says until when (epoch ms). */
export type PasswordCheck = { ok: true; user: User } | { ok: false; reason: 'unknown-or-wrong' } | { ok: false; reason: 'locked'; until: number };

interface UserRow {
  id: string;
  password_hash: string;
  name: string;
  address: string;
  email: string;
  cert_serial: string | null;
  failed_logins: number;
  locked_until: number;
}

let dummy: Promise<string> | null = null;
/** A hash to check unknown IDs against, so they cost what a real check costs. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword('kyotsu: no such user');
  return dummy;
}

function toUser(row: UserRow): User {
  return { id: row.id, name: row.name, address: row.address, email: row.email, certSerial: row.cert_serial };
}

/** The user table of one service. */
export class UserStore {
  constructor(
    private readonly db: ServiceDb,
    private readonly now: () => number = Date.now,
  ) {}

  /** Creates a user (demo seeding and tests). */
  async create(user: Omit<User, 'certSerial'> & { password: string }): Promise<void> {
    const hash = await hashPassword(user.password);
    this.db.prepare('INSERT INTO users (id, password_hash, name, address, email) VALUES (?, ?, ?, ?, ?)').run(user.id, hash, user.name, user.address, user.email);
  }

  /** Finds a user by ID. */
  get(id: string): User | null {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  /** Finds the user whose common certificate has this serial (lower-case hex). */
  bySerial(serial: string): User | null {
    const row = this.db.prepare('SELECT * FROM users WHERE cert_serial = ?').get(serial.toLowerCase()) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  /**
   * Checks an ID + password. A locked account is refused without looking at the password; the fifth wrong
   * password in a row locks it for `LOCKOUT_MS`. Unknown IDs and wrong passwords look the same to callers
   * and cost the same scrypt work.
   *
   * Each attempt is reserved atomically BEFORE the slow hash, so parallel guesses cannot all read the same
   * count: at most `LOCKOUT_THRESHOLD` attempts are ever in flight or spent before the lock.
   */
  async checkPassword(id: string, password: string): Promise<PasswordCheck> {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    if (!row) {
      await verifyPassword(password, await dummyHash());
      return { ok: false, reason: 'unknown-or-wrong' };
    }
    const now = this.now();
    if (row.locked_until > now) return { ok: false, reason: 'locked', until: row.locked_until };
    const reserved = this.db
      .prepare('UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? AND locked_until <= ? AND failed_logins < ? RETURNING failed_logins')
      .get(id, now, LOCKOUT_THRESHOLD) as { failed_logins: number } | undefined;
    if (!reserved) return this.lock(id, now);
    if (await verifyPassword(password, row.password_hash)) {
      this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?').run(id);
      return { ok: true, user: toUser(row) };
    }
    return reserved.failed_logins >= LOCKOUT_THRESHOLD ? this.lock(id, now) : { ok: false, reason: 'unknown-or-wrong' };
  }

  private lock(id: string, now: number): PasswordCheck {
    const until = now + LOCKOUT_MS;
    this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = MAX(locked_until, ?) WHERE id = ?').run(until, id);
    const row = this.db.prepare('SELECT locked_until FROM users WHERE id = ?').get(id) as { locked_until: number };
    return { ok: false, reason: 'locked', until: row.locked_until };
  }

  /** Records (or clears, with null) the user's common-certificate serial. */
  setSerial(id: string, serial: string | null): void {
    this.db.prepare('UPDATE users SET cert_serial = ? WHERE id = ?').run(serial?.toLowerCase() ?? null, id);
  }

  /** Drops a serial wherever it is recorded (invalidation notice); returns whether a user had it. */
  dropSerial(serial: string): boolean {
    return this.db.prepare('UPDATE users SET cert_serial = NULL WHERE cert_serial = ?').run(serial.toLowerCase()).changes > 0;
  }
}
