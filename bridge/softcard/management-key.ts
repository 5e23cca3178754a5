/**
 * Card management key (key reference 9B): GENERAL AUTHENTICATE challenge–response (SP 800-73-4 Part 2
 * §3.2.4, Appendix A.1/A.2 flows, with YubiKey's AES keys) and YubiKey SET MANAGEMENT KEY.
 *
 * Exchanges accepted, each inside the dynamic authentication template 7C:
 * - mutual: {80 empty} → {80 E(W)}; then {80 W, 81 C} → {82 E(C)} and the key is authenticated;
 * - external: {81 empty} → {81 C}; then {82 E(C)} → authenticated;
 * - internal (proves the card's key, authenticates nothing): {81 C, 82 empty} → {82 E(C)}.
 */
import { Algorithm, AuthTag, KeyRef } from '../../src/piv/constants.js';
import { blockSize, type BlockCipherName, encryptBlock } from '../../src/crypto/block-cipher.js';
import { encodeTlv, findTlv } from '../../src/tlv.js';
import { type AppletContext, secretEqual, tryParseSingle, tryParseTlvs } from './applet-context.js';
import { type ManagementAlgorithm, TouchPolicy } from './card-state.js';
import { type ReceivedCommand } from './command-parser.js';
import { randomBytes } from './crypto/bigint.js';
import { type CardResponse, ok, status, Sw } from './status.js';

/** Key length of each management key algorithm (SP 800-78-4 Table 6-2). */
export const MANAGEMENT_KEY_LENGTH: Readonly<Record<ManagementAlgorithm, number>> = {
  [Algorithm.TDES]: 24,
  [Algorithm.AES_128]: 16,
  [Algorithm.AES_192]: 24,
  [Algorithm.AES_256]: 32,
};

/** True for a management key algorithm identifier. */
export function isManagementAlgorithm(id: number): id is ManagementAlgorithm {
  return id === Algorithm.TDES || id === Algorithm.AES_128 || id === Algorithm.AES_192 || id === Algorithm.AES_256;
}

function cipherOf(algorithm: ManagementAlgorithm): BlockCipherName {
  return algorithm === Algorithm.TDES ? 'tdes' : 'aes';
}

/** GENERAL AUTHENTICATE with P2 = 9B. */
export function handleManagementAuthenticate(command: ReceivedCommand, ctx: AppletContext): CardResponse {
  const security = ctx.security;
  const exchange = security.managementExchange;
  security.managementExchange = undefined;
  if (!isManagementAlgorithm(command.p1)) return status(Sw.INCORRECT_P1P2);
  const key = ctx.state.managementKey;
  if (command.p1 !== key.algorithm) return status(Sw.INCORRECT_DATA);
  const template = tryParseSingle(command.data, AuthTag.TEMPLATE);
  const items = template === undefined ? undefined : tryParseTlvs(template.value);
  if (items === undefined) return status(Sw.INCORRECT_DATA);
  const witness = findTlv(items, AuthTag.WITNESS);
  const challenge = findTlv(items, AuthTag.CHALLENGE);
  const response = findTlv(items, AuthTag.RESPONSE);
  const cipher = cipherOf(key.algorithm);
  const size = blockSize(cipher);
  const encrypt = (block: Uint8Array) => encryptBlock(cipher, key.key, block);
  const template7c = (...inner: Uint8Array[]) => ok(encodeTlv(AuthTag.TEMPLATE, ...inner));

  // Mutual authentication, step 1: the card's witness, encrypted (SP 800-73-4 Part 2 Appendix A.2).
  if (witness !== undefined && witness.length === 0 && challenge === undefined && response === undefined) {
    const value = randomBytes(size);
    security.managementExchange = { kind: 'witness', value };
    security.managementAuthenticated = false;
    return template7c(encodeTlv(AuthTag.WITNESS, encrypt(value)));
  }
  // Mutual authentication, step 2: the decrypted witness proves the host; the card answers its challenge.
  if (witness !== undefined && witness.length > 0 && challenge !== undefined && response === undefined) {
    if (exchange?.kind !== 'witness' || witness.length !== size || !secretEqual(witness, exchange.value)) {
      security.managementAuthenticated = false;
      return status(Sw.SECURITY_STATUS_NOT_SATISFIED);
    }
    if (challenge.length !== size) return status(Sw.INCORRECT_DATA);
    security.managementAuthenticated = true;
    return template7c(encodeTlv(AuthTag.RESPONSE, encrypt(challenge)));
  }
  // External authentication, step 1: a clear challenge for the host to encrypt (Appendix A.1).
  if (challenge !== undefined && challenge.length === 0 && witness === undefined && response === undefined) {
    const value = randomBytes(size);
    security.managementExchange = { kind: 'challenge', value };
    security.managementAuthenticated = false;
    return template7c(encodeTlv(AuthTag.CHALLENGE, value));
  }
  // External authentication, step 2.
  if (response !== undefined && response.length > 0 && witness === undefined && challenge === undefined) {
    const authenticated = exchange?.kind === 'challenge' && response.length === size && secretEqual(response, encrypt(exchange.value));
    security.managementAuthenticated = authenticated;
    return authenticated ? ok() : status(Sw.SECURITY_STATUS_NOT_SATISFIED);
  }
  // Internal authentication: encrypt the host's challenge; authenticates nothing.
  if (challenge !== undefined && challenge.length > 0 && response !== undefined && response.length === 0 && witness === undefined) {
    if (challenge.length !== size) return status(Sw.INCORRECT_DATA);
    return template7c(encodeTlv(AuthTag.RESPONSE, encrypt(challenge)));
  }
  return status(Sw.INCORRECT_DATA);
}

/**
 * YubiKey SET MANAGEMENT KEY (00 FF FF FF|FE Lc alg ‖ 9B L key): needs the current management key.
 * P2 = FE asks for touch (stored and reported; a software card has no button).
 */
export async function handleSetManagementKey(command: ReceivedCommand, ctx: AppletContext): Promise<CardResponse> {
  if (command.p1 !== 0xff || (command.p2 !== 0xff && command.p2 !== 0xfe)) return status(Sw.INCORRECT_P1P2);
  if (!ctx.security.managementAuthenticated) return status(Sw.SECURITY_STATUS_NOT_SATISFIED);
  const algorithm = command.data[0];
  if (algorithm === undefined || !isManagementAlgorithm(algorithm)) return status(Sw.INCORRECT_DATA);
  const key = tryParseSingle(command.data.subarray(1), KeyRef.MANAGEMENT)?.value;
  if (key === undefined || key.length !== MANAGEMENT_KEY_LENGTH[algorithm]) return status(Sw.INCORRECT_DATA);
  const touchPolicy = command.p2 === 0xfe ? TouchPolicy.ALWAYS : TouchPolicy.NEVER;
  await ctx.commit({ ...ctx.state, managementKey: { algorithm, key: key.slice(), touchPolicy } });
  return ok();
}
