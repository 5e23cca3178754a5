/**
 * Card management key (9B) authentication, SP 800-73-4 Part 2 §3.2.4 and Appendix A.1/A.2 (challenge–response
 * with the dynamic authentication template), as YubiKeys and yubico-piv-tool do it: 3DES (03) or
 * AES-128/192/256 (08/0A/0C), mutual (the card proves it knows the key too) or single (host only).
 */
import { CardError, CardErrorCode } from '../../src/card-errors.js';
import { bytesEqual } from '../../src/bytes.js';
import { type BlockCipherName, blockSize, decryptBlock, encryptBlock } from '../../src/crypto/block-cipher.js';
import { Algorithm, AuthTag } from '../../src/piv/constants.js';
import { encodeTlv, findTlv, parseSingleTlv, parseTlvs } from '../../src/tlv.js';

/** Management key algorithms with their key lengths in bytes (SP 800-78-4 Table 6-2). */
export const MANAGEMENT_KEY_ALGORITHMS: Readonly<Record<number, { cipher: BlockCipherName; keyLength: number }>> = {
  [Algorithm.TDES]: { cipher: 'tdes', keyLength: 24 },
  [Algorithm.AES_128]: { cipher: 'aes', keyLength: 16 },
  [Algorithm.AES_192]: { cipher: 'aes', keyLength: 24 },
  [Algorithm.AES_256]: { cipher: 'aes', keyLength: 32 },
};

/** Mutual (witness + challenge, default) or single (card challenge only) authentication. */
export type ManagementAuthMode = 'mutual' | 'single';

/** Sends one GENERAL AUTHENTICATE (P1 = algorithm, P2 = 9B) with `data` and returns the response data (9000 only). */
export type GeneralAuthenticate = (data: Uint8Array) => Promise<Uint8Array>;

function unpack(response: Uint8Array, tag: number, size: number): Uint8Array {
  const value = findTlv(parseTlvs(parseSingleTlv(response, AuthTag.TEMPLATE).value), tag);
  if (value === undefined || value.length !== size) {
    throw new CardError(CardErrorCode.RESPONSE_INVALID, `Management key response lacks a ${size}-byte tag ${tag.toString(16)}`);
  }
  return value;
}

/** Runs the challenge–response over `send`. Throws `MANAGEMENT_KEY_AUTH_FAILED` when the card's proof is wrong. */
export async function authenticateManagementKey(send: GeneralAuthenticate, key: Uint8Array, algorithm: number, mode: ManagementAuthMode): Promise<void> {
  const spec = MANAGEMENT_KEY_ALGORITHMS[algorithm];
  if (spec === undefined) {
    throw new CardError(CardErrorCode.ALGORITHM_UNSUPPORTED, `Algorithm ${algorithm} is not a management key algorithm`, { algorithm });
  }
  if (key.length !== spec.keyLength) {
    throw new CardError(CardErrorCode.INVALID_ARGUMENT, `Management key for algorithm ${algorithm} must be ${spec.keyLength} bytes`);
  }
  const size = blockSize(spec.cipher);
  const template = (...parts: Uint8Array[]): Uint8Array => encodeTlv(AuthTag.TEMPLATE, ...parts);
  if (mode === 'single') {
    // SP 800-73-4 Part 2 Appendix A.1 (challenge–response, card challenges host): 7C{81 00} → 7C{81 c}; 7C{82 E(c)}.
    const challenge = unpack(await send(template(encodeTlv(AuthTag.CHALLENGE))), AuthTag.CHALLENGE, size);
    await send(template(encodeTlv(AuthTag.RESPONSE, encryptBlock(spec.cipher, key, challenge))));
    return;
  }
  // Mutual: 7C{80 00} → 7C{80 E(w)}; 7C{80 w, 81 c} → 7C{82 E(c)} (SP 800-73-4 Part 2 Appendix A.2, YubiKey).
  const witness = unpack(await send(template(encodeTlv(AuthTag.WITNESS))), AuthTag.WITNESS, size);
  const challenge = crypto.getRandomValues(new Uint8Array(size));
  const response = await send(
    template(encodeTlv(AuthTag.WITNESS, decryptBlock(spec.cipher, key, witness)), encodeTlv(AuthTag.CHALLENGE, challenge)),
  );
  const proof = unpack(response, AuthTag.RESPONSE, size);
  if (!bytesEqual(proof, encryptBlock(spec.cipher, key, challenge))) {
    throw new CardError(CardErrorCode.MANAGEMENT_KEY_AUTH_FAILED, 'The card did not prove knowledge of the management key');
  }
}
