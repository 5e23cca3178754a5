/**
 * The notification after an automatic login, against a fake of the browser's notifications API that reads
 * the real `_locales` texts: every signature the card makes with no click is told — logged in, or signed
 * without a login (refused, "qualify first", no verdict because the tab closed or navigated away or the
 * service was slow) — and the holder's own clicks are not.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type ActivityEntry } from '../src/message-results.js';
import { ActivityLog, VERDICT_WAIT_MS } from './activity.js';
import { ManualClock } from './clock.js';
import { createMemoryStore } from './kv-store.js';
import { type NotificationApi, notifySettledLogin, notifySignedLogins } from './notifications.js';

type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

/** `browser.notifications` + `i18n` as the extension has them, in `lang`; `shown` lists what was created. */
function fakeBrowser(lang: 'en' | 'ja' = 'en') {
  const messages = JSON.parse(readFileSync(join(import.meta.dirname, '..', '_locales', lang, 'messages.json'), 'utf8')) as Messages;
  const shown: { id: string; title: string; message: string }[] = [];
  const api: NotificationApi = {
    create: (id, options) => {
      shown.push({ id, title: options.title, message: options.message });
      return Promise.resolve(id);
    },
    // chrome.i18n: $NAME$ → its placeholder's content → $n → substitution n.
    getMessage: (key, substitutions = []) => {
      const entry = messages[key];
      if (!entry) return '';
      return entry.message.replace(/\$([A-Za-z]+)\$/g, (_, name: string) => {
        const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
        return content.replace(/\$(\d)/g, (_m, n: string) => substitutions[Number(n) - 1] ?? '');
      });
    },
    iconUrl: 'chrome-extension://id/icons/icon-128.png',
    language: lang,
    openOptionsPage: () => Promise.resolve(),
    onClicked: () => undefined,
  };
  return { api, shown };
}

const BANK_A = 'https://bank-a.example';
const signed = (time: number, automatic = true, result = 'ok'): ActivityEntry => ({
  time,
  origin: BANK_A,
  service: 'Bank A',
  serial: '1f',
  operation: 'authenticate',
  result,
  automatic,
});

describe('notification after an automatic login', () => {
  it('every automatic signature is told once: logged in on a logged-in verdict, else signed without a login', async () => {
    const { api, shown } = fakeBrowser();
    const clock = new ManualClock();
    let n = 0;
    const log = new ActivityLog(createMemoryStore(), { onSettled: (entry, verdict) => notifySettledLogin(api, entry, verdict), newId: () => `e${++n}`, clock });
    // 1 logged in; 2 refused; 3 "qualify first"; 4 tab closed; 5 tab navigated away; 6 no answer in time.
    await log.forTab(1).record(signed(1));
    await log.recordVerdict(1, BANK_A, { outcome: 'logged-in', code: null });
    await log.forTab(2).record(signed(2));
    await log.recordVerdict(2, BANK_A, { outcome: 'refused', code: 'CERTIFICATE_REVOKED' });
    await log.forTab(3).record(signed(3));
    await log.recordVerdict(3, BANK_A, { outcome: 'qualify-required', code: null });
    await log.forTab(4).record(signed(4));
    log.tabRemoved(4);
    await log.forTab(5).record(signed(5));
    log.tabNavigated(5);
    await log.forTab(6).record(signed(6));
    clock.advance(VERDICT_WAIT_MS);
    assert.deepEqual(shown.map((s) => s.id), ['kyotsu-login-e1', 'kyotsu-login-e2', 'kyotsu-login-e3', 'kyotsu-login-e4', 'kyotsu-login-e5', 'kyotsu-login-e6']);
    assert.deepEqual(shown[0], { id: 'kyotsu-login-e1', title: 'Logged in with your card', message: 'kyotsu logged you in to Bank A.' });
    for (const refused of [shown[1]!, shown[2]!]) {
      assert.equal(refused.title, 'Your card signed a login');
      assert.equal(refused.message, 'kyotsu signed a login for Bank A with your card, but Bank A did not log you in.');
    }
    for (const silent of shown.slice(3)) {
      assert.equal(silent.title, 'Your card signed a login');
      assert.equal(silent.message, 'kyotsu signed a login for Bank A with your card, but Bank A did not confirm that you are logged in.');
    }
  });

  it('the holder own click and a signature the card did not make are not notified', async () => {
    const { api, shown } = fakeBrowser();
    const clock = new ManualClock();
    const log = new ActivityLog(createMemoryStore(), { onSettled: (entry, verdict) => notifySettledLogin(api, entry, verdict), clock });
    await log.forTab(1).record(signed(1, false));
    await log.recordVerdict(1, BANK_A, { outcome: 'logged-in', code: null });
    await log.forTab(2).record(signed(2, true, 'PIN_CANCELLED'));
    clock.advance(VERDICT_WAIT_MS);
    assert.deepEqual(shown, []);
  });

  it('a statement page batch is ONE notification naming its services, in the browser language', () => {
    const en = fakeBrowser('en');
    notifySignedLogins(en.api, 'kyotsu-login-x', [
      { service: 'Bank A', outcome: 'logged-in' },
      { service: 'Bank B', outcome: 'logged-in' },
      { service: 'Card Co.', outcome: 'not-logged-in' },
    ]);
    assert.equal(en.shown.length, 1);
    assert.equal(en.shown[0]!.title, 'Logged in with your card');
    assert.equal(en.shown[0]!.message, 'kyotsu logged you in to Bank A and Bank B.\nkyotsu signed a login for Card Co. with your card, but Card Co. did not log you in.');
    const ja = fakeBrowser('ja');
    notifySignedLogins(ja.api, 'kyotsu-login-y', [
      { service: 'Bank A', outcome: 'unconfirmed' },
      { service: 'Bank B', outcome: 'unconfirmed' },
    ]);
    assert.equal(ja.shown[0]!.title, 'カードでログインに署名しました');
    assert.match(ja.shown[0]!.message, /^kyotsu がカードで Bank A[、と]Bank B へのログインに署名しましたが/);
    notifySignedLogins(ja.api, 'kyotsu-login-z', []);
    assert.equal(ja.shown.length, 1, 'nothing signed, nothing shown');
  });
});
