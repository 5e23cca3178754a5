/**
 * The persistent state of the software PIV card: what a real card keeps in its non-volatile memory.
 * Immutable values: every command that changes something builds a new `CardState` and saves it through
 * the store before its response leaves the card.
 */
import { Algorithm, DEFAULT_MANAGEMENT_KEY, DEFAULT_PIN, DEFAULT_PUK } from '../../src/piv/constants.js';
import { utf8 } from '../../src/bytes.js';
import { randomBytes } from './crypto/bigint.js';
import { type RsaPrivateKey } from './crypto/rsa.js';

/**
 * PIN or PUK reference data (SP 800-73-4 Part 2 §2.4.3): stored as SHA-256(salt ‖ 8-byte padded value),
 * never the value itself, with its retry counter.
 */
export interface ReferenceData {
  readonly salt: Uint8Array;
  readonly hash: Uint8Array;
  /** Tries left before the reference is blocked. */
  readonly retriesLeft: number;
  /** Tries after a successful verification or reset. */
  readonly retriesMax: number;
  /** True while the value is the factory default (reported by GET METADATA). */
  readonly isDefault: boolean;
}

/** Management key algorithms (SP 800-78-4 Table 6-2; YubiKey AES keys). */
export type ManagementAlgorithm = typeof Algorithm.TDES | typeof Algorithm.AES_128 | typeof Algorithm.AES_192 | typeof Algorithm.AES_256;

/** The card management key (key reference 9B). */
export interface ManagementKey {
  readonly algorithm: ManagementAlgorithm;
  readonly key: Uint8Array;
  /** YubiKey touch policy of the management key (01 never, 02 always); stored and reported, never enforced. */
  readonly touchPolicy: number;
}

/** Asymmetric algorithms the card generates, imports and uses. */
export type KeyAlgorithm = typeof Algorithm.RSA_2048 | typeof Algorithm.ECC_P256 | typeof Algorithm.ECC_P384;

/** YubiKey PIN policy values (AA tag): 01 never, 02 once per session, 03 always (before each use). */
export const PinPolicy = { DEFAULT: 0x00, NEVER: 0x01, ONCE: 0x02, ALWAYS: 0x03 } as const;
/** YubiKey touch policy values (AB tag): 01 never, 02 always, 03 cached. */
export const TouchPolicy = { DEFAULT: 0x00, NEVER: 0x01, ALWAYS: 0x02, CACHED: 0x03 } as const;

/** The private key held in one slot (never leaves the card through any APDU). */
export type PrivateKeyMaterial =
  | { readonly type: 'ec'; readonly d: Uint8Array; readonly publicPoint: Uint8Array }
  | ({ readonly type: 'rsa' } & RsaPrivateKey);

/** A key slot's content. */
export interface SlotKey {
  readonly algorithm: KeyAlgorithm;
  /** Effective PIN policy (never DEFAULT: resolved at generation or import). */
  readonly pinPolicy: number;
  /** Effective touch policy (never DEFAULT). Touch is not modelled: a software card has no button. */
  readonly touchPolicy: number;
  readonly origin: 'generated' | 'imported';
  readonly material: PrivateKeyMaterial;
}

/** Everything the card remembers across power cycles. */
export interface CardState {
  /** YubiKey serial number (GET SERIAL). */
  readonly serial: number;
  readonly pin: ReferenceData;
  readonly puk: ReferenceData;
  readonly managementKey: ManagementKey;
  /** Keys by slot, the key being the slot's two-digit lower-case hex (e.g. `9a`). */
  readonly keys: Readonly<Record<string, SlotKey>>;
  /** Data objects by tag, the key being the tag's lower-case hex (e.g. `5fc105`); values are the contents of tag 53. */
  readonly objects: Readonly<Record<string, Uint8Array>>;
}

/** The 8-byte reference value: the PIN's bytes padded with FF (SP 800-73-4 Part 2 §2.4.3). */
export function padReference(value: string): Uint8Array {
  const bytes = utf8(value);
  const out = new Uint8Array(8).fill(0xff);
  out.set(bytes.subarray(0, 8));
  return out;
}

/** SHA-256(salt ‖ padded reference value). */
export async function referenceHash(salt: Uint8Array, padded: Uint8Array): Promise<Uint8Array> {
  const input = new Uint8Array(salt.length + padded.length);
  input.set(salt, 0);
  input.set(padded, salt.length);
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', input));
}

/** New reference data for a padded value, with a fresh salt and full retry counter. */
export async function makeReference(padded: Uint8Array, retriesMax: number, isDefault: boolean): Promise<ReferenceData> {
  const salt = randomBytes(16);
  return { salt, hash: await referenceHash(salt, padded), retriesLeft: retriesMax, retriesMax, isDefault };
}

/** Default retry counters of a fresh card (YubiKey: 3 PIN tries, 3 PUK tries). */
export const DEFAULT_RETRIES = 3;

/** A factory-fresh card: default PIN, PUK and 3DES management key, no keys, no objects. */
export async function factoryState(serial: number, pinRetries = DEFAULT_RETRIES, pukRetries = DEFAULT_RETRIES): Promise<CardState> {
  return {
    serial,
    pin: await makeReference(padReference(DEFAULT_PIN), pinRetries, true),
    puk: await makeReference(padReference(DEFAULT_PUK), pukRetries, true),
    managementKey: { algorithm: Algorithm.TDES, key: DEFAULT_MANAGEMENT_KEY.slice(), touchPolicy: TouchPolicy.NEVER },
    keys: {},
    objects: {},
  };
}

/** Two-digit hex key of a slot in `CardState.keys`. */
export function slotKey(slot: number): string {
  return slot.toString(16).padStart(2, '0');
}

/** Hex key of a data object tag in `CardState.objects`. */
export function objectKey(tag: Uint8Array): string {
  let s = '';
  for (const b of tag) s += b.toString(16).padStart(2, '0');
  return s;
}

/** A random serial in the range YubiKey 5 serials use (8 decimal digits). */
export function randomSerial(): number {
  const bytes = randomBytes(4);
  return 10_000_000 + (((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0) % 90_000_000;
}
