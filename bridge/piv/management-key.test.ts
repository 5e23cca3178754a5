import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex } from '../../src/bytes.js';
import { CardErrorCode, isCardError } from '../../src/card-errors.js';
import { type BlockCipherName, decryptBlock, encryptBlock } from '../../src/crypto/block-cipher.js';
import { Algorithm, DEFAULT_MANAGEMENT_KEY } from '../../src/piv/constants.js';
import { encodeTlv, findTlv, parseSingleTlv, parseTlvs } from '../../src/tlv.js';
import { authenticateManagementKey, type GeneralAuthenticate } from './management-key.js';

/** The card side of 9B authentication, straight from SP 800-73-4 Part 2 Appendix A.1, for one key. */
function fakeCard(cipher: BlockCipherName, key: Uint8Array, options: { lie?: boolean } = {}): { send: GeneralAuthenticate; authenticated: () => boolean } {
  const size = cipher === 'tdes' ? 8 : 16;
  let witness: Uint8Array | undefined;
  let challenge: Uint8Array | undefined;
  let ok = false;
  const send: GeneralAuthenticate = (data) => {
    const fields = parseTlvs(parseSingleTlv(data, 0x7c).value);
    const w = findTlv(fields, 0x80);
    const c = findTlv(fields, 0x81);
    const r = findTlv(fields, 0x82);
    if (w?.length === 0) {
      witness = crypto.getRandomValues(new Uint8Array(size));
      return Promise.resolve(encodeTlv(0x7c, encodeTlv(0x80, encryptBlock(cipher, key, witness))));
    }
    if (w && c && witness) {
      ok = w.every((b, i) => b === witness![i]);
      if (!ok) return Promise.reject(new Error('card: 6982'));
      const proof = options.lie ? new Uint8Array(size) : encryptBlock(cipher, key, c);
      return Promise.resolve(encodeTlv(0x7c, encodeTlv(0x82, proof)));
    }
    if (c?.length === 0) {
      challenge = crypto.getRandomValues(new Uint8Array(size));
      return Promise.resolve(encodeTlv(0x7c, encodeTlv(0x81, challenge)));
    }
    if (r && challenge) {
      ok = decryptBlock(cipher, key, r).every((b, i) => b === challenge![i]);
      return ok ? Promise.resolve(new Uint8Array(0)) : Promise.reject(new Error('card: 6982'));
    }
    return Promise.reject(new Error('card: 6a80'));
  };
  return { send, authenticated: () => ok };
}

const keys: [string, number, BlockCipherName, Uint8Array][] = [
  ['3DES', Algorithm.TDES, 'tdes', DEFAULT_MANAGEMENT_KEY],
  ['AES-128', Algorithm.AES_128, 'aes', fromHex('000102030405060708090a0b0c0d0e0f')],
  ['AES-192', Algorithm.AES_192, 'aes', DEFAULT_MANAGEMENT_KEY],
  ['AES-256', Algorithm.AES_256, 'aes', new Uint8Array(32).fill(0x5a)],
];

describe('management key authentication (SP 800-73-4 Part 2 Appendix A.1)', () => {
  for (const [name, algorithm, cipher, key] of keys) {
    for (const mode of ['mutual', 'single'] as const) {
      it(`${name} ${mode}: the card accepts the right key`, async () => {
        const card = fakeCard(cipher, key);
        await authenticateManagementKey(card.send, key, algorithm, mode);
        assert.ok(card.authenticated());
      });
    }
  }

  it('a wrong key is refused by the card', async () => {
    const card = fakeCard('tdes', DEFAULT_MANAGEMENT_KEY);
    await assert.rejects(authenticateManagementKey(card.send, new Uint8Array(24).fill(1), Algorithm.TDES, 'mutual'), /6982/);
    assert.equal(card.authenticated(), false);
  });

  it('a card that cannot prove the key fails mutual authentication with MANAGEMENT_KEY_AUTH_FAILED', async () => {
    const card = fakeCard('aes', new Uint8Array(16), { lie: true });
    await assert.rejects(authenticateManagementKey(card.send, new Uint8Array(16), Algorithm.AES_128, 'mutual'), (e) =>
      isCardError(e, CardErrorCode.MANAGEMENT_KEY_AUTH_FAILED),
    );
  });

  it('refuses a key of the wrong length and a non-management algorithm before sending anything', async () => {
    const send: GeneralAuthenticate = () => Promise.reject(new Error('must not be called'));
    await assert.rejects(authenticateManagementKey(send, new Uint8Array(16), Algorithm.TDES, 'mutual'), (e) => isCardError(e, CardErrorCode.INVALID_ARGUMENT));
    await assert.rejects(authenticateManagementKey(send, new Uint8Array(24), Algorithm.ECC_P256, 'mutual'), (e) =>
      isCardError(e, CardErrorCode.ALGORITHM_UNSUPPORTED),
    );
  });
});
