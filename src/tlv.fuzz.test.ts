import assert from 'node:assert/strict';
import { it } from 'node:test';
import { CardErrorCode } from './card-errors.js';
import { KyotsuError } from './errors.js';
import { mutate, seededRandom } from './fuzz.js';
import { encodeTlv, parseTlvs, type Tlv } from './tlv.js';

const SEEDS: Uint8Array[] = [
  encodeTlv(0x53, encodeTlv(0x70, new Uint8Array(300).fill(0x30)), encodeTlv(0x71, Uint8Array.of(0)), encodeTlv(0xfe)),
  encodeTlv(0x7c, encodeTlv(0x82), encodeTlv(0x81, new Uint8Array(32).fill(0xaa))),
  encodeTlv(0x7f49, encodeTlv(0x86, new Uint8Array(65).fill(4))),
  encodeTlv(0x61, encodeTlv(0x4f, Uint8Array.of(0, 0, 0x10, 0, 1, 0)), encodeTlv(0x79, encodeTlv(0x4f, Uint8Array.of(0xa0, 0, 0, 3, 8)))),
  Uint8Array.of(...encodeTlv(0x5c, Uint8Array.of(0x5f, 0xc1, 0x05)), ...encodeTlv(0x5fc105, new Uint8Array(0x10000))),
];

/** Parses recursively into every constructed object, like a consumer walking a response would. */
function walk(tlvs: Tlv[], depth = 0): number {
  let count = tlvs.length;
  for (const tlv of tlvs) if (tlv.constructed && depth < 8) count += walk(parseTlvs(tlv.value), depth + 1);
  return count;
}

it('BER-TLV parser: 12,000 mutated inputs end in success or TLV_MALFORMED, never a crash', () => {
  const random = seededRandom(0x7e1);
  let ok = 0;
  let refused = 0;
  for (let i = 0; i < 12_000; i++) {
    const input = mutate(SEEDS[i % SEEDS.length]!, random);
    try {
      const tlvs = parseTlvs(input);
      walk(tlvs);
      // Every parsed value lies inside the input.
      for (const t of tlvs) assert.ok(t.value.byteOffset + t.value.length <= input.byteOffset + input.length);
      ok++;
    } catch (error) {
      assert.ok(error instanceof KyotsuError, `non-typed error for ${Buffer.from(input).toString('hex').slice(0, 80)}: ${String(error)}`);
      assert.equal(error.code, CardErrorCode.TLV_MALFORMED);
      refused++;
    }
  }
  // The mutator must exercise both outcomes, or the test proves nothing.
  assert.ok(ok > 500 && refused > 500, `ok ${ok}, refused ${refused}`);
});
