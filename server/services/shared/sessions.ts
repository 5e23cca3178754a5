/**
 * Server-side sessions in the service's SQLite database. The cookie carries only a random ID
 * (HttpOnly, SameSite=Lax, Secure on https); each session has its own CSRF token.
 *
 * All four demo services may run on 127.0.0.1 with different ports, and cookies ignore ports, so each
 * service's cookie name includes its service ID.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type ServiceDb } from './db.js';

/** How a session was authenticated. */
export type AuthMethod = 'password' | 'passkey' | 'certificate';

/** A loaded session. `data` holds small per-flow state (pending challenge, pending qualify serial…). */
export interface Session {
  readonly id: string;
  readonly userId: string | null;
  readonly auth: AuthMethod | null;
  readonly csrf: string;
  readonly data: Readonly<Record<string, string>>;
  readonly expiresAt: number;
}

interface SessionRow {
  id: string;
  user_id: string | null;
  auth: AuthMethod | null;
  csrf: string;
  data: string;
  expires_at: number;
}

/** Sessions last this long after their last change. */
export const SESSION_LIFETIME_MS = 60 * 60 * 1000;

const token = (): string => randomBytes(32).toString('base64url');

/** The session table of one service. */
export class SessionStore {
  constructor(
    private readonly db: ServiceDb,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts a fresh anonymous session. */
  create(): Session {
    const session: Session = { id: token(), userId: null, auth: null, csrf: token(), data: {}, expiresAt: this.now() + SESSION_LIFETIME_MS };
    this.db.prepare('INSERT INTO sessions (id, user_id, auth, csrf, data, expires_at) VALUES (?, NULL, NULL, ?, ?, ?)').run(session.id, session.csrf, '{}', session.expiresAt);
    return session;
  }

  /** Loads a live session by ID; expired or unknown → null. */
  get(id: string | undefined): Session | null {
    if (!id) return null;
    const row = this.db.prepare('SELECT * FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
    if (!row || row.expires_at <= this.now()) return null;
    return { id: row.id, userId: row.user_id, auth: row.auth, csrf: row.csrf, data: JSON.parse(row.data) as Record<string, string>, expiresAt: row.expires_at };
  }

  /**
   * Logs a user in: the old session is destroyed and a NEW session ID issued (no session fixation), with
   * a new CSRF token.
   */
  login(old: Session | null, userId: string, auth: AuthMethod): Session {
    if (old) this.destroy(old.id);
    const session: Session = { id: token(), userId, auth, csrf: token(), data: {}, expiresAt: this.now() + SESSION_LIFETIME_MS };
    this.db.prepare('INSERT INTO sessions (id, user_id, auth, csrf, data, expires_at) VALUES (?, ?, ?, ?, ?, ?)').run(session.id, userId, auth, session.csrf, '{}', session.expiresAt);
    return session;
  }

  /** Replaces the session's flow data and extends its lifetime. */
  setData(session: Session, data: Record<string, string>): Session {
    const expiresAt = this.now() + SESSION_LIFETIME_MS;
    this.db.prepare('UPDATE sessions SET data = ?, expires_at = ? WHERE id = ?').run(JSON.stringify(data), expiresAt, session.id);
    return { ...session, data, expiresAt };
  }

  /** Ends a session. */
  destroy(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
  }
}

/** Constant-time check of a submitted CSRF token against the session's. */
export function csrfMatches(session: Session, submitted: unknown): boolean {
  if (typeof submitted !== 'string' || submitted.length !== session.csrf.length) return false;
  return timingSafeEqual(Buffer.from(submitted), Buffer.from(session.csrf));
}
