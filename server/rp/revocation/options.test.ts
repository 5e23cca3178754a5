import assert from 'node:assert/strict';
import { it } from 'node:test';
import { readLimited } from './options.js';

/** A response whose body streams `chunks` chunks of `size` bytes with no Content-Length; counts what was pulled. */
function streamed(chunks: number, size: number): { response: Response; pulled: () => number; cancelled: () => boolean } {
  let pulled = 0;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks * size) return controller.close();
      pulled += size;
      controller.enqueue(new Uint8Array(size).fill(7));
    },
    cancel() {
      cancelled = true;
    },
  });
  return { response: new Response(body), pulled: () => pulled, cancelled: () => cancelled };
}

it('reads a streamed body up to the limit exactly', async () => {
  const { response } = streamed(4, 256);
  const body = await readLimited(response, 1024);
  assert.equal(body.length, 1024);
  assert.ok(body.every((byte) => byte === 7));
});

it('stops reading a body without Content-Length as soon as it passes the limit', async () => {
  const { response, pulled, cancelled } = streamed(1000, 1024);
  await assert.rejects(readLimited(response, 4096), RangeError);
  assert.ok(pulled() <= 4096 + 2 * 1024, `pulled ${pulled()} bytes of a 1 MB body`);
  assert.equal(cancelled(), true, 'the rest of the body is cancelled');
});

it('refuses a declared Content-Length over the limit before reading', async () => {
  const { response: inner, pulled } = streamed(8, 1024);
  const response = new Response(inner.body, { headers: { 'content-length': String(8 * 1024) } });
  await assert.rejects(readLimited(response, 4096), /8192 bytes is larger than 4096/);
  assert.equal(pulled() <= 1024, true);
});

it('an empty body is empty', async () => {
  assert.equal((await readLimited(new Response(null))).length, 0);
});
