/**
 * Putting keys on the card: GENERATE ASYMMETRIC KEY PAIR (SP 800-73-4 Part 2 §3.3.2) and YubiKey IMPORT
 * ASYMMETRIC KEY (INS FE). Both need the management key; private keys are created or accepted here and
 * never leave the card again.
 */
import { Algorithm } from '../../src/piv/constants.js';
import { encodeTlv, findTlv, type Tlv } from '../../src/tlv.js';
import { type AppletContext, tryParseSingle, tryParseTlvs } from './applet-context.js';
import { PinPolicy, type PrivateKeyMaterial, type SlotKey, slotKey, TouchPolicy } from './card-state.js';
import { type ReceivedCommand } from './command-parser.js';
import { ecPublicKey, generateEcPrivateKey, isValidEcPrivateKey } from './crypto/ec.js';
import { generateRsaKey, rsaKeyFromCrt } from './crypto/rsa.js';
import { curveOf, defaultPinPolicy, isKeyAlgorithm, isKeySlot, publicKeyObjects } from './key-slots.js';
import { type CardResponse, ok, status, Sw } from './status.js';

const TAG_ALGORITHM = 0x80;
const TAG_PIN_POLICY = 0xaa;
const TAG_TOUCH_POLICY = 0xab;
const RSA_2048_BITS = 2048;

/** Reads the optional AA / AB policy bytes; `undefined` when present but malformed. */
function policies(tlvs: readonly Tlv[], slot: number): { pinPolicy: number; touchPolicy: number } | undefined {
  const pin = findTlv(tlvs, TAG_PIN_POLICY);
  const touch = findTlv(tlvs, TAG_TOUCH_POLICY);
  if ((pin !== undefined && (pin.length !== 1 || pin[0]! > 3)) || (touch !== undefined && (touch.length !== 1 || touch[0]! > 3))) return undefined;
  const pinPolicy = pin === undefined || pin[0] === PinPolicy.DEFAULT ? defaultPinPolicy(slot) : pin[0]!;
  const touchPolicy = touch === undefined || touch[0] === TouchPolicy.DEFAULT ? TouchPolicy.NEVER : touch[0]!;
  return { pinPolicy, touchPolicy };
}

async function store(ctx: AppletContext, slot: number, key: SlotKey): Promise<void> {
  await ctx.commit({ ...ctx.state, keys: { ...ctx.state.keys, [slotKey(slot)]: key } });
}

/** GENERATE ASYMMETRIC KEY PAIR (00 47 00 slot Lc AC{80 alg [AA pin] [AB touch]}) → 7F49{public key}. */
export async function handleGenerate(command: ReceivedCommand, ctx: AppletContext): Promise<CardResponse> {
  if (command.p1 !== 0x00 || !isKeySlot(command.p2)) return status(Sw.INCORRECT_P1P2);
  if (!ctx.security.managementAuthenticated) return status(Sw.SECURITY_STATUS_NOT_SATISFIED);
  const template = tryParseSingle(command.data, 0xac);
  const tlvs = template === undefined ? undefined : tryParseTlvs(template.value);
  const algorithm = tlvs === undefined ? undefined : findTlv(tlvs, TAG_ALGORITHM);
  if (tlvs === undefined || algorithm?.length !== 1 || !isKeyAlgorithm(algorithm[0]!)) return status(Sw.INCORRECT_DATA);
  const policy = policies(tlvs, command.p2);
  if (policy === undefined) return status(Sw.INCORRECT_DATA);
  const id = algorithm[0];
  let material: PrivateKeyMaterial;
  if (id === Algorithm.RSA_2048) {
    material = { type: 'rsa', ...(await generateRsaKey(RSA_2048_BITS)) };
  } else {
    const curve = curveOf(id);
    const d = generateEcPrivateKey(curve);
    material = { type: 'ec', d, publicPoint: ecPublicKey(curve, d) };
  }
  await store(ctx, command.p2, { algorithm: id, ...policy, origin: 'generated', material });
  return ok(encodeTlv(0x7f49, ...publicKeyObjects(material)));
}

/** Left-pads a big-endian integer to `length` bytes; `undefined` if longer. */
function leftPad(value: Uint8Array | undefined, length: number): Uint8Array | undefined {
  if (value === undefined || value.length > length) return undefined;
  const out = new Uint8Array(length);
  out.set(value, length - value.length);
  return out;
}

/**
 * YubiKey IMPORT ASYMMETRIC KEY (00 FE alg slot Lc …): EC as 06{private scalar}; RSA as 01 p, 02 q,
 * 03 dP, 04 dQ, 05 qInv (e = 65537); optional AA / AB policies.
 */
export async function handleImport(command: ReceivedCommand, ctx: AppletContext): Promise<CardResponse> {
  if (!isKeyAlgorithm(command.p1) || !isKeySlot(command.p2)) return status(Sw.INCORRECT_P1P2);
  if (!ctx.security.managementAuthenticated) return status(Sw.SECURITY_STATUS_NOT_SATISFIED);
  const tlvs = tryParseTlvs(command.data);
  if (tlvs === undefined) return status(Sw.INCORRECT_DATA);
  const policy = policies(tlvs, command.p2);
  if (policy === undefined) return status(Sw.INCORRECT_DATA);
  let material: PrivateKeyMaterial | undefined;
  if (command.p1 === Algorithm.RSA_2048) {
    const half = RSA_2048_BITS / 16;
    const [p, q, dp, dq, qinv] = [1, 2, 3, 4, 5].map((tag) => leftPad(findTlv(tlvs, tag), half));
    const key = p && q && dp && dq && qinv ? rsaKeyFromCrt(RSA_2048_BITS, { p, q, dp, dq, qinv }) : undefined;
    material = key === undefined ? undefined : { type: 'rsa', ...key };
  } else {
    const curve = curveOf(command.p1);
    const d = leftPad(findTlv(tlvs, 0x06), curve.size);
    material = d !== undefined && isValidEcPrivateKey(curve, d) ? { type: 'ec', d, publicPoint: ecPublicKey(curve, d) } : undefined;
  }
  if (material === undefined) return status(Sw.INCORRECT_DATA);
  await store(ctx, command.p2, { algorithm: command.p1, ...policy, origin: 'imported', material });
  return ok();
}
