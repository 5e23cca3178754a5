import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { factoryState } from './card-state.js';
import { SoftCardError, SoftCardErrorCode } from './errors.js';
import { FileCardStore } from './file-store.js';
import { encodeCardState } from './state-codec.js';
import { authenticate, poweredCard, send } from './test-kit.js';
import { encodeTlv } from '../../src/tlv.js';

function withDir(body: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kyotsu-filestore-'));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe('FileCardStore', () => {
  it(
    'loads nothing from a missing file, then round-trips a state, private to its owner, with no temp files left',
    withDir(async (dir) => {
      const store = new FileCardStore(join(dir, 'card.json'));
      assert.equal(await store.load(), undefined);
      const state = await factoryState(4242);
      await store.save(state);
      assert.equal(encodeCardState((await store.load())!), encodeCardState(state));
      assert.equal(statSync(join(dir, 'card.json')).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(dir), ['card.json']);
    }),
  );

  it(
    'keeps keys and certificates of a card across restarts',
    withDir(async (dir) => {
      const path = join(dir, 'card.json');
      const card = await poweredCard({ store: new FileCardStore(path) });
      await authenticate(card);
      const generated = await send(card, 0x47, 0x00, 0x9a, encodeTlv(0xac, encodeTlv(0x80, Uint8Array.of(0x11))));
      await send(card, 0xdb, 0x3f, 0xff, Uint8Array.from([...encodeTlv(0x5c, Uint8Array.of(0x5f, 0xc1, 0x05)), ...encodeTlv(0x53, Uint8Array.of(0x70, 0x01, 0x00))]));
      const again = await poweredCard({ store: new FileCardStore(path) });
      const meta = await send(again, 0xf7, 0x00, 0x9a);
      assert.equal(meta.sw, 0x9000);
      assert.ok(Buffer.from(meta.data).includes(Buffer.from(generated.data.subarray(5))), 'same public key');
      assert.equal((await send(again, 0xcb, 0x3f, 0xff, encodeTlv(0x5c, Uint8Array.of(0x5f, 0xc1, 0x05)))).sw, 0x9000);
    }),
  );

  it(
    'reports a damaged file as SOFTCARD_STATE_CORRUPT instead of starting a fresh card over it',
    withDir(async (dir) => {
      const path = join(dir, 'card.json');
      const store = new FileCardStore(path);
      await store.save(await factoryState(1));
      const text = readFileSync(path, 'utf8');
      for (const damaged of [text.slice(0, text.length / 2), text.replace('"format":1', '"format":9'), text.replace(/"retriesLeft":3/, '"retriesLeft":7')]) {
        writeFileSync(path, damaged);
        await assert.rejects(store.load(), (e) => e instanceof SoftCardError && e.code === SoftCardErrorCode.STATE_CORRUPT);
      }
    }),
  );

  it(
    'fails a save into a missing directory with SOFTCARD_STORE_FAILED, which the card answers as 6581',
    withDir(async (dir) => {
      const store = new FileCardStore(join(dir, 'card.json'));
      const reported: unknown[] = [];
      const card = await poweredCard({ store, onError: (error) => reported.push(error) });
      rmSync(dir, { recursive: true, force: true });
      await assert.rejects(store.save(await factoryState(1)), (e) => e instanceof SoftCardError && e.code === SoftCardErrorCode.STORE_FAILED);
      assert.equal((await send(card, 0x20, 0x00, 0x80, new Uint8Array(8).fill(0x30))).sw, 0x6581);
      assert.equal(reported.length, 1, 'the host is told why the card answered 6581');
      assert.ok(reported[0] instanceof SoftCardError && reported[0].code === SoftCardErrorCode.STORE_FAILED);
    }),
  );
});
