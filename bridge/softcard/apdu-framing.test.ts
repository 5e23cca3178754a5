import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApduFraming, type AssembledCommand, MAX_CHAINED_DATA } from './apdu-framing.js';
import { ok } from './status.js';
import { shortApdu, split } from './test-kit.js';

/** An executor that records the commands it got and answers `size` bytes. */
function recorder(size = 0) {
  const seen: AssembledCommand[] = [];
  const execute = (command: AssembledCommand) => {
    seen.push(command);
    return Promise.resolve(ok(Uint8Array.from({ length: size }, (_, i) => i & 0xff)));
  };
  return { seen, execute };
}

describe('ApduFraming', () => {
  it('joins a chain (CLA 10 … then 00) into one command and answers 9000 to each link', async () => {
    const framing = new ApduFraming();
    const { seen, execute } = recorder();
    const a = await framing.handle(shortApdu(0x10, 0xdb, 0x3f, 0xff, Uint8Array.of(1, 2)), execute);
    const b = await framing.handle(shortApdu(0x10, 0xdb, 0x3f, 0xff, Uint8Array.of(3)), execute);
    const c = await framing.handle(shortApdu(0x00, 0xdb, 0x3f, 0xff, Uint8Array.of(4, 5)), execute);
    assert.deepEqual([split(a.response).sw, split(b.response).sw, split(c.response).sw], [0x9000, 0x9000, 0x9000]);
    assert.equal(seen.length, 1);
    assert.deepEqual([...seen[0]!.data], [1, 2, 3, 4, 5]);
    assert.equal(seen[0]!.cla, 0x00);
  });

  it('answers 6883 when a chain is broken by another command, then works normally', async () => {
    const framing = new ApduFraming();
    const { seen, execute } = recorder();
    await framing.handle(shortApdu(0x10, 0xdb, 0x3f, 0xff, Uint8Array.of(1)), execute);
    const broken = await framing.handle(shortApdu(0x00, 0xcb, 0x3f, 0xff, Uint8Array.of(2)), execute);
    assert.equal(split(broken.response).sw, 0x6883);
    const after = await framing.handle(shortApdu(0x00, 0xcb, 0x3f, 0xff, Uint8Array.of(3)), execute);
    assert.equal(split(after.response).sw, 0x9000);
    assert.deepEqual(seen.map((c) => [...c.data]), [[3]]);
  });

  it('refuses a chain longer than the card can hold with 6A84', async () => {
    const framing = new ApduFraming();
    const { seen, execute } = recorder();
    let sw = 0;
    for (let sent = 0; sent <= MAX_CHAINED_DATA; sent += 255) sw = split((await framing.handle(shortApdu(0x10, 0xdb, 0x3f, 0xff, new Uint8Array(255)), execute)).response).sw;
    assert.equal(sw, 0x6a84);
    assert.equal(seen.length, 0);
  });

  it('returns long answers in Ne-sized parts with 61xx and GET RESPONSE, last part 9000', async () => {
    const framing = new ApduFraming();
    const { execute } = recorder(600);
    const first = split((await framing.handle(shortApdu(0x00, 0xcb, 0x3f, 0xff, Uint8Array.of(1), 0), execute)).response);
    assert.deepEqual([first.data.length, first.sw], [256, 0x6100]);
    const second = split((await framing.handle(shortApdu(0x00, 0xc0, 0x00, 0x00, undefined, 0x00), execute)).response);
    assert.deepEqual([second.data.length, second.sw], [256, 0x6158]);
    const third = split((await framing.handle(shortApdu(0x00, 0xc0, 0x00, 0x00, undefined, 0x58), execute)).response);
    assert.deepEqual([third.data.length, third.sw], [0x58, 0x9000]);
    assert.deepEqual([...first.data, ...second.data, ...third.data], Array.from({ length: 600 }, (_, i) => i & 0xff));
  });

  it('honours a small Le in GET RESPONSE and drops the pending answer on any other command', async () => {
    const framing = new ApduFraming();
    const { execute } = recorder(300);
    await framing.handle(shortApdu(0x00, 0xcb, 0x3f, 0xff, Uint8Array.of(1), 0), execute);
    const part = split((await framing.handle(shortApdu(0x00, 0xc0, 0x00, 0x00, undefined, 0x10), execute)).response);
    assert.deepEqual([part.data.length, part.sw], [16, 0x611c]);
    await framing.handle(shortApdu(0x00, 0xfd, 0x00, 0x00), recorder(3).execute);
    const gone = split((await framing.handle(shortApdu(0x00, 0xc0, 0x00, 0x00, undefined, 0x00), execute)).response);
    assert.equal(gone.sw, 0x6985);
  });

  it('never answers 6Cxx: a short Le (OpenSC probes objects with Le = 08) gets Ne bytes and 61xx', async () => {
    const framing = new ApduFraming();
    const probe = split((await framing.handle(shortApdu(0x00, 0xcb, 0x3f, 0xff, Uint8Array.of(1), 8), recorder(20).execute)).response);
    assert.deepEqual([probe.data.length, probe.sw], [8, 0x610c]);
    const rest = split((await framing.handle(shortApdu(0x00, 0xc0, 0x00, 0x00, undefined, 0x0c), recorder(0).execute)).response);
    assert.deepEqual([rest.data.length, rest.sw], [12, 0x9000]);
  });

  it('refuses GET RESPONSE with P1P2 other than 0000 and a class with SM or channel bits', async () => {
    const framing = new ApduFraming();
    const { execute } = recorder(300);
    await framing.handle(shortApdu(0x00, 0xcb, 0x3f, 0xff, Uint8Array.of(1), 0), execute);
    assert.equal(split((await framing.handle(shortApdu(0x00, 0xc0, 0x01, 0x00, undefined, 0), execute)).response).sw, 0x6a86);
    for (const cla of [0x01, 0x04, 0x08, 0x40, 0x80, 0xff]) {
      assert.equal(split((await framing.handle(shortApdu(cla, 0xfd, 0, 0), execute)).response).sw, 0x6e00, cla.toString(16));
    }
  });
});
