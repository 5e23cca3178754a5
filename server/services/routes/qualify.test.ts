/**
 * Qualify at a service carries the card's login there as proof of the holder's presence (server/ca
 * holder-proof.ts): the real flow still qualifies and then forgets the token; a bank that has only the
 * serial — or the holder's login at another service — cannot put itself on the certificate's list, and so
 * cannot invalidate it. The CA's own refusal matrix is in server/ca/holder-proof.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type HolderProof } from '../../../src/ca-api.js';
import { HttpError } from '../shared/app.js';
import { CardHolder } from '../test-support/card-holder.js';
import { confirmQualify, passwordLogin } from '../test-support/flows.js';
import { TestClient } from '../test-support/http-client.js';
import { startWorld, type World } from '../world.js';

describe('qualify with proof of the holder’s presence', () => {
  let world: World;
  let dataDir: string;
  let hanako: CardHolder;
  let serial: string;
  const origin = (id: string): string => world.origins[id]!;
  const ca = (id: string) => world.services[id]!.context.ca!;
  /** Every pending login token kept in a service's sessions now. */
  const pendingTokens = (id: string): HolderProof[] =>
    (world.services[id]!.context.db.prepare('SELECT data FROM sessions').all() as { data: string }[])
      .map((row) => JSON.parse(row.data) as Record<string, string>)
      .filter((data) => data.pendingToken !== undefined)
      .map((data) => ({ token: data.pendingToken!, nonce: data.pendingNonce! }));

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kyotsu-qualify-'));
    world = await startWorld({ dataDir, caPassphrase: 'test passphrase for the CA', ports: 'ephemeral', services: ['bank-a', 'bank-b', 'card-co'] });
    hanako = await CardHolder.create();
    const client = new TestClient();
    assert.equal(await passwordLogin(client, origin('bank-a'), 'hanako', 'bank-a'), 303);
    const issued = await hanako.enroll(client, origin('bank-a'), await client.csrf(origin('bank-a'), '/'));
    assert.equal(issued.status, 200, issued.text);
    serial = issued.json<{ serial: string }>().serial;
  });
  after(async () => {
    await world?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a bank with only the serial, or with the holder’s login at another service, is refused and cannot invalidate', async () => {
    // No proof at all: the CA's API called directly with Bank B's own credentials.
    const access = ca('bank-b').access;
    const bare = await fetch(`${access.url}/api/v1/certificates/${serial}/services/bank-b`, { method: 'PUT', headers: { authorization: `Bearer ${access.apiToken}` } });
    assert.equal(bare.status, 400);
    assert.equal(((await bare.json()) as { error: { code: string } }).error.code, 'HOLDER_PROOF_REQUIRED');
    // Hanako's card login at Card Co. (pending there), replayed by Bank B.
    assert.equal((await hanako.login(new TestClient(), origin('card-co'))).json<{ status: string }>().status, 'qualify-required');
    const [atCardCo] = pendingTokens('card-co');
    assert.ok(atCardCo, 'Card Co. keeps the login token with the pending serial');
    await assert.rejects(ca('bank-b').qualify(serial, atCardCo), (error: unknown) => error instanceof HttpError && error.status === 403 && error.code === 'HOLDER_PROOF_INVALID');
    assert.deepEqual(await ca('bank-b').check(serial), { result: 'NG', reason: 'NOT_QUALIFIED' });
    await assert.rejects(ca('bank-b').invalidate(serial), (error: unknown) => error instanceof HttpError && error.code === 'FORBIDDEN');
    assert.deepEqual(await ca('bank-a').check(serial), { result: 'OK' }, 'the holder’s certificate still works where she uses it');
  });

  it('the real flow qualifies with the card’s login at this bank, and the session forgets the token afterwards', async () => {
    const client = new TestClient();
    assert.equal((await hanako.login(client, origin('bank-b'))).json<{ status: string }>().status, 'qualify-required');
    assert.equal(pendingTokens('bank-b').length, 1);
    assert.equal(await passwordLogin(client, origin('bank-b'), 'hanako', 'bank-b'), 303);
    assert.equal(pendingTokens('bank-b').length, 1, 'the token moved to the logged-in session with the serial');
    await confirmQualify(client, origin('bank-b'));
    assert.deepEqual(await ca('bank-b').check(serial), { result: 'OK' });
    assert.deepEqual(pendingTokens('bank-b'), [], 'no session keeps the token once qualify is done');
    assert.deepEqual((await hanako.login(new TestClient(), origin('bank-b'))).json(), { status: 'logged-in', redirect: '/' });
  });
});
