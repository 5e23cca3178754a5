/**
 * The PIV command APDUs, SP 800-73-4 Part 2 §3 (and Yubico's PIV extensions), as pure builders: each
 * returns the command and the status context its status words are read in. No I/O here.
 */
import { toHex } from '../../src/bytes.js';
import { Ins, KeyRef, PIV_AID_PREFIX } from '../../src/piv/constants.js';
import { encodeTlv } from '../../src/tlv.js';
import type { CommandApdu } from '../apdu/command.js';
import type { StatusContext } from '../apdu/status-words.js';
import { encodePin, type PinKind } from './pin.js';

/** A command with the context its status word is interpreted in. */
export interface PivRequest {
  readonly command: CommandApdu;
  readonly context: StatusContext;
}

/** YubiKey PIN and touch policies for generated keys (Yubico PIV extensions, tags AA and AB). */
export interface KeyPolicy {
  /** 1 never, 2 once per session, 3 always. */
  readonly pin?: number;
  /** 1 never, 2 always, 3 cached. */
  readonly touch?: number;
}

const hex = (n: number): string => n.toString(16).padStart(2, '0');

/** SELECT the PIV application by AID prefix: 00 A4 04 00 (SP 800-73-4 Part 2 §3.1.1). */
export function selectPiv(): PivRequest {
  return { command: { cla: 0, ins: Ins.SELECT, p1: 0x04, p2: 0x00, data: PIV_AID_PREFIX, ne: 256 }, context: { command: 'SELECT PIV', notFound: 'file' } };
}

/** GET DATA 00 CB 3F FF { 5C tag } (SP 800-73-4 Part 2 §3.1.2). */
export function getData(objectTag: Uint8Array): PivRequest {
  const data = encodeTlv(0x5c, objectTag);
  return { command: { cla: 0, ins: Ins.GET_DATA, p1: 0x3f, p2: 0xff, data, ne: 65536 }, context: { command: `GET DATA ${toHex(objectTag)}` } };
}

/** PUT DATA 00 DB 3F FF { 5C tag, 53 object } (SP 800-73-4 Part 2 §3.3.1). `object53` is the whole 53 TLV. */
export function putData(objectTag: Uint8Array, object53: Uint8Array): PivRequest {
  const data = Uint8Array.of(...encodeTlv(0x5c, objectTag), ...object53);
  return { command: { cla: 0, ins: Ins.PUT_DATA, p1: 0x3f, p2: 0xff, data }, context: { command: `PUT DATA ${toHex(objectTag)}` } };
}

/** VERIFY 00 20 00 80 with the padded PIN, or with no data for the status query (SP 800-73-4 Part 2 §3.2.1). */
export function verifyPin(pin?: string): PivRequest {
  const command: CommandApdu = { cla: 0, ins: Ins.VERIFY, p1: 0x00, p2: KeyRef.PIN, ...(pin === undefined ? {} : { data: encodePin(pin, 'pin') }) };
  return { command, context: { command: pin === undefined ? 'VERIFY (status)' : 'VERIFY', reference: 'pin' } };
}

/** CHANGE REFERENCE DATA 00 24 00 80|81 current ‖ new (SP 800-73-4 Part 2 §3.2.2). */
export function changeReference(which: PinKind, current: string, next: string): PivRequest {
  const data = Uint8Array.of(...encodePin(current, which), ...encodePin(next, which));
  const p2 = which === 'pin' ? KeyRef.PIN : KeyRef.PUK;
  return { command: { cla: 0, ins: Ins.CHANGE_REFERENCE_DATA, p1: 0x00, p2, data }, context: { command: 'CHANGE REFERENCE DATA', reference: which } };
}

/** RESET RETRY COUNTER 00 2C 00 80 PUK ‖ new PIN (SP 800-73-4 Part 2 §3.2.3); the PUK is what the card checks. */
export function resetRetryCounter(puk: string, newPin: string): PivRequest {
  const data = Uint8Array.of(...encodePin(puk, 'puk'), ...encodePin(newPin, 'pin'));
  return { command: { cla: 0, ins: Ins.RESET_RETRY_COUNTER, p1: 0x00, p2: KeyRef.PIN, data }, context: { command: 'RESET RETRY COUNTER', reference: 'puk' } };
}

/** GENERAL AUTHENTICATE 00 87 alg key with a 7C template (SP 800-73-4 Part 2 §3.2.4). */
export function generalAuthenticate(algorithm: number, keyRef: number, template: Uint8Array): PivRequest {
  return {
    command: { cla: 0, ins: Ins.GENERAL_AUTHENTICATE, p1: algorithm, p2: keyRef, data: template, ne: 65536 },
    context: { command: `GENERAL AUTHENTICATE ${hex(keyRef)}`, ...(keyRef === KeyRef.MANAGEMENT ? { reference: 'management' as const } : {}) },
  };
}

/** GENERATE ASYMMETRIC KEY PAIR 00 47 00 slot { AC { 80 alg [AA pin] [AB touch] } } (SP 800-73-4 Part 2 §3.3.2). */
export function generateKeyPair(slot: number, algorithm: number, policy: KeyPolicy = {}): PivRequest {
  const template = encodeTlv(
    0xac,
    encodeTlv(0x80, Uint8Array.of(algorithm)),
    ...(policy.pin === undefined ? [] : [encodeTlv(0xaa, Uint8Array.of(policy.pin))]),
    ...(policy.touch === undefined ? [] : [encodeTlv(0xab, Uint8Array.of(policy.touch))]),
  );
  return {
    command: { cla: 0, ins: Ins.GENERATE_ASYMMETRIC_KEY_PAIR, p1: 0x00, p2: slot, data: template, ne: 65536 },
    context: { command: `GENERATE ASYMMETRIC KEY PAIR ${hex(slot)}` },
  };
}

/**
 * YubiKey SET MANAGEMENT KEY 00 FF FF FF|FE { algorithm, 9B length key } (Yubico PIV extensions; P2 FE
 * requires touch). Needs management-key authentication.
 */
export function setManagementKey(algorithm: number, key: Uint8Array, requireTouch = false): PivRequest {
  const data = Uint8Array.of(algorithm, ...encodeTlv(KeyRef.MANAGEMENT, key));
  return { command: { cla: 0, ins: Ins.SET_MANAGEMENT_KEY, p1: 0xff, p2: requireTouch ? 0xfe : 0xff, data }, context: { command: 'SET MANAGEMENT KEY' } };
}

/** YubiKey GET VERSION 00 FD 00 00 and GET SERIAL 00 F8 00 00 (Yubico PIV extensions). */
export function yubiKeyQuery(which: 'version' | 'serial'): PivRequest {
  const ins = which === 'version' ? Ins.GET_VERSION : Ins.GET_SERIAL;
  return { command: { cla: 0, ins, p1: 0x00, p2: 0x00, ne: 256 }, context: { command: which === 'version' ? 'GET VERSION' : 'GET SERIAL' } };
}
