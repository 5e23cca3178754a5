import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCommand } from './command-parser.js';

const h = [0x00, 0xcb, 0x3f, 0xff];

function command(bytes: number[]) {
  const result = parseCommand(Uint8Array.from(bytes));
  if ('sw' in result) throw new Error(`unexpected status ${result.sw.toString(16)}`);
  return result.command;
}

describe('parseCommand (ISO/IEC 7816-4 §5.1 cases)', () => {
  it('case 1: header only', () => {
    const c = command(h);
    assert.deepEqual([c.data.length, c.lePresent, c.extended], [0, false, false]);
  });

  it('case 2S: Le 00 means 256', () => {
    assert.equal(command([...h, 0x00]).ne, 256);
    assert.equal(command([...h, 0x10]).ne, 16);
  });

  it('case 3S and 4S', () => {
    const c3 = command([...h, 0x02, 0xaa, 0xbb]);
    assert.deepEqual([...c3.data], [0xaa, 0xbb]);
    assert.equal(c3.lePresent, false);
    assert.equal(c3.ne, 256, 'absent Le: the short maximum, as YubiKeys answer yubico-piv-tool');
    const c4 = command([...h, 0x01, 0xaa, 0x05]);
    assert.deepEqual([[...c4.data], c4.ne, c4.lePresent], [[0xaa], 5, true]);
  });

  it('case 2E: 00 Le1 Le2, 0000 means 65536', () => {
    assert.deepEqual([command([...h, 0x00, 0x01, 0x00]).ne, command([...h, 0x00, 0x00, 0x00]).ne], [256, 65536]);
    assert.equal(command([...h, 0x00, 0x00, 0x00]).extended, true);
  });

  it('case 3E and 4E', () => {
    const data = Array.from({ length: 300 }, (_, i) => i & 0xff);
    const c3 = command([...h, 0x00, 0x01, 0x2c, ...data]);
    assert.deepEqual([c3.data.length, c3.extended, c3.ne], [300, true, 65536]);
    const c4 = command([...h, 0x00, 0x01, 0x2c, ...data, 0x04, 0x00]);
    assert.deepEqual([c4.data.length, c4.ne], [300, 1024]);
  });

  it('malformed bodies give 6700', () => {
    for (const bytes of [[0x00], [...h, 0x03, 0x01], [...h, 0x01, 0x01, 0x02, 0x03], [...h, 0x00, 0x01], [...h, 0x00, 0x00, 0x00, 0x01], [...h, 0x00, 0x00, 0x02, 0x01]]) {
      assert.deepEqual(parseCommand(Uint8Array.from(bytes)), { sw: 0x6700 }, Buffer.from(bytes).toString('hex'));
    }
  });
});

/** Re-encodes a parsed command in the form it was parsed from (short or extended). */
function reencode(c: ReturnType<typeof command>): number[] {
  const out = [c.cla, c.ins, c.p1, c.p2];
  if (c.extended) {
    if (c.data.length > 0) out.push(0x00, c.data.length >>> 8, c.data.length & 0xff, ...c.data);
    if (c.lePresent) {
      if (c.data.length === 0) out.push(0x00);
      out.push((c.ne >>> 8) & 0xff, c.ne & 0xff);
    }
  } else {
    if (c.data.length > 0) out.push(c.data.length, ...c.data);
    if (c.lePresent) out.push(c.ne & 0xff);
  }
  return out;
}

describe('parseCommand fuzz', () => {
  it('10,000 mutated APDUs (seeded): each is either a command that re-encodes to the input, or 6700', () => {
    let seed = 0x9e3779b9;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    const seeds = [
      [0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08, 0x00],
      [0x00, 0xcb, 0x3f, 0xff, 0x00, 0x00, 0x05, 0x5c, 0x03, 0x5f, 0xc1, 0x05, 0x00, 0x00],
      [0x00, 0xfd, 0x00, 0x00, 0x00],
      [0x00, 0x20, 0x00, 0x80],
      [0x10, 0xdb, 0x3f, 0xff, 0x02, 0x5c, 0x01],
    ];
    let commands = 0;
    for (let i = 0; i < 10_000; i++) {
      const bytes = [...seeds[next() % seeds.length]!];
      for (let m = next() % 4; m >= 0; m--) {
        const op = next() % 3;
        const at = next() % (bytes.length + 1);
        if (op === 0 && bytes.length > 0) bytes[at % bytes.length] = next() & 0xff;
        else if (op === 1) bytes.splice(at, 0, next() & 0xff);
        else bytes.splice(at, 1);
      }
      const result = parseCommand(Uint8Array.from(bytes));
      if ('sw' in result) {
        assert.equal(result.sw, 0x6700);
      } else {
        commands++;
        assert.deepEqual(reencode(result.command), bytes);
        assert.ok(result.command.ne >= 1 && result.command.ne <= 65536);
      }
    }
    assert.ok(commands > 1000 && commands < 10_000, `both outcomes occur (${commands} commands)`);
  });
});
