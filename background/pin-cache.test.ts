import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from './clock.js';
import { PinCache, type PinCacheClearReason } from './pin-cache.js';

const MINUTE = 60_000;

describe('PIN cache', () => {
  it('forgets the PIN after 10 idle minutes by default', () => {
    const clock = new ManualClock();
    const cleared: PinCacheClearReason[] = [];
    const cache = new PinCache(clock, undefined, (reason) => cleared.push(reason));
    cache.put('card-1', '123456');
    clock.advance(9 * MINUTE);
    assert.equal(cache.get('card-1'), '123456');
    clock.advance(9 * MINUTE); // 9 minutes after the last use: still there
    assert.equal(cache.get('card-1'), '123456');
    clock.advance(10 * MINUTE);
    assert.equal(cache.holdsPin, false);
    assert.equal(cache.get('card-1'), null);
    assert.deepEqual(cleared, ['idle']);
  });

  it('uses the configured idle time, and 0 turns the cache off', () => {
    const clock = new ManualClock();
    const cache = new PinCache(clock, 2);
    cache.put('card-1', '123456');
    clock.advance(2 * MINUTE);
    assert.equal(cache.get('card-1'), null);
    cache.setIdleMinutes(0);
    cache.put('card-1', '123456');
    assert.equal(cache.get('card-1'), null);
  });

  it('turning the cache off clears what it holds', () => {
    const cache = new PinCache(new ManualClock());
    cache.put('card-1', '123456');
    cache.setIdleMinutes(0);
    assert.equal(cache.holdsPin, false);
  });

  it('is cleared on card removal and never hands one card’s PIN to another card', () => {
    const cleared: PinCacheClearReason[] = [];
    const cache = new PinCache(new ManualClock(), 10, (reason) => cleared.push(reason));
    cache.put('card-1', '123456');
    cache.clear('card-removed');
    assert.equal(cache.get('card-1'), null);
    cache.put('card-1', '123456');
    assert.equal(cache.get('card-2'), null);
    assert.equal(cache.get('card-1'), null, 'using another card clears the cache');
    assert.deepEqual(cleared, ['card-removed', 'other-card']);
  });

  it('a new cache (a restarted background) holds nothing', () => {
    assert.equal(new PinCache(new ManualClock()).get('card-1'), null);
  });
});
