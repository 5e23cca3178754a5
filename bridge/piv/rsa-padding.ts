/**
 * Host-side RSA message encoding for cards that do raw RSA (PIV GENERAL AUTHENTICATE with RSA keys takes
 * the full modulus-sized block, SP 800-73-4 Part 2 §3.2.4): EMSA-PKCS1-v1_5 (RFC 8017 §9.2) and EMSA-PSS
 * (RFC 8017 §9.1.1) with MGF1. The caller hashes the message; these take the digest and its hash name.
 */
import { CardError, CardErrorCode } from '../../src/card-errors.js';
import { concatBytes, fromHex } from '../../src/bytes.js';

/** Hash functions the RSA encodings accept. */
export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

/** DigestInfo DER prefixes, RFC 8017 §9.2 Note 1, and digest lengths. */
const DIGEST_INFO: Record<HashName, { prefix: Uint8Array; length: number }> = {
  'SHA-1': { prefix: fromHex('3021300906052b0e03021a05000414'), length: 20 },
  'SHA-256': { prefix: fromHex('3031300d060960864801650304020105000420'), length: 32 },
  'SHA-384': { prefix: fromHex('3041300d060960864801650304020205000430'), length: 48 },
  'SHA-512': { prefix: fromHex('3051300d060960864801650304020305000440'), length: 64 },
};

function checkDigest(digest: Uint8Array, hash: HashName): void {
  const entry = DIGEST_INFO[hash] as { length: number } | undefined;
  if (entry === undefined) throw new CardError(CardErrorCode.ALGORITHM_UNSUPPORTED, `Unsupported hash ${String(hash)}`, { algorithm: String(hash) });
  if (digest.length !== entry.length) {
    throw new CardError(CardErrorCode.INVALID_ARGUMENT, `A ${hash} digest is ${entry.length} bytes, not ${digest.length}`);
  }
}

/** EMSA-PKCS1-v1_5 (RFC 8017 §9.2 steps 2–5): 00 01 FF…FF 00 ‖ DigestInfo, `length` bytes. */
export function pkcs1v15Encode(digest: Uint8Array, hash: HashName, length: number): Uint8Array {
  checkDigest(digest, hash);
  const t = concatBytes(DIGEST_INFO[hash].prefix, digest);
  if (length < t.length + 11) throw new CardError(CardErrorCode.INVALID_ARGUMENT, 'RSA modulus too short for the DigestInfo'); // step 3
  const em = new Uint8Array(length).fill(0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[length - t.length - 1] = 0x00;
  em.set(t, length - t.length);
  return em;
}

async function digest(hash: HashName, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(hash, new Uint8Array(data)));
}

/** MGF1 (RFC 8017 Appendix B.2.1). */
async function mgf1(hash: HashName, seed: Uint8Array, length: number): Promise<Uint8Array> {
  const blocks: Uint8Array[] = [];
  for (let counter = 0, total = 0; total < length; counter++) {
    const block = await digest(hash, concatBytes(seed, Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff)));
    blocks.push(block);
    total += block.length;
  }
  return concatBytes(...blocks).subarray(0, length);
}

/**
 * EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of an already computed digest mHash, for a modulus of `modulusBits`
 * bits (emBits = modBits − 1). Salt length defaults to the hash length; `salt` may be given for tests.
 */
export async function pssEncode(mHash: Uint8Array, hash: HashName, modulusBits: number, saltOrLength?: Uint8Array | number): Promise<Uint8Array> {
  checkDigest(mHash, hash);
  const hLen = mHash.length;
  const emBits = modulusBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const salt = saltOrLength instanceof Uint8Array ? saltOrLength : crypto.getRandomValues(new Uint8Array(saltOrLength ?? hLen));
  if (emLen < hLen + salt.length + 2) throw new CardError(CardErrorCode.INVALID_ARGUMENT, 'RSA modulus too short for PSS'); // step 3
  const h = await digest(hash, concatBytes(new Uint8Array(8), mHash, salt)); // steps 5–6: H = Hash(00×8 ‖ mHash ‖ salt)
  const db = new Uint8Array(emLen - hLen - 1); // steps 7–8: DB = PS ‖ 01 ‖ salt
  db[db.length - salt.length - 1] = 0x01;
  db.set(salt, db.length - salt.length);
  const mask = await mgf1(hash, h, db.length); // step 9
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!; // step 10
  db[0]! &= 0xff >>> (8 * emLen - emBits); // step 11: clear the leftmost 8·emLen − emBits bits
  const em = concatBytes(db, h, Uint8Array.of(0xbc)); // step 12
  // A modulus-sized block: left-pad with zero when emLen is one byte short of the modulus.
  const k = Math.ceil(modulusBits / 8);
  return em.length === k ? em : concatBytes(new Uint8Array(k - em.length), em);
}

