import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { startStandaloneBank } from '../test-support/standalone.js';
import { openServiceDb, type ServiceDb } from './db.js';
import { SESSION_LIFETIME_MS, SessionStore } from './sessions.js';
import { NOTICE_RETENTION_MS, sweepServiceDb } from './sweep.js';

const count = (db: ServiceDb, table: 'sessions' | 'processed_notices'): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
const notice = (db: ServiceDb, id: string, at: number): void => void db.prepare('INSERT INTO processed_notices (id, received_at) VALUES (?, ?)').run(id, at);

it('a sweep deletes expired sessions and notices past retention, and keeps the live ones', () => {
  let now = 1_000_000_000;
  const db = openServiceDb(':memory:');
  const sessions = new SessionStore(db, () => now);
  const old = sessions.create();
  notice(db, 'old', now);
  now += SESSION_LIFETIME_MS / 2;
  const recent = sessions.create();
  notice(db, 'recent', now);
  now += SESSION_LIFETIME_MS / 2;
  assert.deepEqual(sweepServiceDb(db, now), { sessions: 1, notices: 0 });
  assert.equal(sessions.get(old.id), null);
  assert.equal(sessions.get(recent.id)?.id, recent.id);
  now += NOTICE_RETENTION_MS - SESSION_LIFETIME_MS + 1;
  assert.deepEqual(sweepServiceDb(db, now), { sessions: 1, notices: 1 });
  assert.deepEqual(db.prepare('SELECT id FROM processed_notices').all(), [{ id: 'recent' }]);
  assert.equal(count(db, 'sessions'), 0);
});

it('a service sweeps on start and then periodically', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kyotsu-sweep-'));
  const dbPath = join(dir, 'bank.sqlite');
  let now = 5_000_000_000;
  const before = openServiceDb(dbPath);
  new SessionStore(before, () => now - 2 * SESSION_LIFETIME_MS).create();
  notice(before, 'ancient', now - 2 * NOTICE_RETENTION_MS);
  before.close();
  const bank = await startStandaloneBank({ dbPath, now: () => now, sweepIntervalMs: 20 });
  try {
    const db = bank.context.db;
    assert.equal(count(db, 'sessions'), 0, 'the expired session is gone at start');
    assert.equal(count(db, 'processed_notices'), 0, 'the old notice is gone at start');
    bank.context.sessions.store.create();
    assert.equal(count(db, 'sessions'), 1);
    now += SESSION_LIFETIME_MS;
    for (let i = 0; i < 200 && count(db, 'sessions') > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(count(db, 'sessions'), 0, 'a session that expired while running is swept');
  } finally {
    await bank.close();
    await rm(dir, { recursive: true, force: true });
  }
});
