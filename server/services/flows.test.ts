/**
 * Issue 6's flows over HTTP, with no browser: the real CA, the four services, and the software PIV card
 * doing what the extension does (test-support/card-holder.ts).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CardHolder } from './test-support/card-holder.js';
import { confirmQualify, home, passwordLogin } from './test-support/flows.js';
import { TestClient } from './test-support/http-client.js';
import { startWorld, type World } from './world.js';

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('the participating services with the common certificate', () => {
  let world: World;
  let dataDir: string;
  let hanako: CardHolder;
  let serial: string;
  const origin = (id: string) => world.origins[id]!;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kyotsu-world-'));
    world = await startWorld({ dataDir, caPassphrase: 'test passphrase for the CA', ports: 'ephemeral', webhookBaseDelayMs: 50 });
    hanako = await CardHolder.create();
  });
  after(async () => {
    await world?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('first certificate at Bank A: password login, key and request made on the card, certificate written to the card', async () => {
    const client = new TestClient();
    assert.equal(await passwordLogin(client, origin('bank-a'), 'hanako', 'bank-a'), 303);
    const issued = await hanako.enroll(client, origin('bank-a'), await client.csrf(origin('bank-a'), '/'));
    assert.equal(issued.status, 200, issued.text);
    serial = issued.json<{ serial: string }>().serial;
    assert.match(serial, /^[0-9a-f]+$/);
    assert.ok(await hanako.certificate(), 'the card holds the issued certificate');
    assert.match(await home(client, origin('bank-a')), new RegExp(`data-testid="serial">${serial}<`));
    // A second request is refused before the CA is asked (the extension must not touch the card's key first).
    const csrf = await client.csrf(origin('bank-a'), '/');
    const again = await client.request(`${origin('bank-a')}/api/certificate/issue`, { method: 'POST', json: { csr: 'AAAA' }, headers: { 'x-csrf-token': csrf } });
    assert.equal(again.json<{ error: { code: string } }>().error.code, 'CERTIFICATE_EXISTS');
  });

  it('logs in at Bank A with the card (CA check), and the statement is shared only then', async () => {
    const client = new TestClient();
    const login = await hanako.login(client, origin('bank-a'));
    assert.deepEqual(login.json(), { status: 'logged-in', redirect: '/' });
    assert.match(await home(client, origin('bank-a')), /Logged in as Hanako Yamada with your common certificate/);
    const statement = await client.request(`${origin('bank-a')}/api/statement`);
    assert.equal(statement.status, 200);
    assert.equal(statement.json<{ holder: string; balanceMinor: number }>().holder, 'Hanako Yamada');
  });

  it('qualifies at Bank B: the unknown certificate asks once for Bank B’s own password, then logs in by card', async () => {
    const client = new TestClient();
    const first = await hanako.login(client, origin('bank-b'));
    assert.deepEqual(first.json(), { status: 'qualify-required', redirect: '/login' });
    const loginPage = await client.request(`${origin('bank-b')}/login`, { headers: { accept: 'text/html' } });
    assert.match(loginPage.text, /data-testid="qualify-notice"/);
    assert.equal(await passwordLogin(client, origin('bank-b'), 'hanako', 'bank-b'), 303);
    assert.match(await confirmQualify(client, origin('bank-b')), /common certificate of <strong data-testid="pending-name">Hanako Yamada<\/strong>/);
    assert.match(await home(client, origin('bank-b')), /Your common certificate now works at Bank B/);
    assert.equal((await world.services['bank-b']!.context.ca!.check(serial)).result, 'OK');
    const later = await hanako.login(new TestClient(), origin('bank-b'));
    assert.deepEqual(later.json(), { status: 'logged-in', redirect: '/' });
  });

  it('an unsigned token carrying someone else’s certificate learns nothing and links nothing', async () => {
    const taroClient = new TestClient();
    const challenge = await taroClient.request(`${origin('bank-b')}/api/auth/challenge`, { method: 'POST', headers: { origin: origin('bank-b') } });
    assert.equal(challenge.status, 200);
    const certificate = Buffer.from((await hanako.certificate())!).toString('base64');
    const forged = { format: 'web-eid:1.0', unverifiedCertificate: certificate, algorithm: 'ES256', signature: Buffer.alloc(64, 1).toString('base64'), appVersion: 'https://x/1' };
    const response = await taroClient.request(`${origin('bank-b')}/api/auth/login`, { method: 'POST', body: JSON.stringify(forged), headers: { 'content-type': 'application/json', origin: origin('bank-b') } });
    assert.equal(response.status, 401);
    assert.equal(response.json<{ error: { code: string } }>().error.code, 'TOKEN_SIGNATURE_INVALID');
    assert.equal(await passwordLogin(taroClient, origin('bank-b'), 'taro', 'bank-b'), 303);
    assert.equal((await taroClient.request(`${origin('bank-b')}/qualify`, { headers: { accept: 'text/html' } })).status, 303, 'nothing is pending');
    assert.equal(world.services['bank-b']!.context.users.get('taro')!.certSerial, null);
  });

  it('a card session cannot register a passkey (it would outlive an invalidated card)', async () => {
    const client = new TestClient();
    await hanako.login(client, origin('bank-a'));
    const csrf = await client.csrf(origin('bank-a'), '/');
    const response = await client.request(`${origin('bank-a')}/api/passkeys/register/options`, { method: 'POST', json: {}, headers: { 'x-csrf-token': csrf } });
    assert.equal(response.status, 403);
    assert.equal(response.json<{ error: { code: string } }>().error.code, 'OWN_LOGIN_REQUIRED');
  });

  it('refuses a token signed for another origin, and changes nothing', async () => {
    const client = new TestClient();
    const response = await hanako.login(client, origin('bank-a'), origin('bank-b'));
    assert.equal(response.status, 401);
    assert.equal(response.json<{ error: { code: string } }>().error.code, 'TOKEN_SIGNATURE_INVALID');
    assert.match(await home(client, origin('bank-a')), /data-testid="landing"/);
  });

  it('keeps statements to their own holder: another holder’s card logs in as that holder only', async () => {
    const taro = await CardHolder.create();
    const client = new TestClient();
    await passwordLogin(client, origin('bank-a'), 'taro', 'bank-a');
    assert.equal((await taro.enroll(client, origin('bank-a'), await client.csrf(origin('bank-a'), '/'))).status, 200);
    const taroClient = new TestClient();
    await taro.login(taroClient, origin('bank-a'));
    const statement = await taroClient.request(`${origin('bank-a')}/api/statement`);
    assert.equal(statement.json<{ holder: string }>().holder, 'Taro Suzuki');
  });

  it('the portal’s statement layout lists every participating service, enrolled where the certificate is qualified', async () => {
    const client = new TestClient();
    assert.equal((await hanako.login(client, origin('portal'))).json<{ status: string }>().status, 'qualify-required');
    await passwordLogin(client, origin('portal'), 'hanako', 'portal');
    await confirmQualify(client, origin('portal'));
    await hanako.login(client, origin('portal'));
    const layout = await client.request(`${origin('portal')}/api/statement/layout`);
    const regions = layout.json<{ regions: { serviceId: string; origin: string; enrolled: boolean }[] }>().regions;
    assert.deepEqual(regions.map((r) => [r.serviceId, r.origin, r.enrolled]), [
      ['bank-a', origin('bank-a'), true],
      ['bank-b', origin('bank-b'), true],
      ['card-co', origin('card-co'), false],
    ]);
  });

  it('prohibit at Bank B: the certificate no longer logs in there, and still does at Bank A', async () => {
    const client = new TestClient();
    await hanako.login(client, origin('bank-b'));
    const csrf = await client.csrf(origin('bank-b'), '/account');
    assert.equal((await client.request(`${origin('bank-b')}/certificate/prohibit`, { method: 'POST', form: { _csrf: csrf } })).status, 303);
    assert.deepEqual(await world.services['bank-b']!.context.ca!.check(serial), { result: 'NG', reason: 'NOT_QUALIFIED' });
    assert.equal((await hanako.login(new TestClient(), origin('bank-b'))).json<{ status: string }>().status, 'qualify-required');
    assert.equal((await hanako.login(new TestClient(), origin('bank-a'))).json<{ status: string }>().status, 'logged-in');
  });

  it('check-omitted Card Co.: logs in from its own table, then refuses after the CA’s invalidation notice', async () => {
    const client = new TestClient();
    await hanako.login(client, origin('card-co'));
    await passwordLogin(client, origin('card-co'), 'hanako', 'card-co');
    await confirmQualify(client, origin('card-co'));
    assert.equal((await hanako.login(new TestClient(), origin('card-co'))).json<{ status: string }>().status, 'logged-in');

    // The holder invalidates the certificate through Bank A (e.g. a lost card).
    const bankA = new TestClient();
    await passwordLogin(bankA, origin('bank-a'), 'hanako', 'bank-a');
    const csrf = await bankA.csrf(origin('bank-a'), '/account');
    assert.equal((await bankA.request(`${origin('bank-a')}/certificate/invalidate`, { method: 'POST', form: { _csrf: csrf } })).status, 303);

    const cardCo = world.services['card-co']!.context;
    await eventually(async () => Promise.resolve(cardCo.users.bySerial(serial) === null), 'Card Co. to drop the serial after the notice');
    const refused = await hanako.login(new TestClient(), origin('card-co'));
    assert.equal(refused.status, 401);
    assert.equal(refused.json<{ error: { code: string } }>().error.code, 'CERTIFICATE_REVOKED');
  });

  it('invalidated: Bank A (CA check) refuses the card with a message a person understands', async () => {
    const refused = await hanako.login(new TestClient(), origin('bank-a'));
    assert.equal(refused.status, 401);
    const { error } = refused.json<{ error: { code: string; message: string } }>();
    assert.equal(error.code, 'CERTIFICATE_REVOKED');
    assert.match(error.message, /invalidated and can no longer be used/);
  });
});
