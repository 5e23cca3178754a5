/** Session rows: an anonymous visit that needs no session leaves none behind; a form that needs one gets one. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoPassword } from '../seed.js';
import { type RunningService } from '../service.js';
import { TestClient } from '../test-support/http-client.js';
import { startStandaloneBank } from '../test-support/standalone.js';

describe('session rows at a demo service', () => {
  let bank: RunningService;
  const rows = (): number => (bank.context.db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n;

  before(async () => {
    bank = await startStandaloneBank();
  });
  after(() => bank.close());

  it('anonymous GETs of pages and APIs without a form create no session and set no cookie', async () => {
    const client = new TestClient();
    for (const path of ['/', '/api/statement', '/member', '/account', '/no-such-page']) {
      const response = await client.request(`${bank.origin}${path}`, { headers: { accept: 'text/html' } });
      assert.equal(response.headers.getSetCookie().length, 0, path);
    }
    assert.match((await client.request(`${bank.origin}/`, { headers: { accept: 'text/html' } })).text, /data-testid="landing"/);
    assert.equal(rows(), 0);
  });

  it('the login page, whose form needs a CSRF token, starts one session that the login then replaces', async () => {
    const client = new TestClient();
    const csrf = await client.csrf(bank.origin);
    assert.equal(rows(), 1);
    await client.request(`${bank.origin}/`, { headers: { accept: 'text/html' } });
    assert.equal(rows(), 1, 'a later anonymous GET reuses the session');
    const login = await client.request(`${bank.origin}/login`, { method: 'POST', form: { _csrf: csrf, userId: 'hanako', password: demoPassword('hanako', 'bank-a') } });
    assert.equal(login.status, 303);
    assert.equal(rows(), 1);
    assert.match((await client.request(`${bank.origin}/`, { headers: { accept: 'text/html' } })).text, /Logged in as Hanako Yamada/);
  });
});
