import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AutoLogins, NOT_KEPT_WINDOW_MS } from './auto-login.js';

const BANK = 'https://bank.example';
const on = () => Promise.resolve(true);

describe('automatic login decisions', () => {
  it('logs in when the tab has no session, and not while the service says its session is live', async () => {
    const logins = new AutoLogins(on);
    assert.equal(await logins.begin(BANK, 1, true), 'none');
    assert.equal(await logins.begin(BANK, 1, false), 'login');
    assert.ok(logins.holds(BANK, 1));
    assert.ok(logins.end(BANK, 1, true));
    assert.equal(await logins.begin(BANK, 1, true), 'none');
  });

  it('does nothing when automatic login is off or the provider is not approved', async () => {
    const logins = new AutoLogins((origin) => Promise.resolve(origin !== BANK));
    assert.equal(await logins.begin(BANK, 1, false), 'none');
    assert.equal(logins.holds(BANK, 1), false);
  });

  it('two tabs navigating to one service share one login: the second waits, then reloads', async () => {
    const logins = new AutoLogins(on);
    assert.equal(await logins.begin(BANK, 1, false), 'login');
    let second: string | null = null;
    const waiting = logins.begin(BANK, 2, false).then((action) => (second = action));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(second, null, 'the second tab waits while the first logs in');
    assert.equal(logins.holds(BANK, 2), false, 'and may not have the card sign');
    logins.end(BANK, 1, true);
    await waiting;
    assert.equal(second, 'reload');
  });

  it('two tabs asking at the same moment: exactly one logs in', async () => {
    const logins = new AutoLogins(on);
    const first = logins.begin(BANK, 1, false);
    const second = logins.begin(BANK, 2, false);
    assert.equal(await first, 'login');
    logins.end(BANK, 1, true);
    assert.equal(await second, 'reload');
  });

  it('never retries by itself after a refused login, until the service shows a live session again', async () => {
    const logins = new AutoLogins(on);
    assert.equal(await logins.begin(BANK, 1, false), 'login');
    logins.end(BANK, 1, false);
    assert.equal(await logins.begin(BANK, 1, false), 'none');
    assert.equal(await logins.begin(BANK, 3, false), 'none', 'not from another tab either');
    assert.equal(await logins.begin(BANK, 1, true), 'none'); // the holder logged in with the password
    assert.equal(await logins.begin(BANK, 1, false), 'login', 'after logging out, the next visit logs in again');
  });

  it('a tab closed mid-login ends it: waiting tabs reload, no retry by itself', async () => {
    const logins = new AutoLogins(on);
    assert.equal(await logins.begin(BANK, 1, false), 'login');
    const waiting = logins.begin(BANK, 2, false);
    logins.tabRemoved(1);
    assert.equal(await waiting, 'reload');
    assert.equal(logins.holds(BANK, 1), false);
    assert.equal(await logins.begin(BANK, 2, false), 'none');
  });

  it('only the holder can end a login', async () => {
    const logins = new AutoLogins(on);
    await logins.begin(BANK, 1, false);
    assert.equal(logins.end(BANK, 2, true), false);
    assert.ok(logins.holds(BANK, 1));
  });

  it('loop guard: a login the service did not keep is not repeated by itself; the holder is told once', async () => {
    const logins = new AutoLogins(on);
    assert.equal(await logins.begin(BANK, 1, false), 'login');
    logins.end(BANK, 1, true);
    // The post-login page lacks the session signal: without the guard this would log in again, forever.
    assert.equal(await logins.begin(BANK, 1, false), 'not-kept', 'the page that shows the service did not keep the login');
    assert.equal(logins.holds(BANK, 1), false, 'and may not have the card sign');
    assert.equal(await logins.begin(BANK, 1, false), 'none', 'told once: the next load says nothing and does nothing');
    assert.equal(await logins.begin(BANK, 2, false), 'none', 'not from another tab either');
    assert.equal(await logins.begin(BANK, 2, true), 'none'); // the holder logged in another way
    assert.equal(await logins.begin(BANK, 2, false), 'login', 'after logging out, the next visit logs in by itself again');
  });

  it('loop guard: tabs that waited for the login reload; if the service did not keep it, one hears so and none logs in', async () => {
    const logins = new AutoLogins(on);
    assert.equal(await logins.begin(BANK, 1, false), 'login');
    const waiting = [logins.begin(BANK, 2, false), logins.begin(BANK, 3, false)];
    logins.end(BANK, 1, true);
    assert.deepEqual(await Promise.all(waiting), ['reload', 'reload']);
    const after = await Promise.all([logins.begin(BANK, 2, false), logins.begin(BANK, 3, false), logins.begin(BANK, 1, false)]);
    assert.deepEqual(after.sort(), ['none', 'none', 'not-kept']);
  });

  it('a kept login leaves the guard unarmed: logging out later logs in by itself again', async () => {
    const logins = new AutoLogins(on);
    assert.equal(await logins.begin(BANK, 1, false), 'login');
    logins.end(BANK, 1, true);
    assert.equal(await logins.begin(BANK, 1, true), 'none', 'the post-login page shows the live session');
    assert.equal(await logins.begin(BANK, 1, false), 'login');
  });

  it('a logged-out visit long after an automatic login is an ordinary visit, not a login the service dropped', async () => {
    let now = 1_000;
    const logins = new AutoLogins(on, () => now);
    assert.equal(await logins.begin(BANK, 1, false), 'login');
    logins.end(BANK, 1, true);
    now += NOT_KEPT_WINDOW_MS + 1; // the tab closed before its next page; the session expired meanwhile
    assert.equal(await logins.begin(BANK, 4, false), 'login');
  });
});
