import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toHex } from '../../src/bytes.js';
import { CardErrorCode, isCardError } from '../../src/card-errors.js';
import type { CardConnection } from '../transport/card-connection.js';
import { ApduProcessor } from './processor.js';
import { ScriptedConnection } from './scripted-connection.js';

const ab = (n: number): string => 'ab'.repeat(n);
const cd = (n: number): string => 'cd'.repeat(n);

describe('ApduProcessor', () => {
  it('sends a plain command and returns data and status word untouched', async () => {
    const conn = new ScriptedConnection([['00cb3fff03 5c017e 00', '7e0112 6a82']]);
    const r = await new ApduProcessor(conn).transmit({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, data: Uint8Array.of(0x5c, 1, 0x7e), ne: 256 });
    assert.deepEqual([toHex(r.data), r.sw], ['7e0112', 0x6a82]);
    assert.ok(conn.done);
  });

  it('chains 600 bytes of data as 255 + 255 + 90 with CLA 10 on all but the last (§5.1.1.1)', async () => {
    const conn = new ScriptedConnection([
      [`10db3fff ff ${ab(255)}`, '9000'],
      [`10db3fff ff ${ab(255)}`, '9000'],
      [`00db3fff 5a ${ab(90)}`, '9000'],
    ]);
    const processor = new ApduProcessor(conn);
    const r = await processor.transmit({ cla: 0, ins: 0xdb, p1: 0x3f, p2: 0xff, data: new Uint8Array(600).fill(0xab) });
    assert.equal(r.sw, 0x9000);
    assert.equal(processor.exchanges, 3);
    assert.ok(conn.done);
  });

  it('stops a chain at the first link the card refuses and returns that status', async () => {
    const conn = new ScriptedConnection([[`10db3fff ff ${ab(255)}`, '6a84']]);
    const r = await new ApduProcessor(conn).transmit({ cla: 0, ins: 0xdb, p1: 0x3f, p2: 0xff, data: new Uint8Array(300).fill(0xab) });
    assert.equal(r.sw, 0x6a84);
    assert.ok(conn.done);
  });

  it('uses one extended APDU instead of chaining when the card supports extended length', async () => {
    const conn = new ScriptedConnection([[`00db3fff 000258 ${ab(600)}`, '9000']]);
    const r = await new ApduProcessor(conn, { extendedLength: true }).transmit({ cla: 0, ins: 0xdb, p1: 0x3f, p2: 0xff, data: new Uint8Array(600).fill(0xab) });
    assert.equal(r.sw, 0x9000);
  });

  it('collects a 600-byte response over several 61xx rounds, 6100 meaning 256 more', async () => {
    const conn = new ScriptedConnection([
      ['00cb3fff 05 5c035fc105 00', `${cd(100)} 6100`],
      ['00c0000000', `${cd(256)} 61f4`],
      ['00c00000f4', `${cd(244)} 9000`],
    ]);
    const r = await new ApduProcessor(conn).transmit({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, data: Uint8Array.of(0x5c, 3, 0x5f, 0xc1, 5), ne: 65536 });
    assert.equal(r.sw, 0x9000);
    assert.equal(toHex(r.data), cd(600));
    assert.ok(conn.done);
  });

  it('keeps the final non-9000 status after GET RESPONSE', async () => {
    const conn = new ScriptedConnection([['00870000', '6102'], ['00c0000002', '0102 6f00']]);
    const r = await new ApduProcessor(conn).transmit({ cla: 0, ins: 0x87, p1: 0, p2: 0 });
    assert.deepEqual([toHex(r.data), r.sw], ['0102', 0x6f00]);
  });

  it('re-issues the command with the exact Le on 6Cxx (6C00 = 256)', async () => {
    const conn = new ScriptedConnection([
      ['00fd000001', '6c03'],
      ['00fd000003', '050706 9000'],
    ]);
    const r = await new ApduProcessor(conn).transmit({ cla: 0, ins: 0xfd, p1: 0, p2: 0, ne: 1 });
    assert.deepEqual([toHex(r.data), r.sw], ['050706', 0x9000]);
    const conn2 = new ScriptedConnection([['00fd000001', '6c00'], ['00fd000000', `${cd(256)} 9000`]]);
    assert.equal((await new ApduProcessor(conn2).transmit({ cla: 0, ins: 0xfd, p1: 0, p2: 0, ne: 1 })).data.length, 256);
  });

  it('never re-sends a command that asked for no data (VERIFY with the PIN) on a 6Cxx answer', async () => {
    const conn = new ScriptedConnection([['002000800831323334353637ff', '6c08']]);
    const r = await new ApduProcessor(conn).transmit({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, data: Uint8Array.from([0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0xff]) });
    assert.equal(r.sw, 0x6c08);
  });

  it('re-issues only once: a card that insists on 6Cxx gets its status back', async () => {
    const conn = new ScriptedConnection([['00fd000001', '6c03'], ['00fd000003', '6c04']]);
    const r = await new ApduProcessor(conn).transmit({ cla: 0, ins: 0xfd, p1: 0, p2: 0, ne: 1 });
    assert.equal(r.sw, 0x6c04);
  });

  it('a card answering 6100 forever ends in APDU_MALFORMED, not a hang', async () => {
    let calls = 0;
    const endless: CardConnection = {
      atr: new Uint8Array(0),
      transmit: () => Promise.resolve(Uint8Array.of((calls++, 0x61), 0x00)),
      close: () => Promise.resolve(),
    };
    await assert.rejects(new ApduProcessor(endless).transmit({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, ne: 256 }), (e) =>
      isCardError(e, CardErrorCode.APDU_MALFORMED),
    );
    assert.ok(calls < 5000);
  });

  it('a truncated response (one byte) is APDU_MALFORMED', async () => {
    const conn = new ScriptedConnection([['00a4040000', '90']]);
    await assert.rejects(new ApduProcessor(conn).transmit({ cla: 0, ins: 0xa4, p1: 4, p2: 0, ne: 256 }), (e) =>
      isCardError(e, CardErrorCode.APDU_MALFORMED),
    );
  });
});
