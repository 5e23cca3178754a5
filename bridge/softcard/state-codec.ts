/**
 * The serialised form of `CardState`: versioned JSON, byte strings as lower-case hex. Decoding validates
 * every field, so a damaged store surfaces as `SOFTCARD_STATE_CORRUPT` instead of a card that misbehaves.
 */
import { fromHex, toHex } from '../../src/bytes.js';
import { Algorithm } from '../../src/piv/constants.js';
import { type CardState, type KeyAlgorithm, type ManagementAlgorithm, type PrivateKeyMaterial, type ReferenceData, type SlotKey } from './card-state.js';
import { SoftCardError, SoftCardErrorCode } from './errors.js';

/** Format version written into every saved state. */
export const STATE_FORMAT = 1;

const MANAGEMENT_ALGORITHMS: readonly number[] = [Algorithm.TDES, Algorithm.AES_128, Algorithm.AES_192, Algorithm.AES_256];
const KEY_ALGORITHMS: readonly number[] = [Algorithm.RSA_2048, Algorithm.ECC_P256, Algorithm.ECC_P384];

function corrupt(why: string): SoftCardError {
  return new SoftCardError(SoftCardErrorCode.STATE_CORRUPT, `Saved card state is corrupt: ${why}`);
}

type Json = Record<string, unknown>;

function record(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(`${what} is not an object`);
  return value as Json;
}

function bytes(value: unknown, what: string): Uint8Array {
  if (typeof value !== 'string') throw corrupt(`${what} is not a hex string`);
  try {
    return fromHex(value);
  } catch (error) {
    throw corrupt(`${what}: ${(error as Error).message}`);
  }
}

function int(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw corrupt(`${what} out of range`);
  return value;
}

function bool(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw corrupt(`${what} is not a boolean`);
  return value;
}

function encodeReference(ref: ReferenceData): Json {
  return { salt: toHex(ref.salt), hash: toHex(ref.hash), retriesLeft: ref.retriesLeft, retriesMax: ref.retriesMax, isDefault: ref.isDefault };
}

function decodeReference(value: unknown, what: string): ReferenceData {
  const r = record(value, what);
  const retriesMax = int(r.retriesMax, `${what}.retriesMax`, 1, 255);
  return {
    salt: bytes(r.salt, `${what}.salt`),
    hash: bytes(r.hash, `${what}.hash`),
    retriesLeft: int(r.retriesLeft, `${what}.retriesLeft`, 0, retriesMax),
    retriesMax,
    isDefault: bool(r.isDefault, `${what}.isDefault`),
  };
}

function encodeMaterial(material: PrivateKeyMaterial): Json {
  if (material.type === 'ec') return { type: 'ec', d: toHex(material.d), publicPoint: toHex(material.publicPoint) };
  const { n, e, p, q, dp, dq, qinv } = material;
  return { type: 'rsa', n: toHex(n), e: toHex(e), p: toHex(p), q: toHex(q), dp: toHex(dp), dq: toHex(dq), qinv: toHex(qinv) };
}

function decodeMaterial(value: unknown, what: string): PrivateKeyMaterial {
  const m = record(value, what);
  if (m.type === 'ec') return { type: 'ec', d: bytes(m.d, `${what}.d`), publicPoint: bytes(m.publicPoint, `${what}.publicPoint`) };
  if (m.type === 'rsa') {
    const part = (name: string) => bytes(m[name], `${what}.${name}`);
    return { type: 'rsa', n: part('n'), e: part('e'), p: part('p'), q: part('q'), dp: part('dp'), dq: part('dq'), qinv: part('qinv') };
  }
  throw corrupt(`${what}.type is unknown`);
}

/** Serialises a card state (contains private keys: the store must protect it). */
export function encodeCardState(state: CardState): string {
  const keys: Json = {};
  for (const [slot, key] of Object.entries(state.keys)) {
    keys[slot] = { algorithm: key.algorithm, pinPolicy: key.pinPolicy, touchPolicy: key.touchPolicy, origin: key.origin, material: encodeMaterial(key.material) };
  }
  const objects: Json = {};
  for (const [tag, value] of Object.entries(state.objects)) objects[tag] = toHex(value);
  return JSON.stringify({
    format: STATE_FORMAT,
    serial: state.serial,
    pin: encodeReference(state.pin),
    puk: encodeReference(state.puk),
    managementKey: { algorithm: state.managementKey.algorithm, key: toHex(state.managementKey.key), touchPolicy: state.managementKey.touchPolicy },
    keys,
    objects,
  });
}

/** Parses and validates a serialised card state; throws `SOFTCARD_STATE_CORRUPT` on anything unexpected. */
export function decodeCardState(text: string): CardState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(`not JSON (${(error as Error).message})`);
  }
  const root = record(parsed, 'state');
  if (root.format !== STATE_FORMAT) throw corrupt(`unsupported format ${String(root.format)}`);
  const mk = record(root.managementKey, 'managementKey');
  const mkAlgorithm = int(mk.algorithm, 'managementKey.algorithm', 0, 255);
  if (!MANAGEMENT_ALGORITHMS.includes(mkAlgorithm)) throw corrupt('managementKey.algorithm unknown');
  const keys: Record<string, SlotKey> = {};
  for (const [slot, value] of Object.entries(record(root.keys, 'keys'))) {
    if (!/^[0-9a-f]{2}$/.test(slot)) throw corrupt(`key slot ${slot}`);
    const k = record(value, `keys.${slot}`);
    const algorithm = int(k.algorithm, `keys.${slot}.algorithm`, 0, 255);
    if (!KEY_ALGORITHMS.includes(algorithm)) throw corrupt(`keys.${slot}.algorithm unknown`);
    if (k.origin !== 'generated' && k.origin !== 'imported') throw corrupt(`keys.${slot}.origin unknown`);
    keys[slot] = {
      algorithm: algorithm as KeyAlgorithm,
      pinPolicy: int(k.pinPolicy, `keys.${slot}.pinPolicy`, 1, 3),
      touchPolicy: int(k.touchPolicy, `keys.${slot}.touchPolicy`, 1, 3),
      origin: k.origin,
      material: decodeMaterial(k.material, `keys.${slot}.material`),
    };
  }
  const objects: Record<string, Uint8Array> = {};
  for (const [tag, value] of Object.entries(record(root.objects, 'objects'))) {
    if (!/^(?:[0-9a-f]{2}){1,3}$/.test(tag)) throw corrupt(`object tag ${tag}`);
    objects[tag] = bytes(value, `objects.${tag}`);
  }
  return {
    serial: int(root.serial, 'serial', 0, 0xffffffff),
    pin: decodeReference(root.pin, 'pin'),
    puk: decodeReference(root.puk, 'puk'),
    managementKey: {
      algorithm: mkAlgorithm as ManagementAlgorithm,
      key: bytes(mk.key, 'managementKey.key'),
      touchPolicy: int(mk.touchPolicy, 'managementKey.touchPolicy', 0, 3),
    },
    keys,
    objects,
  };
}
