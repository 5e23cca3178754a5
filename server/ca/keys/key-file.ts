/**
 * Private keys at rest: PKCS#8 DER sealed with AES-256-GCM under a key derived from the operator's
 * passphrase with scrypt (RFC 7914). The file is JSON so its parameters can be read and raised later.
 * The AAD binds each file to its role, so swapping `ca-key` and `ocsp-key` files fails to open.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { fromBase64, toBase64 } from '../../../src/bytes.js';
import { CaServerError, CaServerErrorCode } from '../errors.js';

/** The JSON content of a sealed key file. */
export interface SealedKeyFile {
  readonly format: 'kyotsu-sealed-key/1';
  /** Which key this is (`ca` or `ocsp`); also the AAD. */
  readonly role: string;
  readonly kdf: { readonly name: 'scrypt'; readonly N: number; readonly r: number; readonly p: number; readonly salt: string };
  readonly cipher: { readonly name: 'aes-256-gcm'; readonly iv: string; readonly tag: string };
  /** Base64 ciphertext of the PKCS#8 DER. */
  readonly ciphertext: string;
}

/** scrypt cost: N=2^16, r=8 (64 MiB, a few hundred ms) — the passphrase is tried once per start. */
const DEFAULT_KDF = { N: 1 << 16, r: 8, p: 1 } as const;

function deriveKey(passphrase: string, salt: Uint8Array, kdf: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 32, { ...kdf, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Seals a PKCS#8 private key under the passphrase. */
export async function sealPrivateKey(pkcs8: Uint8Array, passphrase: string, role: string): Promise<SealedKeyFile> {
  const salt = randomBytes(16);
  const iv = randomBytes(12); // NIST SP 800-38D §8.2: 96-bit IV, fresh per encryption
  const key = await deriveKey(passphrase, salt, DEFAULT_KDF);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`kyotsu-sealed-key/1:${role}`));
  const ciphertext = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  return {
    format: 'kyotsu-sealed-key/1',
    role,
    kdf: { name: 'scrypt', ...DEFAULT_KDF, salt: toBase64(salt) },
    cipher: { name: 'aes-256-gcm', iv: toBase64(iv), tag: toBase64(cipher.getAuthTag()) },
    ciphertext: toBase64(ciphertext),
  };
}

function corrupt(message: string): CaServerError {
  return new CaServerError(CaServerErrorCode.CA_KEYSTORE_CORRUPT, message);
}

/** Checks the shape of a parsed key file (it came from disk, so it is untrusted). */
export function asSealedKeyFile(value: unknown, role: string): SealedKeyFile {
  const file = value as Partial<SealedKeyFile> | null;
  if (
    !file ||
    file.format !== 'kyotsu-sealed-key/1' ||
    file.role !== role ||
    file.kdf?.name !== 'scrypt' ||
    file.cipher?.name !== 'aes-256-gcm' ||
    typeof file.ciphertext !== 'string'
  ) {
    throw corrupt(`sealed ${role} key file has an unexpected format`);
  }
  const { N, r, p } = file.kdf;
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0) || N > 1 << 20 || r > 32 || p > 16) {
    throw corrupt(`sealed ${role} key file has unacceptable scrypt parameters`);
  }
  return file as SealedKeyFile;
}

/** Opens a sealed key; a wrong passphrase (or a tampered file) throws `CA_PASSPHRASE_WRONG`. */
export async function openPrivateKey(file: SealedKeyFile, passphrase: string, role: string): Promise<Uint8Array> {
  let salt: Uint8Array, iv: Uint8Array, tag: Uint8Array, ciphertext: Uint8Array;
  try {
    salt = fromBase64(file.kdf.salt);
    iv = fromBase64(file.cipher.iv);
    tag = fromBase64(file.cipher.tag);
    ciphertext = fromBase64(file.ciphertext);
  } catch (error) {
    throw corrupt(`sealed ${role} key file is not base64: ${(error as Error).message}`);
  }
  if (iv.length !== 12 || tag.length !== 16) throw corrupt(`sealed ${role} key file has a bad IV or tag length`);
  const key = await deriveKey(passphrase, salt, file.kdf);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(`kyotsu-sealed-key/1:${role}`));
  decipher.setAuthTag(tag);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  } catch (error) {
    // GCM authentication failed: wrong passphrase or a modified file. The passphrase is not echoed.
    throw new CaServerError(CaServerErrorCode.CA_PASSPHRASE_WRONG, `the passphrase does not open the ${role} key (${(error as Error).message})`);
  }
}
