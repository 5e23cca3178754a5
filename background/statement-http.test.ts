/**
 * The background's exchanges with a participating service for the statement page: what a service can send
 * back never costs the service worker more than a bounded amount of memory.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fetchStatement, MAX_ANSWER_BYTES, requestChallenge } from './statement-http.js';

const CHUNK = 64 * 1024;

/** A 200 answer whose body is `chunks` chunks of JSON whitespace, produced only as read; `pulled()` says how much was. */
function hugeAnswer(chunks: number): { response: Response; pulled: () => number } {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= chunks * CHUNK) return controller.close();
      pulled += CHUNK;
      controller.enqueue(new Uint8Array(CHUNK).fill(0x20));
    },
  });
  return { response: new Response(body, { status: 200, headers: { 'content-type': 'application/json' } }), pulled: () => pulled };
}

describe('statement exchanges: a service answering with an enormous body', () => {
  it('the statement region says the statement could not be read, and the body is not read past the limit', async () => {
    const { response, pulled } = hugeAnswer(1024); // 64 MiB
    const outcome = await fetchStatement(() => Promise.resolve(response), 'https://bank-a.example/api/statement', 'Bank A', new AbortController().signal);
    assert.equal(outcome.kind, 'failed');
    assert.ok(outcome.kind === 'failed' && outcome.code === 'STATEMENT_MALFORMED', JSON.stringify(outcome));
    assert.ok(pulled() <= MAX_ANSWER_BYTES + 2 * CHUNK, `read ${pulled()} bytes of a 64 MiB answer`);
  });

  it('an enormous challenge answer gives no challenge, after reading at most the limit', async () => {
    const { response, pulled } = hugeAnswer(1024);
    const outcome = await requestChallenge(() => Promise.resolve(response), 'https://bank-a.example/api/auth/challenge', 'Bank A', new AbortController().signal);
    assert.ok(outcome.kind === 'failed' && outcome.code === 'SERVICE_REFUSED', JSON.stringify(outcome));
    assert.ok(pulled() <= MAX_ANSWER_BYTES + 2 * CHUNK, `read ${pulled()} bytes`);
  });
});
