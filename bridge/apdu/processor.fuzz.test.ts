import assert from 'node:assert/strict';
import { it } from 'node:test';
import { concatBytes, fromHex } from '../../src/bytes.js';
import { KyotsuError } from '../../src/errors.js';
import { mutate, randomInt, seededRandom } from '../../src/fuzz.js';
import type { CardConnection } from '../transport/card-connection.js';
import { ApduProcessor } from './processor.js';
import { requireSuccess } from './status-words.js';

const d = (n: number): Uint8Array => new Uint8Array(n).fill(0x42);
/** Realistic card behaviours: the responses to one logical command, in order. */
const BEHAVIOURS: Uint8Array[][] = [
  [fromHex('9000')],
  [concatBytes(d(16), fromHex('9000'))],
  [concatBytes(d(256), fromHex('6110')), concatBytes(d(16), fromHex('9000'))],
  [fromHex('6100'), concatBytes(d(256), fromHex('6100')), concatBytes(d(256), fromHex('9000'))],
  [fromHex('6c05'), concatBytes(d(5), fromHex('9000'))],
  [concatBytes(d(3), fromHex('6105')), fromHex('6c03'), concatBytes(d(3), fromHex('9000'))],
  [fromHex('63c2')],
  [fromHex('6a82')],
];

/** A connection that answers with mutated responses of one behaviour, then keeps repeating the last. */
function fuzzedConnection(responses: Uint8Array[]): CardConnection & { calls: number } {
  const connection = {
    atr: fromHex('3b00'),
    calls: 0,
    transmit(): Promise<Uint8Array> {
      const response = responses[Math.min(connection.calls, responses.length - 1)]!;
      connection.calls++;
      return Promise.resolve(response);
    },
    close: () => Promise.resolve(),
  };
  return connection;
}

it('APDU pipeline: 10,000 mutated card behaviours end in a response or a typed error, never a crash or hang', async () => {
  const random = seededRandom(0xa9d0);
  const outcomes = { response: 0, success: 0, typed: 0 };
  for (let i = 0; i < 10_000; i++) {
    const behaviour = BEHAVIOURS[randomInt(random, BEHAVIOURS.length)]!.map((r) => (random() < 0.7 ? mutate(r, random) : r));
    const connection = fuzzedConnection(behaviour);
    const processor = new ApduProcessor(connection, { extendedLength: random() < 0.3 });
    const data = d(randomInt(random, 700));
    try {
      const response = await processor.transmit({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, data, ne: random() < 0.5 ? 256 : 65536 });
      outcomes.response++;
      assert.ok(response.sw >= 0 && response.sw <= 0xffff);
      requireSuccess(response, { command: 'FUZZ' });
      outcomes.success++;
    } catch (error) {
      assert.ok(error instanceof KyotsuError, `untyped error: ${String(error)}`);
      outcomes.typed++;
    }
    assert.ok(connection.calls <= 4100 + 3, 'bounded number of exchanges');
  }
  assert.ok(outcomes.success > 100 && outcomes.typed > 100, JSON.stringify(outcomes));
});
