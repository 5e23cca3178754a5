import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { concatBytes, fromHex } from '../../src/bytes.js';
import { CardErrorCode } from '../../src/card-errors.js';
import { rawToDerEcdsa } from '../../src/crypto/ecdsa-signature.js';
import { KyotsuError } from '../../src/errors.js';
import { mutate, seededRandom } from '../../src/fuzz.js';
import { Algorithm, Slot } from '../../src/piv/constants.js';
import { encodeTlv } from '../../src/tlv.js';
import type { CardConnection } from '../transport/card-connection.js';
import { parseApplicationTemplate } from './application.js';
import { unwrapCertificateContainer, wrapCertificateContainer } from './certificate-container.js';
import { publicKeyFromTemplate } from './public-key.js';
import { PivSession } from './session.js';
import { signatureFromResponse } from './signature.js';

const certificate = encodeTlv(0x30, encodeTlv(0x30, new Uint8Array(600).fill(0x11)), encodeTlv(0x03, new Uint8Array(72)));
const container = wrapCertificateContainer(certificate);
const signature = encodeTlv(0x7c, encodeTlv(0x82, rawToDerEcdsa(new Uint8Array(64).fill(0x7f))));
const apt = fromHex('61114f0600001000010079074f05a000000308');
const point = fromHex(
  '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
);

/** Runs `parse` on `count` mutations of `seed`; only typed errors (of the allowed codes) may come out. */
function fuzz(name: string, seed: Uint8Array, count: number, parse: (input: Uint8Array) => unknown, codes: readonly string[]): void {
  it(`${name}: ${count} mutated inputs give success or ${codes.join('/')}`, () => {
    const random = seededRandom(name.length * 7919);
    const seen = { ok: 0, refused: 0 };
    for (let i = 0; i < count; i++) {
      const input = mutate(seed, random);
      try {
        parse(input);
        seen.ok++;
      } catch (error) {
        assert.ok(error instanceof KyotsuError, `untyped error from ${name}: ${String(error)}`);
        assert.ok(codes.includes(error.code), `unexpected code ${error.code}`);
        seen.refused++;
      }
    }
    assert.ok(seen.ok > 0 && seen.refused > count / 10, JSON.stringify(seen));
  });
}

describe('PIV response parsers under mutation', () => {
  fuzz('certificate container', container, 10_000, unwrapCertificateContainer, [
    CardErrorCode.CERTIFICATE_CONTAINER_MALFORMED,
    CardErrorCode.CERTIFICATE_COMPRESSED,
  ]);
  fuzz('application template', apt, 10_000, parseApplicationTemplate, [CardErrorCode.TLV_MALFORMED]);
  fuzz('signature template', signature, 10_000, signatureFromResponse, [CardErrorCode.TLV_MALFORMED, CardErrorCode.RESPONSE_INVALID]);

  it('public key template: 2,000 mutated 7F49 objects give an SPKI or a typed error', async () => {
    const random = seededRandom(0x7f49);
    const seed = encodeTlv(0x7f49, encodeTlv(0x86, point));
    for (let i = 0; i < 2_000; i++) {
      try {
        await publicKeyFromTemplate(mutate(seed, random), Algorithm.ECC_P256);
      } catch (error) {
        assert.ok(error instanceof KyotsuError, `untyped error: ${String(error)}`);
        assert.ok(error.code === CardErrorCode.TLV_MALFORMED || error.code === CardErrorCode.RESPONSE_INVALID, error.code);
      }
    }
  });

  it('whole session: 2,000 cards answering with mutated responses never make the session throw untyped errors', async () => {
    const random = seededRandom(0x5e55);
    const ok = concatBytes(apt, fromHex('9000'));
    for (let i = 0; i < 2_000; i++) {
      const answers = [ok, concatBytes(container, fromHex('9000')), concatBytes(signature, fromHex('9000'))].map((r) => (random() < 0.5 ? mutate(r, random) : r));
      let n = 0;
      const connection: CardConnection = {
        atr: fromHex('3b00'),
        transmit: () => Promise.resolve(answers[Math.min(n++, answers.length - 1)]!),
        close: () => Promise.resolve(),
      };
      try {
        const session = await PivSession.open(connection);
        await session.readCertificate(Slot.AUTHENTICATION);
        await session.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, new Uint8Array(32));
      } catch (error) {
        assert.ok(error instanceof KyotsuError, `untyped error: ${String(error)}`);
      }
    }
  });
});
