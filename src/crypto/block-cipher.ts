/**
 * Single-block AES and Triple-DES, encrypt and decrypt, for the PIV management-key challenge–response
 * (SP 800-73-4 Part 2 §3.2.4; algorithms 03, 08, 0A, 0C of SP 800-78-4 Table 6-2). WebCrypto has neither
 * ECB nor 3DES, and this must run in the browser too, hence this small isomorphic module (AES in
 * ./aes.ts, DES/3DES in ./des.ts). Not constant
 * time: it protects a management key exchange of a few blocks, never bulk or attacker-timed data.
 */
import { aesDecryptBlock, aesEncryptBlock } from './aes.js';
import { tdesDecryptBlock, tdesEncryptBlock } from './des.js';

/** Block ciphers of PIV management keys. */
export type BlockCipherName = 'tdes' | 'aes';

/** Block size in bytes: 8 for 3DES, 16 for AES. */
export function blockSize(cipher: BlockCipherName): number {
  return cipher === 'tdes' ? 8 : 16;
}

/** Encrypts one block (ECB, no padding). Throws `RangeError` for a wrong key or block length. */
export function encryptBlock(cipher: BlockCipherName, key: Uint8Array, block: Uint8Array): Uint8Array {
  return cipher === 'tdes' ? tdesEncryptBlock(key, block) : aesEncryptBlock(key, block);
}

/** Decrypts one block (ECB, no padding). Throws `RangeError` for a wrong key or block length. */
export function decryptBlock(cipher: BlockCipherName, key: Uint8Array, block: Uint8Array): Uint8Array {
  return cipher === 'tdes' ? tdesDecryptBlock(key, block) : aesDecryptBlock(key, block);
}
