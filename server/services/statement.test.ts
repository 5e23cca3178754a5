/**
 * Issue 8's server side over HTTP, with no browser: the portal's statement layout (every participating
 * service, enrolled or not) and batch login (`kyotsu-batch:1`, docs/batch-login.md) at the real services,
 * signed by the software PIV card the way the extension does it (test-support/card-holder.ts).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseStatementLayout } from '../../src/statement-layout.js';
import { HttpError } from './shared/app.js';
import { CardHolder } from './test-support/card-holder.js';
import { confirmQualify, home, passwordLogin } from './test-support/flows.js';
import { TestClient } from './test-support/http-client.js';
import { startWorld, type World } from './world.js';

const GENERAL_AUTHENTICATE = 0x87; // SP 800-73-4 Part 2 §3.2.4
const STATEMENT_SERVICES = ['bank-a', 'bank-b', 'card-co'] as const;

describe('the statement page’s server side: layout and batch login', () => {
  let world: World;
  let dataDir: string;
  let hanako: CardHolder;
  let serial: string;
  const origin = (id: string) => world.origins[id]!;
  const code = (response: { json<T>(): T }) => response.json<{ error: { code: string } }>().error.code;
  const signatures = () => hanako.card.log.filter((entry) => entry.ins === GENERAL_AUTHENTICATE && entry.sw === 0x9000).length;

  /** Card login → the service's own password → "yes, use it here". */
  async function qualify(serviceId: string): Promise<void> {
    const client = new TestClient();
    assert.equal((await hanako.login(client, origin(serviceId))).json<{ status: string }>().status, 'qualify-required');
    assert.equal(await passwordLogin(client, origin(serviceId), 'hanako', serviceId), 303);
    await confirmQualify(client, origin(serviceId));
  }

  async function portalClient(): Promise<TestClient> {
    const client = new TestClient();
    assert.equal((await hanako.login(client, origin('portal'))).json<{ status: string }>().status, 'logged-in');
    return client;
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kyotsu-statement-'));
    world = await startWorld({ dataDir, caPassphrase: 'test passphrase for the CA', ports: 'ephemeral' });
    hanako = await CardHolder.create();
    const client = new TestClient();
    assert.equal(await passwordLogin(client, origin('bank-a'), 'hanako', 'bank-a'), 303);
    const issued = await hanako.enroll(client, origin('bank-a'), await client.csrf(origin('bank-a'), '/'));
    assert.equal(issued.status, 200, issued.text);
    serial = issued.json<{ serial: string }>().serial;
    await qualify('portal');
    await qualify('bank-b');
  });
  after(async () => {
    await world?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('the layout lists every participating service; one not qualified yet is "not enrolled" with a link to its login', async () => {
    const client = await portalClient();
    const response = await client.request(`${origin('portal')}/api/statement/layout`);
    assert.equal(response.status, 200, response.text);
    const layout = parseStatementLayout(response.text);
    assert.equal(layout.serial, serial);
    assert.deepEqual(
      layout.regions.map((r) => [r.serviceId, r.enrolled]),
      [['bank-a', true], ['bank-b', true], ['card-co', false]],
    );
    const cardCo = layout.regions.find((r) => r.serviceId === 'card-co')!;
    assert.deepEqual(cardCo, {
      serviceId: 'card-co',
      displayName: 'Card Co.',
      origin: origin('card-co'),
      statementUrl: `${origin('card-co')}/api/statement`,
      enrolled: false,
      qualifyUrl: `${origin('card-co')}/login`,
    });
    // The qualify link leads to a page that offers the card login that starts qualifying.
    assert.match((await new TestClient().request(cardCo.qualifyUrl, { headers: { accept: 'text/html' } })).text, /data-kyotsu-login/);

    const page = (await client.request(`${origin('portal')}/statement`, { headers: { accept: 'text/html' } })).text;
    const region = (id: string) => new RegExp(`<section[^>]*data-kyotsu-region="${id}"[^>]*>.*?</section>`, 's').exec(page)?.[0] ?? '';
    assert.match(region('card-co'), /data-enrolled="false"/);
    assert.match(region('card-co'), new RegExp(`data-qualify-url="${cardCo.qualifyUrl}"`));
    assert.match(region('card-co'), /data-region-status[^>]*>Not enrolled/);
    assert.match(region('card-co'), new RegExp(`<a data-qualify-link href="${cardCo.qualifyUrl}">`));
    assert.match(region('bank-a'), /data-enrolled="true"/);
    assert.match(region('bank-a'), new RegExp(`data-statement-url="${origin('bank-a')}/api/statement"`));
    assert.doesNotMatch(region('bank-a'), /Not enrolled|data-qualify-link/);
    assert.doesNotMatch(page, /data-kyotsu-region="portal"/);
  });

  it('a batch token at a service the certificate is not qualified at asks to qualify, and qualifying enrols it', async () => {
    const client = new TestClient();
    const [cardCo] = await hanako.batchTokens(client, [{ origin: origin('card-co') }]);
    assert.deepEqual((await hanako.postToken(client, origin('card-co'), cardCo!.token)).json(), { status: 'qualify-required', redirect: '/login' });
    assert.equal(await passwordLogin(client, origin('card-co'), 'hanako', 'card-co'), 303);
    assert.match(await confirmQualify(client, origin('card-co')), /data-testid="pending-name">Hanako Yamada</);
    const layout = parseStatementLayout((await (await portalClient()).request(`${origin('portal')}/api/statement/layout`)).text);
    assert.deepEqual(layout.regions.map((r) => r.enrolled), [true, true, true]);
  });

  it('one card signature logs in at Bank A, Bank B and Card Co.; each then serves its statement', async () => {
    const client = new TestClient();
    hanako.card.clearLog();
    const tokens = await hanako.batchTokens(client, STATEMENT_SERVICES.map((id) => ({ origin: origin(id) })));
    assert.equal(signatures(), 1, 'the card signed exactly once');
    for (const { origin: at, token } of tokens) {
      assert.equal((JSON.parse(token) as { format: string }).format, 'kyotsu-batch:1');
      assert.deepEqual((await hanako.postToken(client, at, token)).json(), { status: 'logged-in', redirect: '/' }, at);
    }
    for (const id of STATEMENT_SERVICES) {
      const statement = await client.request(`${origin(id)}/api/statement`, { headers: { origin: origin(id) } });
      assert.equal(statement.status, 200, statement.text);
      assert.deepEqual(statement.json<{ serviceId: string; holder: string }>().serviceId, id);
      assert.equal(statement.json<{ holder: string }>().holder, 'Hanako Yamada');
    }
    assert.equal(signatures(), 1);
  });

  it('a batch token replayed — at its own service with a fresh challenge, or at another — is refused and logs nobody in', async () => {
    const victim = new TestClient();
    const tokens = await hanako.batchTokens(victim, STATEMENT_SERVICES.map((id) => ({ origin: origin(id) })));
    const bankA = tokens.find((t) => t.origin === origin('bank-a'))!.token;
    assert.equal((await hanako.postToken(victim, origin('bank-a'), bankA)).json<{ status: string }>().status, 'logged-in');

    const attacker = new TestClient();
    const noChallenge = await hanako.postToken(attacker, origin('bank-a'), bankA);
    assert.equal(noChallenge.status, 401);
    assert.equal(code(noChallenge), 'CHALLENGE_UNKNOWN');
    for (const at of ['bank-a', 'bank-b']) {
      await attacker.request(`${origin(at)}/api/auth/challenge`, { method: 'POST', headers: { origin: origin(at) } });
      const replayed = await hanako.postToken(attacker, origin(at), bankA);
      assert.equal(replayed.status, 401, at);
      assert.equal(code(replayed), 'TOKEN_SIGNATURE_INVALID', at);
      assert.match(await home(attacker, origin(at)), /data-testid="landing"/);
      assert.equal((await attacker.request(`${origin(at)}/api/statement`, { headers: { origin: origin(at) } })).status, 401);
    }
    // The same token posted twice in the victim's own session: its challenge is gone.
    const twice = await hanako.postToken(victim, origin('bank-a'), bankA);
    assert.equal(code(twice), 'CHALLENGE_UNKNOWN');
  });

  it('a batch token whose leaf names another origin is refused; the batch’s other tokens still log in', async () => {
    const client = new TestClient();
    const tokens = await hanako.batchTokens(client, [{ origin: origin('bank-a'), signedOrigin: 'https://bank-a.evil.example' }, { origin: origin('bank-b') }]);
    const refused = await hanako.postToken(client, origin('bank-a'), tokens[0]!.token);
    assert.equal(refused.status, 401);
    assert.equal(code(refused), 'TOKEN_SIGNATURE_INVALID');
    assert.match(await home(client, origin('bank-a')), /data-testid="landing"/);
    assert.equal((await hanako.postToken(client, origin('bank-b'), tokens[1]!.token)).json<{ status: string }>().status, 'logged-in');
  });

  it('a batch signature relabelled as a single web-eid:1.0 token is refused', async () => {
    const client = new TestClient();
    const [bankA] = await hanako.batchTokens(client, [{ origin: origin('bank-a') }]);
    const { leaf: _leaf, ...rest } = JSON.parse(bankA!.token) as Record<string, unknown>;
    const relabelled = await hanako.postToken(client, origin('bank-a'), JSON.stringify({ ...rest, format: 'web-eid:1.0' }));
    assert.equal(relabelled.status, 401);
    assert.equal(code(relabelled), 'TOKEN_SIGNATURE_INVALID');
  });

  it('a batch token at a CA-checked service that no longer lists the certificate proves possession and asks to qualify again', async () => {
    const holder = new TestClient();
    await hanako.login(holder, origin('bank-b'));
    const csrf = await holder.csrf(origin('bank-b'), '/account');
    assert.equal((await holder.request(`${origin('bank-b')}/certificate/prohibit`, { method: 'POST', form: { _csrf: csrf } })).status, 303);
    const client = new TestClient();
    const tokens = await hanako.batchTokens(client, ['bank-a', 'bank-b'].map((id) => ({ origin: origin(id) })));
    assert.equal((await hanako.postToken(client, origin('bank-a'), tokens[0]!.token)).json<{ status: string }>().status, 'logged-in');
    assert.deepEqual((await hanako.postToken(client, origin('bank-b'), tokens[1]!.token)).json(), { status: 'qualify-required', redirect: '/login' });
    assert.equal(await passwordLogin(client, origin('bank-b'), 'hanako', 'bank-b'), 303);
    assert.match(await confirmQualify(client, origin('bank-b')), /data-testid="pending-name">Hanako Yamada</);
    assert.deepEqual(await world.services['bank-b']!.context.ca!.check(serial), { result: 'OK' });
  });

  it('the CA’s participation list is for portals only: a bank’s API token is refused', async () => {
    await assert.rejects(world.services['bank-a']!.context.ca!.participation(serial), (error: unknown) => error instanceof HttpError && error.status === 403 && error.code === 'FORBIDDEN');
    const { services } = await world.services['portal']!.context.ca!.participation(serial);
    assert.deepEqual(services.map((s) => s.id), ['bank-a', 'bank-b', 'card-co', 'portal']);
  });

  it('an invalidated certificate: batch tokens get the same refusal as single ones, at every service', async () => {
    const bankA = new TestClient();
    await passwordLogin(bankA, origin('bank-a'), 'hanako', 'bank-a');
    const csrf = await bankA.csrf(origin('bank-a'), '/account');
    assert.equal((await bankA.request(`${origin('bank-a')}/certificate/invalidate`, { method: 'POST', form: { _csrf: csrf } })).status, 303);
    const client = new TestClient();
    const tokens = await hanako.batchTokens(client, ['bank-a', 'bank-b'].map((id) => ({ origin: origin(id) })));
    for (const { origin: at, token } of tokens) {
      const refused = await hanako.postToken(client, at, token);
      assert.equal(refused.status, 401, at);
      assert.equal(code(refused), 'CERTIFICATE_REVOKED', at);
    }
  });
});
