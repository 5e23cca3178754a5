import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { endianness } from 'node:os';
import { encodeNativeMessage, frameBytes, NativeMessageReader, type Frame } from './framing.js';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function bodies(frames: Frame[]): string[] {
  return frames.map((frame) => (frame.kind === 'message' ? text(frame.body) : `oversized ${frame.length}: ${text(frame.head)}`));
}

describe('native-messaging framing', () => {
  it('writes the length in native byte order before the UTF-8 JSON', () => {
    const framed = encodeNativeMessage({ type: 'hello', name: 'キョーツ' });
    const json = '{"type":"hello","name":"キョーツ"}';
    const length = new TextEncoder().encode(json).length;
    const view = new DataView(framed.buffer);
    assert.equal(view.getUint32(0, endianness() === 'LE'), length, 'bytes, not characters');
    assert.equal(text(framed.subarray(4)), json);
  });

  it('reads messages split at every possible byte boundary', () => {
    const stream = new Uint8Array([...encodeNativeMessage({ id: 1 }), ...encodeNativeMessage({ id: 2, s: 'x'.repeat(300) }), ...frameBytes(new Uint8Array(0))]);
    for (let cut = 1; cut < stream.length; cut++) {
      const reader = new NativeMessageReader(1024);
      const frames = [...reader.push(stream.subarray(0, cut)), ...reader.push(stream.subarray(cut))];
      assert.deepEqual(bodies(frames), ['{"id":1}', `{"id":2,"s":"${'x'.repeat(300)}"}`, ''], `cut at ${cut}`);
      assert.equal(reader.midMessage, false);
    }
  });

  it('skips an oversized message without buffering it, keeps its head, and reads the next one', () => {
    const reader = new NativeMessageReader(100);
    const big = encodeNativeMessage({ id: 7, type: 'transmit', apdu: 'A'.repeat(10_000) });
    const frames: Frame[] = [];
    for (let offset = 0; offset < big.length; offset += 333) frames.push(...reader.push(big.subarray(offset, offset + 333)));
    frames.push(...reader.push(encodeNativeMessage({ id: 8 })));
    assert.equal(frames.length, 2);
    const [oversized, next] = frames;
    assert.equal(oversized?.kind, 'oversized');
    if (oversized?.kind === 'oversized') {
      assert.equal(oversized.length, big.length - 4);
      assert.equal(text(oversized.head), '{"id":7,"type":"transmit","apdu":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    }
    assert.deepEqual(next?.kind === 'message' && text(next.body), '{"id":8}');
  });

  it('knows when input ended inside a message', () => {
    const reader = new NativeMessageReader(100);
    assert.deepEqual(reader.push(encodeNativeMessage({ id: 1 }).subarray(0, 6)), []);
    assert.equal(reader.midMessage, true);
  });
});
