/**
 * YubiKey PIV extensions (Yubico, "PIV extensions"): GET VERSION (FD), GET SERIAL (F8), GET METADATA (F7,
 * firmware 5.3+) and RESET (FB). The card reports firmware 5.4.3 — the first with AES management keys,
 * which it supports — so tools that check the version use GET METADATA, which it therefore implements.
 */
import { Algorithm, DEFAULT_MANAGEMENT_KEY, KeyRef } from '../../src/piv/constants.js';
import { concatBytes } from '../../src/bytes.js';
import { encodeTlv } from '../../src/tlv.js';
import { type AppletContext, resetSecurity, secretEqual } from './applet-context.js';
import { factoryState, type ReferenceData, slotKey } from './card-state.js';
import { type ReceivedCommand } from './command-parser.js';
import { isKeySlot, publicKeyObjects, usableKey } from './key-slots.js';
import { type CardResponse, ok, status, Sw } from './status.js';

/** The firmware version the card reports (YubiKey 5 series, 5.4.3). */
export const FIRMWARE_VERSION = Uint8Array.of(5, 4, 3);

const META_ALGORITHM = 0x01;
const META_POLICY = 0x02;
const META_ORIGIN = 0x03;
const META_PUBLIC_KEY = 0x04;
const META_IS_DEFAULT = 0x05;
const META_RETRIES = 0x06;
/** Algorithm byte YubiKeys report for PIN and PUK. */
const ALGORITHM_PIN = 0xff;

/** GET VERSION (00 FD 00 00): three bytes major, minor, patch. */
export function handleGetVersion(): CardResponse {
  return ok(FIRMWARE_VERSION);
}

/** GET SERIAL (00 F8 00 00): the serial number, four bytes big-endian. */
export function handleGetSerial(ctx: AppletContext): CardResponse {
  const serial = ctx.state.serial;
  return ok(Uint8Array.of(serial >>> 24, (serial >>> 16) & 0xff, (serial >>> 8) & 0xff, serial & 0xff));
}

function referenceMetadata(reference: ReferenceData): Uint8Array {
  return concatBytes(
    encodeTlv(META_ALGORITHM, Uint8Array.of(ALGORITHM_PIN)),
    encodeTlv(META_IS_DEFAULT, Uint8Array.of(reference.isDefault ? 1 : 0)),
    encodeTlv(META_RETRIES, Uint8Array.of(reference.retriesMax, reference.retriesLeft)),
  );
}

/**
 * GET METADATA (00 F7 00 ref): PIN/PUK → algorithm FF, default flag, retries (total, left); 9B → algorithm,
 * policy (PIN, touch), default flag; key slot → algorithm, policy, origin (01 generated, 02 imported),
 * public key (04 { 81/82 or 86 }). An empty slot answers 6A88.
 */
export function handleGetMetadata(command: ReceivedCommand, ctx: AppletContext): CardResponse {
  if (command.p1 !== 0x00) return status(Sw.INCORRECT_P1P2);
  const state = ctx.state;
  switch (command.p2) {
    case KeyRef.PIN:
      return ok(referenceMetadata(state.pin));
    case KeyRef.PUK:
      return ok(referenceMetadata(state.puk));
    case KeyRef.MANAGEMENT: {
      const key = state.managementKey;
      const isDefault = key.algorithm === Algorithm.TDES && secretEqual(key.key, DEFAULT_MANAGEMENT_KEY);
      return ok(
        concatBytes(
          encodeTlv(META_ALGORITHM, Uint8Array.of(key.algorithm)),
          encodeTlv(META_POLICY, Uint8Array.of(0x00, key.touchPolicy)),
          encodeTlv(META_IS_DEFAULT, Uint8Array.of(isDefault ? 1 : 0)),
        ),
      );
    }
  }
  if (!isKeySlot(command.p2)) return status(Sw.INCORRECT_P1P2);
  const key = usableKey(state.keys[slotKey(command.p2)]);
  if (key === undefined) return status(Sw.REFERENCE_NOT_FOUND);
  return ok(
    concatBytes(
      encodeTlv(META_ALGORITHM, Uint8Array.of(key.algorithm)),
      encodeTlv(META_POLICY, Uint8Array.of(key.pinPolicy, key.touchPolicy)),
      encodeTlv(META_ORIGIN, Uint8Array.of(key.origin === 'generated' ? 1 : 2)),
      encodeTlv(META_PUBLIC_KEY, ...publicKeyObjects(key.material)),
    ),
  );
}

/**
 * YubiKey RESET (00 FB 00 00): only when both PIN and PUK are blocked; erases keys and objects and
 * restores the default PIN, PUK and management key. The serial number stays.
 */
export async function handleReset(ctx: AppletContext): Promise<CardResponse> {
  if (ctx.state.pin.retriesLeft !== 0 || ctx.state.puk.retriesLeft !== 0) return status(Sw.CONDITIONS_NOT_SATISFIED);
  await ctx.commit(await factoryState(ctx.state.serial));
  resetSecurity(ctx.security);
  return ok();
}
