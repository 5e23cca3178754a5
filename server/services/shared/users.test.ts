import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openServiceDb } from './db.js';
import { LOCKOUT_MS, UserStore } from './users.js';

describe('user store', () => {
  it('locks the account after five wrong passwords, refuses even the right one, then unlocks', async () => {
    let now = 1_000_000;
    const users = new UserStore(openServiceDb(':memory:'), () => now);
    await users.create({ id: 'alice', password: 'right', name: 'Alice', address: 'Tokyo', email: 'a@example.com' });
    for (let i = 1; i <= 4; i++) assert.deepEqual(await users.checkPassword('alice', 'wrong'), { ok: false, reason: 'unknown-or-wrong' });
    assert.deepEqual(await users.checkPassword('alice', 'wrong'), { ok: false, reason: 'locked', until: now + LOCKOUT_MS });
    assert.equal((await users.checkPassword('alice', 'right')).ok, false);
    now += LOCKOUT_MS + 1;
    assert.equal((await users.checkPassword('alice', 'right')).ok, true);
  });

  it('records, finds and drops the certificate serial case-insensitively', async () => {
    const users = new UserStore(openServiceDb(':memory:'));
    await users.create({ id: 'bob', password: 'pw', name: 'Bob', address: 'Osaka', email: 'b@example.com' });
    users.setSerial('bob', 'ABCDEF01');
    assert.equal(users.bySerial('abcdef01')?.id, 'bob');
    assert.equal(users.dropSerial('AbCdEf01'), true);
    assert.equal(users.bySerial('abcdef01'), null);
  });
});

describe('user store under parallel guesses', () => {
  it('spends at most five attempts before the lock, even when twenty arrive at once', async () => {
    const users = new UserStore(openServiceDb(':memory:'));
    await users.create({ id: 'carol', password: 'right', name: 'C', address: 'x', email: 'c@x' });
    const guesses = Array.from({ length: 20 }, (_, i) => (i === 19 ? 'right' : `wrong-${i}`));
    const results = await Promise.all(guesses.map((g) => users.checkPassword('carol', g)));
    const checked = results.filter((r) => !r.ok && r.reason === 'unknown-or-wrong').length;
    assert.ok(checked <= 5, `${checked} wrong passwords were checked`);
    assert.equal(results[19]!.ok, false, 'the right password arriving after the burst is refused: the account is locked');
    assert.equal((await users.checkPassword('carol', 'right')).ok, false);
  });
});
