import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameDecoder } from './frame.js';
import { VpcdError } from './errors.js';

describe('vpcd framing', () => {
  it('prefixes a 2-byte big-endian length', () => {
    assert.deepEqual(encodeFrame(Uint8Array.of(0x90, 0x00)), Uint8Array.of(0x00, 0x02, 0x90, 0x00));
    const big = encodeFrame(new Uint8Array(0x1234));
    assert.deepEqual(big.subarray(0, 2), Uint8Array.of(0x12, 0x34));
    assert.equal(big.length, 0x1236);
  });

  it('refuses a payload the length prefix cannot describe', () => {
    assert.throws(() => encodeFrame(new Uint8Array(0x10000)), (e: unknown) => e instanceof VpcdError && e.code === 'VPCD_FRAME_TOO_LONG');
  });

  it('reassembles frames delivered one byte at a time', () => {
    const decoder = new FrameDecoder();
    const stream = Uint8Array.of(0x00, 0x01, 0x04, 0x00, 0x05, 0x00, 0xa4, 0x04, 0x00, 0x00);
    const got: Uint8Array[] = [];
    for (const byte of stream) got.push(...decoder.push(Uint8Array.of(byte)));
    assert.deepEqual(got, [Uint8Array.of(0x04), Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x00)]);
    assert.equal(decoder.pending, 0);
  });

  it('yields several frames from one chunk and keeps a partial tail for later', () => {
    const decoder = new FrameDecoder();
    const first = decoder.push(Uint8Array.of(0x00, 0x01, 0x01, 0x00, 0x01, 0x04, 0x00, 0x03, 0xaa));
    assert.deepEqual(first, [Uint8Array.of(0x01), Uint8Array.of(0x04)]);
    assert.equal(decoder.pending, 3);
    assert.deepEqual(decoder.push(Uint8Array.of(0xbb, 0xcc)), [Uint8Array.of(0xaa, 0xbb, 0xcc)]);
  });

  it('decodes what it encodes for random splits of random frames (seeded)', () => {
    let seed = 0x2545f491;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    for (let round = 0; round < 200; round++) {
      const payloads = Array.from({ length: 1 + Math.floor(next() * 5) }, () =>
        Uint8Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256)),
      );
      const stream = Uint8Array.from(payloads.flatMap((p) => [...encodeFrame(p)]));
      const decoder = new FrameDecoder();
      const got: Uint8Array[] = [];
      for (let offset = 0; offset < stream.length; ) {
        const size = 1 + Math.floor(next() * 40);
        got.push(...decoder.push(stream.subarray(offset, offset + size)));
        offset += size;
      }
      assert.deepEqual(got, payloads);
    }
  });
});
