import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '../bytes.js';
import { aesDecryptBlock, aesEncryptBlock } from './aes.js';
import { decryptBlock, encryptBlock } from './block-cipher.js';
import { desDecryptBlock, desEncryptBlock, tdesDecryptBlock, tdesEncryptBlock } from './des.js';

function nodeEcb(name: string, key: Uint8Array, block: Uint8Array, decrypt: boolean): string {
  const c = decrypt ? createDecipheriv(name, key, null) : createCipheriv(name, key, null);
  c.setAutoPadding(false);
  return toHex(new Uint8Array(Buffer.concat([c.update(block), c.final()])));
}

describe('AES (FIPS 197)', () => {
  // FIPS 197 Appendix C.1–C.3 example vectors.
  const plaintext = fromHex('00112233445566778899aabbccddeeff');
  const vectors: [string, string][] = [
    ['000102030405060708090a0b0c0d0e0f', '69c4e0d86a7b0430d8cdb78070b4c55a'],
    ['000102030405060708090a0b0c0d0e0f1011121314151617', 'dda97ca4864cdfe06eaf70a0ec0d7191'],
    ['000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', '8ea2b7ca516745bfeafc49904b496089'],
  ];
  for (const [key, ciphertext] of vectors) {
    it(`AES-${key.length * 4} matches FIPS 197 Appendix C both ways`, () => {
      assert.equal(toHex(aesEncryptBlock(fromHex(key), plaintext)), ciphertext);
      assert.equal(toHex(aesDecryptBlock(fromHex(key), fromHex(ciphertext))), toHex(plaintext));
    });
  }

  it('FIPS 197 Appendix B (cipher example) encrypts 3243f6a8… to 3925841d…', () => {
    const out = aesEncryptBlock(fromHex('2b7e151628aed2a6abf7158809cf4f3c'), fromHex('3243f6a8885a308d313198a2e0370734'));
    assert.equal(toHex(out), '3925841d02dc09fbdc118597196a0b32');
  });

  it('agrees with node:crypto on random keys and blocks', () => {
    for (const size of [16, 24, 32]) {
      for (let i = 0; i < 20; i++) {
        const key = new Uint8Array(randomBytes(size));
        const block = new Uint8Array(randomBytes(16));
        assert.equal(toHex(aesEncryptBlock(key, block)), nodeEcb(`aes-${size * 8}-ecb`, key, block, false));
        assert.equal(toHex(aesDecryptBlock(key, block)), nodeEcb(`aes-${size * 8}-ecb`, key, block, true));
      }
    }
  });

  it('refuses wrong key and block lengths', () => {
    assert.throws(() => aesEncryptBlock(new Uint8Array(15), new Uint8Array(16)), RangeError);
    assert.throws(() => aesEncryptBlock(new Uint8Array(16), new Uint8Array(8)), RangeError);
  });
});

describe('DES and TDEA (FIPS 46-3, SP 800-67)', () => {
  it('DES matches the classic published vectors', () => {
    assert.equal(toHex(desEncryptBlock(fromHex('133457799bbcdff1'), fromHex('0123456789abcdef'))), '85e813540f0ab405');
    // FIPS 81 / NBS example: "Now is t" under 0123456789abcdef.
    assert.equal(toHex(desEncryptBlock(fromHex('0123456789abcdef'), fromHex('4e6f772069732074'))), '3fa40e8a984d4815');
    assert.equal(toHex(desDecryptBlock(fromHex('0123456789abcdef'), fromHex('3fa40e8a984d4815'))), '4e6f772069732074');
  });

  it('TDEA matches the SP 800-67 Rev. 2 example (three-key, ECB)', () => {
    const key = fromHex('0123456789abcdef23456789abcdef01456789abcdef0123');
    const plain = ['5468652071756663', '6b2062726f776e20', '666f78206a756d70'];
    const cipher = ['a826fd8ce53b855f', 'cce21c8112256fe6', '68d5c05dd9b6b900'];
    plain.forEach((p, i) => {
      assert.equal(toHex(tdesEncryptBlock(key, fromHex(p))), cipher[i]);
      assert.equal(toHex(tdesDecryptBlock(key, fromHex(cipher[i]!))), p);
    });
  });

  it('agrees with node:crypto for 3-key and 2-key TDEA on random data', () => {
    for (const [size, name] of [[24, 'des-ede3-ecb'], [16, 'des-ede-ecb']] as const) {
      for (let i = 0; i < 10; i++) {
        const key = new Uint8Array(randomBytes(size));
        const block = new Uint8Array(randomBytes(8));
        assert.equal(toHex(tdesEncryptBlock(key, block)), nodeEcb(name, key, block, false));
        assert.equal(toHex(tdesDecryptBlock(key, block)), nodeEcb(name, key, block, true));
      }
    }
  });

  it('the default YubiKey management key decrypts what it encrypts through the generic API', () => {
    const key = fromHex('010203040506070801020304050607080102030405060708');
    const block = fromHex('0011223344556677');
    assert.equal(toHex(decryptBlock('tdes', key, encryptBlock('tdes', key, block))), toHex(block));
    assert.throws(() => encryptBlock('tdes', new Uint8Array(8), block), RangeError);
  });
});
