import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { demoPassword } from '../seed.js';
import { type RunningService } from '../service.js';
import { TestClient } from '../test-support/http-client.js';
import { startStandaloneBank } from '../test-support/standalone.js';

describe('password login at a demo service', () => {
  let bank: RunningService;
  before(async () => {
    bank = await startStandaloneBank();
  });
  after(() => bank.close());

  it('logs in with the right password and shows the holder’s own balance', async () => {
    const client = new TestClient();
    const csrf = await client.csrf(bank.origin);
    const login = await client.request(`${bank.origin}/login`, { method: 'POST', form: { _csrf: csrf, userId: 'hanako', password: demoPassword('hanako', 'bank-a') } });
    assert.equal(login.status, 303);
    const home = await client.request(`${bank.origin}/`, { headers: { accept: 'text/html' } });
    assert.match(home.text, /Logged in as Hanako Yamada with your password/);
    assert.match(home.text, /¥1,250,000/);
  });

  it('refuses a form without the CSRF token and changes nothing', async () => {
    const client = new TestClient();
    await client.csrf(bank.origin);
    const login = await client.request(`${bank.origin}/login`, { method: 'POST', form: { userId: 'taro', password: demoPassword('taro', 'bank-a') } });
    assert.equal(login.status, 403);
    assert.match(login.text, /did not come from this site/);
    const home = await client.request(`${bank.origin}/`, { headers: { accept: 'text/html' } });
    assert.match(home.text, /data-testid="landing"/);
  });

  it('locks the account after five wrong passwords, even for the right one', async () => {
    const client = new TestClient();
    const csrf = await client.csrf(bank.origin);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await client.request(`${bank.origin}/login`, { method: 'POST', form: { _csrf: csrf, userId: 'taro', password: 'wrong' } })).status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 423]);
    const right = await client.request(`${bank.origin}/login`, { method: 'POST', form: { _csrf: csrf, userId: 'taro', password: demoPassword('taro', 'bank-a') } });
    assert.equal(right.status, 423);
    assert.match(right.text, /locked until/);
  });

  it('refuses a statement request without a session', async () => {
    const response = await new TestClient().request(`${bank.origin}/api/statement`);
    assert.equal(response.status, 401);
    assert.equal(response.json<{ error: { code: string } }>().error.code, 'NOT_LOGGED_IN');
  });

  it('refuses a statement to a password session and to another web origin', async () => {
    const client = new TestClient();
    const csrf = await client.csrf(bank.origin);
    await client.request(`${bank.origin}/login`, { method: 'POST', form: { _csrf: csrf, userId: 'hanako', password: demoPassword('hanako', 'bank-a') } });
    const own = await client.request(`${bank.origin}/api/statement`);
    assert.equal(own.json<{ error: { code: string } }>().error.code, 'CERTIFICATE_LOGIN_REQUIRED');
    const foreign = await client.request(`${bank.origin}/api/statement`, { headers: { origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.json<{ error: { code: string } }>().error.code, 'CROSS_ORIGIN_REFUSED');
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });
});
