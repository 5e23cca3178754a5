import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ActivityEntry } from '../src/message-results.js';
import { ActivityLog } from './activity.js';
import { createMemoryStore } from './kv-store.js';

const entry = (time: number, result = 'ok'): ActivityEntry => ({
  time,
  origin: 'https://bank-a.example',
  service: 'Bank A',
  serial: '1f',
  operation: 'authenticate',
  result,
  automatic: true,
});

describe('activity log', () => {
  it('lists card signatures newest first, with origin, service, serial and result', async () => {
    const log = new ActivityLog(createMemoryStore());
    await log.record(entry(1));
    await log.record(entry(2, 'PIN_INVALID'));
    assert.deepEqual(await log.list(), [entry(2, 'PIN_INVALID'), entry(1)]);
  });

  it('keeps only the newest entries up to its cap, even when records race', async () => {
    const log = new ActivityLog(createMemoryStore(), undefined, 3);
    await Promise.all([1, 2, 3, 4, 5].map((t) => log.record(entry(t))));
    assert.deepEqual((await log.list()).map((e) => e.time), [5, 4, 3]);
  });

  it('tells the listener about each entry (the background notifies after automatic logins)', async () => {
    const heard: ActivityEntry[] = [];
    const log = new ActivityLog(createMemoryStore(), (e) => heard.push(e));
    await log.record(entry(7));
    assert.deepEqual(heard, [entry(7)]);
  });
});
