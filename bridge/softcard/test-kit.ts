/**
 * Helpers for the software card's own tests: a minimal host that builds short APDUs, chains long data
 * (ISO/IEC 7816-4 §5.1.1.1) and follows 61xx with GET RESPONSE. Deliberately independent of bridge/apdu
 * so the card is tested against an implementation other than the one it will serve.
 */
import { Algorithm, DEFAULT_MANAGEMENT_KEY, DEFAULT_PIN } from '../../src/piv/constants.js';
import { blockSize, decryptBlock, encryptBlock } from '../../src/crypto/block-cipher.js';
import { encodeTlv, parseSingleTlv, parseTlvs, findTlv } from '../../src/tlv.js';
import { padReference } from './card-state.js';
import { randomBytes } from './crypto/bigint.js';
import { SoftPivCard, type SoftPivCardOptions } from './soft-piv-card.js';

/** A response split into data and status word. */
export interface Reply {
  readonly data: Uint8Array;
  readonly sw: number;
}

/** Splits a response APDU. */
export function split(response: Uint8Array): Reply {
  return { data: response.subarray(0, response.length - 2), sw: (response[response.length - 2]! << 8) | response[response.length - 1]! };
}

/** A short command APDU (case 1–4S); `le` 0..255 with 0 meaning 256. */
export function shortApdu(cla: number, ins: number, p1: number, p2: number, data?: Uint8Array, le?: number): Uint8Array {
  const bytes = [cla, ins, p1, p2];
  if (data !== undefined && data.length > 0) bytes.push(data.length, ...data);
  if (le !== undefined) bytes.push(le);
  return Uint8Array.from(bytes);
}

/** A powered factory-fresh (or store-loaded) card. */
export async function poweredCard(options: SoftPivCardOptions = {}): Promise<SoftPivCard> {
  const card = await SoftPivCard.create(options);
  await card.powerOn();
  return card;
}

/** Sends a command with short APDUs: chains data over 255 bytes, collects 61xx with GET RESPONSE. */
export async function send(card: SoftPivCard, ins: number, p1: number, p2: number, data: Uint8Array = new Uint8Array(0)): Promise<Reply> {
  let offset = 0;
  let reply: Reply;
  do {
    const part = data.subarray(offset, offset + 255);
    offset += part.length;
    const last = offset >= data.length;
    reply = split(await card.process(shortApdu(last ? 0x00 : 0x10, ins, p1, p2, part, 0)));
    if (!last && reply.sw !== 0x9000) return reply;
  } while (offset < data.length);
  const chunks = [reply.data];
  while (reply.sw >>> 8 === 0x61) {
    reply = split(await card.process(shortApdu(0x00, 0xc0, 0x00, 0x00, undefined, reply.sw & 0xff)));
    chunks.push(reply.data);
  }
  return { data: Uint8Array.from(chunks.flatMap((c) => [...c])), sw: reply.sw };
}

/** VERIFY with the (default) PIN. */
export async function verifyPin(card: SoftPivCard, pin: string = DEFAULT_PIN): Promise<number> {
  return (await send(card, 0x20, 0x00, 0x80, padReference(pin))).sw;
}

/** 9B mutual authentication (SP 800-73-4 Part 2 Appendix A.2); resolves to the final status word. */
export async function authenticate(card: SoftPivCard, algorithm: number = Algorithm.TDES, key: Uint8Array = DEFAULT_MANAGEMENT_KEY): Promise<number> {
  const cipher = algorithm === Algorithm.TDES ? 'tdes' : 'aes';
  const first = await send(card, 0x87, algorithm, 0x9b, encodeTlv(0x7c, encodeTlv(0x80)));
  if (first.sw !== 0x9000) return first.sw;
  const encryptedWitness = findTlv(parseTlvs(parseSingleTlv(first.data, 0x7c).value), 0x80)!;
  const challenge = randomBytes(blockSize(cipher));
  const second = await send(
    card,
    0x87,
    algorithm,
    0x9b,
    encodeTlv(0x7c, encodeTlv(0x80, decryptBlock(cipher, key, encryptedWitness)), encodeTlv(0x81, challenge)),
  );
  if (second.sw !== 0x9000) return second.sw;
  const response = findTlv(parseTlvs(parseSingleTlv(second.data, 0x7c).value), 0x82)!;
  const expected = encryptBlock(cipher, key, challenge);
  if (response.length !== expected.length || response.some((b, i) => b !== expected[i])) throw new Error('card answered the challenge wrongly');
  return second.sw;
}

/** The 82 value of a 7C response template. */
export function responseOf(data: Uint8Array): Uint8Array {
  return findTlv(parseTlvs(parseSingleTlv(data, 0x7c).value), 0x82)!;
}
