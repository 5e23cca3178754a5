import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readBodyWithin } from './http-body.js';

/** A response whose body is `chunks` × `size` bytes, streamed, counting how many chunks were pulled. */
function streamed(chunks: number, size: number, headers: Record<string, string> = {}): { response: Response; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === chunks) return controller.close();
      pulled++;
      controller.enqueue(new Uint8Array(size).fill(pulled));
    },
  });
  return { response: new Response(body, { headers }), pulled: () => pulled };
}

describe('readBodyWithin', () => {
  it('returns a body within the limit whole, in order', async () => {
    const { response } = streamed(3, 4);
    assert.deepEqual(await readBodyWithin(response, 12), Uint8Array.of(1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3));
  });

  it('stops reading an endless body as soon as it passes the limit', async () => {
    const { response, pulled } = streamed(1_000_000, 1024);
    assert.equal(await readBodyWithin(response, 4096), null);
    assert.ok(pulled() <= 6, `read ${pulled()} chunks of an endless body`);
  });

  it('refuses a declared length over the limit without reading', async () => {
    const { response, pulled } = streamed(10, 1024, { 'content-length': '10240' });
    assert.equal(await readBodyWithin(response, 1024), null);
    assert.equal(pulled(), 0);
  });
});
