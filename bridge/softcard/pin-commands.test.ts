import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { concatBytes } from '../../src/bytes.js';
import { type CardState, padReference } from './card-state.js';
import { type SoftCardStore } from './card-store.js';
import { SoftCardError, SoftCardErrorCode } from './errors.js';
import { FileCardStore } from './file-store.js';
import { MemoryCardStore } from './memory-store.js';
import { poweredCard, send, verifyPin } from './test-kit.js';
import { isWellFormedReference } from './pin-commands.js';

const empty = new Uint8Array(0);

describe('VERIFY', () => {
  it('counts down wrong PINs 63C2, 63C1, 63C0, then answers 6983 even for the right PIN', async () => {
    const card = await poweredCard();
    assert.equal(await verifyPin(card, '000000'), 0x63c2);
    assert.equal(await verifyPin(card, '000000'), 0x63c1);
    assert.equal(await verifyPin(card, '000000'), 0x63c0);
    assert.equal(await verifyPin(card, '123456'), 0x6983);
    assert.equal((await send(card, 0x20, 0x00, 0x80)).sw, 0x6983);
  });

  it('restores the counter after a correct PIN', async () => {
    const card = await poweredCard();
    assert.equal(await verifyPin(card, '654321'), 0x63c2);
    assert.equal(await verifyPin(card), 0x9000);
    await send(card, 0x20, 0xff, 0x80);
    assert.equal((await send(card, 0x20, 0x00, 0x80)).sw, 0x63c3);
  });

  it('answers the empty VERIFY with 9000 once verified, and P1=FF or SELECT resets that', async () => {
    const card = await poweredCard();
    assert.equal((await send(card, 0x20, 0x00, 0x80)).sw, 0x63c3);
    assert.equal(await verifyPin(card), 0x9000);
    assert.equal((await send(card, 0x20, 0x00, 0x80)).sw, 0x9000);
    assert.equal((await send(card, 0x20, 0xff, 0x80)).sw, 0x9000);
    assert.equal((await send(card, 0x20, 0x00, 0x80)).sw, 0x63c3);
    assert.equal(await verifyPin(card), 0x9000);
    await send(card, 0xa4, 0x04, 0x00, Uint8Array.of(0xa0, 0x00, 0x00, 0x03, 0x08));
    assert.equal((await send(card, 0x20, 0x00, 0x80)).sw, 0x63c3);
  });

  it('counts an all-FF block as a wrong PIN (yubikit blocks the PIN that way before RESET)', async () => {
    const card = await poweredCard();
    assert.equal((await send(card, 0x20, 0x00, 0x80, new Uint8Array(8).fill(0xff))).sw, 0x63c2);
  });

  it('refuses a PIN block that is not 8 bytes with 6A80 without spending a try', async () => {
    const card = await poweredCard();
    assert.equal((await send(card, 0x20, 0x00, 0x80, Uint8Array.of(0x31, 0x32, 0x33))).sw, 0x6a80);
    assert.equal((await send(card, 0x20, 0x00, 0x80)).sw, 0x63c3);
  });

  it('answers 6A88 for the global PIN and 6A86 for other references', async () => {
    const card = await poweredCard();
    assert.equal((await send(card, 0x20, 0x00, 0x00, padReference('123456'))).sw, 0x6a88);
    assert.equal((await send(card, 0x20, 0x00, 0x9b, padReference('123456'))).sw, 0x6a86);
  });

  it('keeps the retry counter across a power cut: a new card on the same state file sees it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyotsu-softcard-'));
    try {
      const path = join(dir, 'card.json');
      const card = await poweredCard({ store: new FileCardStore(path) });
      assert.equal(await verifyPin(card, '111111'), 0x63c2);
      await card.powerOff();
      const again = await poweredCard({ store: new FileCardStore(path) });
      assert.equal(again.serial, card.serial);
      assert.equal((await send(again, 0x20, 0x00, 0x80)).sw, 0x63c2);
      assert.equal(await verifyPin(again, '111111'), 0x63c1);
      assert.equal(await verifyPin(again), 0x9000);
      const third = await poweredCard({ store: new FileCardStore(path) });
      assert.equal((await send(third, 0x20, 0x00, 0x80)).sw, 0x63c3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('decrements and persists the counter before comparing: a store failing after that gives no free guess', async () => {
    // A store that accepts the first save of the VERIFY (the decrement) and then fails, as a power cut would.
    class CutAfter implements SoftCardStore {
      inner = new MemoryCardStore();
      allowed = Infinity;
      load() {
        return this.inner.load();
      }
      async save(state: CardState) {
        if (this.allowed-- <= 0) throw new SoftCardError(SoftCardErrorCode.STORE_FAILED, 'power cut');
        await this.inner.save(state);
      }
    }
    const store = new CutAfter();
    const card = await poweredCard({ store });
    store.allowed = 1;
    assert.equal(await verifyPin(card), 0x6581, 'the correct PIN is not confirmed when the counter could not be restored');
    const reloaded = await poweredCard({ store: store.inner });
    assert.equal((await send(reloaded, 0x20, 0x00, 0x80)).sw, 0x63c2, 'the try was spent');
    store.allowed = 0;
    assert.equal(await verifyPin(card, '000000'), 0x6581, 'no comparison without a persisted decrement');
    assert.equal((await send(await poweredCard({ store: store.inner }), 0x20, 0x00, 0x80)).sw, 0x63c2);
  });
});

describe('CHANGE REFERENCE DATA and RESET RETRY COUNTER', () => {
  it('changes the PIN with the old one and then verifies only the new one', async () => {
    const card = await poweredCard();
    assert.equal((await send(card, 0x24, 0x00, 0x80, concatBytes(padReference('123456'), padReference('24681357')))).sw, 0x9000);
    assert.equal(await verifyPin(card, '123456'), 0x63c2);
    assert.equal(await verifyPin(card, '24681357'), 0x9000);
  });

  it('spends a try on a wrong old PIN and refuses a malformed new one with 6A80', async () => {
    const card = await poweredCard();
    assert.equal((await send(card, 0x24, 0x00, 0x80, concatBytes(padReference('999999'), padReference('111111')))).sw, 0x63c2);
    assert.equal((await send(card, 0x24, 0x00, 0x80, concatBytes(padReference('123456'), padReference('123')))).sw, 0x6a80);
    assert.equal(await verifyPin(card), 0x9000, 'the PIN is unchanged');
  });

  it('changes the PUK, and unblocks a blocked PIN with it', async () => {
    const card = await poweredCard();
    assert.equal((await send(card, 0x24, 0x00, 0x81, concatBytes(padReference('12345678'), padReference('87654321')))).sw, 0x9000);
    for (let i = 0; i < 3; i++) await verifyPin(card, '000000');
    assert.equal(await verifyPin(card), 0x6983);
    assert.equal((await send(card, 0x2c, 0x00, 0x80, concatBytes(padReference('12345678'), padReference('555555')))).sw, 0x63c2);
    assert.equal((await send(card, 0x2c, 0x00, 0x80, concatBytes(padReference('87654321'), padReference('555555')))).sw, 0x9000);
    assert.equal((await send(card, 0x20, 0x00, 0x80)).sw, 0x63c3);
    assert.equal(await verifyPin(card, '555555'), 0x9000);
  });

  it('blocks the PUK after three wrong tries', async () => {
    const card = await poweredCard();
    const attempt = () => send(card, 0x2c, 0x00, 0x80, concatBytes(padReference('00000000'), padReference('555555')));
    assert.deepEqual([(await attempt()).sw, (await attempt()).sw, (await attempt()).sw, (await attempt()).sw], [0x63c2, 0x63c1, 0x63c0, 0x6983]);
  });

  it('checks lengths and references', async () => {
    const card = await poweredCard();
    assert.equal((await send(card, 0x24, 0x00, 0x80, padReference('123456'))).sw, 0x6a80);
    assert.equal((await send(card, 0x24, 0x00, 0x9b, concatBytes(padReference('123456'), padReference('654321')))).sw, 0x6a86);
    assert.equal((await send(card, 0x2c, 0x00, 0x81, concatBytes(padReference('12345678'), padReference('654321')))).sw, 0x6a86);
    assert.equal((await send(card, 0x24, 0x00, 0x80, empty)).sw, 0x6a80);
  });
});

describe('isWellFormedReference', () => {
  it('accepts 6–8 bytes then FF padding only', () => {
    assert.ok(isWellFormedReference(padReference('123456')));
    assert.ok(isWellFormedReference(padReference('12345678')));
    assert.ok(!isWellFormedReference(padReference('12345')));
    assert.ok(!isWellFormedReference(Uint8Array.of(0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0xff, 0x37)));
  });
});
