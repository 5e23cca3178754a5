/**
 * Asymmetric key slots of the card (SP 800-73-4 Part 1 Table 4b: 9A, 9C, 9D, 9E and the retired key
 * management keys 82–95), their default PIN policies, and public-key encodings.
 */
import { Algorithm, Slot } from '../../src/piv/constants.js';
import { encodeTlv } from '../../src/tlv.js';
import { type KeyAlgorithm, PinPolicy, type PrivateKeyMaterial, type SlotKey } from './card-state.js';
import { type Curve, P256, P384 } from './crypto/ec.js';

/** True for a key reference that can hold an asymmetric key. */
export function isKeySlot(slot: number): boolean {
  return slot === Slot.AUTHENTICATION || slot === Slot.SIGNATURE || slot === Slot.KEY_MANAGEMENT || slot === Slot.CARD_AUTHENTICATION || (slot >= 0x82 && slot <= 0x95);
}

/** True for an asymmetric algorithm this card supports. */
export function isKeyAlgorithm(id: number): id is KeyAlgorithm {
  return id === Algorithm.RSA_2048 || id === Algorithm.ECC_P256 || id === Algorithm.ECC_P384;
}

/** The curve of an EC algorithm identifier (P-384 for 14, else P-256). */
export function curveOf(algorithm: KeyAlgorithm): Curve {
  return algorithm === Algorithm.ECC_P384 ? P384 : P256;
}

/**
 * The PIN policy a slot gets when none is given (SP 800-73-4 Part 1 Table 4b access rules, as YubiKeys
 * apply them): 9C "PIN Always", 9E none, every other slot once per session.
 */
export function defaultPinPolicy(slot: number): number {
  if (slot === Slot.SIGNATURE) return PinPolicy.ALWAYS;
  if (slot === Slot.CARD_AUTHENTICATION) return PinPolicy.NEVER;
  return PinPolicy.ONCE;
}

/**
 * The public key's data objects (SP 800-73-4 Part 2 §3.3.2 Table 11): 81 modulus, 82 exponent for RSA;
 * 86 uncompressed point for EC. GENERATE wraps them in 7F49; GET METADATA in tag 04.
 */
export function publicKeyObjects(material: PrivateKeyMaterial): Uint8Array[] {
  if (material.type === 'ec') return [encodeTlv(0x86, material.publicPoint)];
  return [encodeTlv(0x81, material.n), encodeTlv(0x82, material.e)];
}

/** The slot's key, if its algorithm and the stored material agree (guards a hand-edited state file). */
export function usableKey(key: SlotKey | undefined): SlotKey | undefined {
  if (key === undefined) return undefined;
  const isEc = key.algorithm === Algorithm.ECC_P256 || key.algorithm === Algorithm.ECC_P384;
  return isEc === (key.material.type === 'ec') ? key : undefined;
}
