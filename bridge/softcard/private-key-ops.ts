/**
 * GENERAL AUTHENTICATE with an asymmetric key (SP 800-73-4 Part 2 §3.2.4, Appendix A.3/A.4):
 * 7C { 82 empty, 81 digest-or-block } → 7C { 82 signature } for signing (ECDSA over the host's digest,
 * DER Ecdsa-Sig-Value per SP 800-73-4 Part 2 Table 7; RSA the raw private operation on the host's padded
 * block, which is also RSA decipher), and 7C { 82 empty, 85 peer point } → 7C { 82 shared X } for ECDH
 * (SP 800-73-4 Part 2 Appendix A.5). The key's PIN policy is enforced here.
 */
import { AuthTag } from '../../src/piv/constants.js';
import { rawToDerEcdsa } from '../../src/crypto/ecdsa-signature.js';
import { encodeTlv, findTlv } from '../../src/tlv.js';
import { type AppletContext, tryParseSingle, tryParseTlvs } from './applet-context.js';
import { PinPolicy, slotKey, type SlotKey } from './card-state.js';
import { type ReceivedCommand } from './command-parser.js';
import { ecdhSharedSecret, ecdsaSignDigest } from './crypto/ec.js';
import { rsaPrivateOperation } from './crypto/rsa.js';
import { curveOf, isKeySlot, usableKey } from './key-slots.js';
import { type CardResponse, ok, status, Sw } from './status.js';

/** Longest digest accepted for ECDSA (SHA-512); longer ones are certainly not digests. */
const MAX_DIGEST_LENGTH = 64;

/** True when the session satisfies the key's PIN policy (SP 800-73-4 Part 1 Table 4b; YubiKey policies). */
function pinSatisfied(key: SlotKey, ctx: AppletContext): boolean {
  if (key.pinPolicy === PinPolicy.NEVER) return true;
  if (key.pinPolicy === PinPolicy.ALWAYS) return ctx.security.pinVerified && ctx.security.pinAlways;
  return ctx.security.pinVerified;
}

/** The private-key operation itself; `undefined` when the input is unacceptable (6A80). */
function compute(key: SlotKey, input: Uint8Array, exponentiation: boolean): Uint8Array | undefined {
  const material = key.material;
  if (material.type === 'ec') {
    const curve = curveOf(key.algorithm);
    if (exponentiation) return ecdhSharedSecret(curve, material.d, input);
    if (input.length === 0 || input.length > MAX_DIGEST_LENGTH) return undefined;
    return rawToDerEcdsa(ecdsaSignDigest(curve, material.d, input));
  }
  if (exponentiation) return undefined;
  return rsaPrivateOperation(material, input);
}

/** GENERAL AUTHENTICATE (00 87 alg slot Lc 7C{…}) with a key slot. */
export async function handlePrivateKeyOperation(command: ReceivedCommand, ctx: AppletContext): Promise<CardResponse> {
  if (!isKeySlot(command.p2)) return status(Sw.INCORRECT_P1P2);
  const key = usableKey(ctx.state.keys[slotKey(command.p2)]);
  // An empty slot, or an algorithm that is not the key's: 6A80 as on YubiKeys.
  if (key === undefined || key.algorithm !== command.p1) return status(Sw.INCORRECT_DATA);
  const template = tryParseSingle(command.data, AuthTag.TEMPLATE);
  const items = template === undefined ? undefined : tryParseTlvs(template.value);
  if (items === undefined) return status(Sw.INCORRECT_DATA);
  const response = findTlv(items, AuthTag.RESPONSE);
  const challenge = findTlv(items, AuthTag.CHALLENGE);
  const exponent = findTlv(items, AuthTag.EXPONENTIATION);
  const input = challenge ?? exponent;
  if (response === undefined || response.length !== 0 || input === undefined || (challenge !== undefined && exponent !== undefined)) {
    return status(Sw.INCORRECT_DATA);
  }
  if (!pinSatisfied(key, ctx)) return status(Sw.SECURITY_STATUS_NOT_SATISFIED);
  const output = compute(key, input, exponent !== undefined);
  if (output === undefined) return status(Sw.INCORRECT_DATA);
  // PIN Always: this verification is spent; the next use needs a new VERIFY.
  if (key.pinPolicy === PinPolicy.ALWAYS) ctx.security.pinAlways = false;
  await ctx.privateKeyDelay();
  return ok(encodeTlv(AuthTag.TEMPLATE, encodeTlv(AuthTag.RESPONSE, output)));
}
