import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ActivityEntry, type ServiceVerdict } from '../src/message-results.js';
import { ActivityLog, VERDICT_WAIT_MS } from './activity.js';
import { ManualClock } from './clock.js';
import { createMemoryStore } from './kv-store.js';

const entry = (time: number, result = 'ok', origin = 'https://bank-a.example'): ActivityEntry => ({
  time,
  origin,
  service: 'Bank A',
  serial: '1f',
  operation: 'authenticate',
  result,
  automatic: true,
});

let counter = 0;
/** A log whose entries are named e1, e2, … */
const newLog = (cap?: number) => new ActivityLog(createMemoryStore(), { cap, newId: () => `e${++counter}` });
/** An entry as stored: with the id the log gave it. */
const named = (e: ActivityEntry, id: string): ActivityEntry => ({ ...e, id });
const CARD_CO = 'https://card-co.example';

describe('activity log', () => {
  it('lists card signatures newest first, with origin, service, serial and result', async () => {
    counter = 0;
    const log = newLog();
    await log.record(entry(1));
    await log.record(entry(2, 'PIN_INVALID'));
    assert.deepEqual(await log.list(), [named(entry(2, 'PIN_INVALID'), 'e2'), named(entry(1), 'e1')]);
  });

  it('keeps only the newest entries up to its cap, even when records race', async () => {
    const log = newLog(3);
    await Promise.all([1, 2, 3, 4, 5].map((t) => log.record(entry(t))));
    assert.deepEqual((await log.list()).map((e) => e.time), [5, 4, 3]);
  });

  it('tells the listener about each entry (the background notifies after automatic logins)', async () => {
    const heard: ActivityEntry[] = [];
    const log = new ActivityLog(createMemoryStore(), { onRecord: (e) => heard.push(e), newId: () => 'e7' });
    await log.record(entry(7));
    assert.deepEqual(heard, [named(entry(7), 'e7')]);
  });
});

describe('activity log: the service\'s verdict on a signature', () => {
  it('the tab that had the card sign reports what the service answered; the entry shows it', async () => {
    const log = newLog();
    await log.forTab(4).record(entry(1));
    assert.equal(await log.recordVerdict(4, entry(1).origin!, { outcome: 'refused', code: 'CERTIFICATE_REVOKED' }), true);
    const [shown] = await log.list();
    assert.equal(shown!.result, 'ok', 'the card did sign');
    assert.deepEqual(shown!.verdict, { outcome: 'refused', code: 'CERTIFICATE_REVOKED' }, 'and the service refused the token');
  });

  it('lands on that tab\'s newest signature, not on another tab\'s of the same origin', async () => {
    const log = newLog();
    await log.forTab(1).record(entry(1));
    await log.forTab(2).record(entry(2));
    assert.equal(await log.recordVerdict(1, entry(1).origin!, { outcome: 'qualify-required', code: null }), true);
    const byTime = new Map((await log.list()).map((e) => [e.time, e.verdict]));
    assert.deepEqual(byTime.get(1), { outcome: 'qualify-required', code: null });
    assert.equal(byTime.get(2), undefined);
  });

  it('a page cannot write onto another origin\'s entry, nor answer twice, nor answer a failed or unseen signature', async () => {
    const log = newLog();
    await log.forTab(1).record(entry(1));
    assert.equal(await log.recordVerdict(1, CARD_CO, { outcome: 'logged-in', code: null }), false, 'the tab now shows another origin');
    assert.equal(await log.recordVerdict(9, entry(1).origin!, { outcome: 'logged-in', code: null }), false, 'another tab');
    await log.forTab(2).record(entry(2));
    assert.equal(await log.recordVerdict(2, entry(2).origin!, { outcome: 'logged-in', code: null }), true);
    assert.equal(await log.recordVerdict(2, entry(2).origin!, { outcome: 'refused', code: 'X' }), false, 'once only');
    await log.forTab(3).record(entry(3, 'PIN_CANCELLED'));
    assert.equal(await log.recordVerdict(3, entry(3).origin!, { outcome: 'logged-in', code: null }), false, 'nothing was signed');
    await log.record(entry(4));
    assert.equal(await log.recordVerdict(4, entry(4).origin!, { outcome: 'logged-in', code: null }), false, 'not a tab\'s signature');
    const verdicts = (await log.list()).map((e) => [e.time, e.verdict?.outcome ?? null]);
    assert.deepEqual(verdicts, [[4, null], [3, null], [2, 'logged-in'], [1, null]]);
  });

  it('tells the listener again once the verdict lands (the notification after an automatic login waits for it)', async () => {
    const heard: ActivityEntry[] = [];
    const log = new ActivityLog(createMemoryStore(), { onRecord: (e) => heard.push(e), newId: () => 'e1' });
    await log.forTab(1).record(entry(1));
    await log.recordVerdict(1, entry(1).origin!, { outcome: 'logged-in', code: null });
    assert.deepEqual(heard.map((e) => e.verdict ?? null), [null, { outcome: 'logged-in', code: null }]);
  });

  it('the background writes a service\'s answer to a token it posted itself onto that entry, once, and only on a signature', async () => {
    const heard: ActivityEntry[] = [];
    let n = 0;
    const log = new ActivityLog(createMemoryStore(), { onRecord: (e) => heard.push(e), newId: () => `p${++n}` });
    const bankA = await log.record(entry(1));
    const cardCo = await log.record(entry(2, 'ok', CARD_CO));
    const failed = await log.record(entry(3, 'PIN_CANCELLED'));
    assert.equal(await log.recordPostedVerdict(cardCo.id!, { outcome: 'refused', code: 'CERTIFICATE_REVOKED' }), true);
    assert.equal(await log.recordPostedVerdict(bankA.id!, { outcome: 'logged-in', code: null }), true);
    assert.equal(await log.recordPostedVerdict(bankA.id!, { outcome: 'refused', code: 'X' }), false, 'once only');
    assert.equal(await log.recordPostedVerdict(failed.id!, { outcome: 'logged-in', code: null }), false, 'nothing was signed');
    assert.equal(await log.recordPostedVerdict('gone', { outcome: 'logged-in', code: null }), false);
    const verdicts = (await log.list()).map((e) => [e.time, e.verdict ?? null]);
    assert.deepEqual(verdicts, [[3, null], [2, { outcome: 'refused', code: 'CERTIFICATE_REVOKED' }], [1, { outcome: 'logged-in', code: null }]]);
    assert.deepEqual(heard.slice(3).map((e) => e.id), ['p2', 'p1'], 'the options page hears of each verdict');
  });

  it('a closed tab\'s signature takes no verdict', async () => {
    const log = newLog();
    await log.forTab(5).record(entry(1));
    log.tabRemoved(5);
    assert.equal(await log.recordVerdict(5, entry(1).origin!, { outcome: 'logged-in', code: null }), false);
  });
});

describe('activity log: every signature for a tab is settled once, verdict or not', () => {
  /** A log on a manual clock that lists what `onSettled` heard, as [time, verdict outcome or null]. */
  function settling() {
    const clock = new ManualClock();
    const settled: [number, string | null][] = [];
    let n = 0;
    const log = new ActivityLog(createMemoryStore(), { onSettled: (e, v: ServiceVerdict | null) => settled.push([e.time, v?.outcome ?? null]), newId: () => `s${++n}`, clock });
    return { log, clock, settled };
  }

  it('with the verdict when it comes, once, and the timer then stays quiet', async () => {
    const { log, clock, settled } = settling();
    await log.forTab(1).record(entry(1));
    assert.deepEqual(settled, [], 'nothing told while the service is answering');
    await log.recordVerdict(1, entry(1).origin!, { outcome: 'refused', code: 'CERTIFICATE_REVOKED' });
    clock.advance(VERDICT_WAIT_MS * 2);
    log.tabRemoved(1);
    assert.deepEqual(settled, [[1, 'refused']]);
  });

  it('without a verdict when none came a few seconds after signing; a late verdict is still logged but not told again', async () => {
    const { log, clock, settled } = settling();
    await log.forTab(1).record(entry(1));
    clock.advance(VERDICT_WAIT_MS - 1);
    assert.deepEqual(settled, []);
    clock.advance(1);
    assert.deepEqual(settled, [[1, null]], 'a slow service cannot hold the notice back');
    assert.equal(await log.recordVerdict(1, entry(1).origin!, { outcome: 'logged-in', code: null }), true);
    assert.deepEqual((await log.list())[0]!.verdict, { outcome: 'logged-in', code: null });
    assert.deepEqual(settled, [[1, null]]);
  });

  it('without a verdict when the tab closes, navigates away, or has the card sign again first', async () => {
    const { log, settled } = settling();
    await log.forTab(1).record(entry(1));
    log.tabRemoved(1);
    await log.forTab(2).record(entry(2));
    log.tabNavigated(2);
    await log.forTab(3).record(entry(3));
    await log.forTab(3).record(entry(4));
    assert.deepEqual(settled, [[1, null], [2, null], [3, null]]);
    assert.equal(await log.recordVerdict(2, entry(2).origin!, { outcome: 'logged-in', code: null }), false, 'the page that left cannot answer later');
  });

  it('only successful signatures made for a tab are settled (failed ones and the options page are not)', async () => {
    const { log, clock, settled } = settling();
    await log.forTab(1).record(entry(1, 'PIN_CANCELLED'));
    await log.record(entry(2));
    clock.advance(VERDICT_WAIT_MS);
    assert.deepEqual(settled, []);
  });
});
