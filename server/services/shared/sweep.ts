/**
 * Housekeeping of a service database: expired sessions and old processed-notice ids are deleted, at start
 * and then periodically, so neither table grows without bound.
 *
 * A processed-notice id only has to outlive the CA's retries of that delivery: the CA retries until it gets a
 * 2xx (backoff capped at one hour), so an id a week old will not come back. If it ever did, handling it again
 * is harmless: dropping a serial and recording it as invalidated are idempotent.
 */
import { type ServiceDb } from './db.js';

/** How long a processed notice id is kept (7 days). */
export const NOTICE_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
/** How often a running service sweeps (10 minutes). */
export const SWEEP_INTERVAL_MS = 10 * 60 * 1000;

/** What one sweep deleted. */
export interface SweepResult {
  readonly sessions: number;
  readonly notices: number;
}

/** Deletes sessions expired at `now` and processed notices received more than `noticeRetentionMs` before it. */
export function sweepServiceDb(db: ServiceDb, now: number, noticeRetentionMs = NOTICE_RETENTION_MS): SweepResult {
  return db.transaction(() => ({
    sessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes,
    notices: db.prepare('DELETE FROM processed_notices WHERE received_at < ?').run(now - noticeRetentionMs).changes,
  }))();
}

/**
 * Sweeps now and then every `intervalMs` until the returned function is called. The timer does not keep the
 * process alive; a failed sweep is logged and retried at the next tick.
 */
export function startSweeping(db: ServiceDb, options: { now: () => number; intervalMs?: number; label: string }): () => void {
  const sweep = (): void => {
    try {
      sweepServiceDb(db, options.now());
    } catch (error) {
      console.error(`[${options.label}] sweeping expired sessions and notices failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  sweep();
  const timer = setInterval(sweep, options.intervalMs ?? SWEEP_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
