/**
 * GET DATA and PUT DATA (SP 800-73-4 Part 2 §3.1.2 and §3.3.2) over the card's data objects: the PIV
 * objects of SP 800-73-4 Part 1 Table 3 (5FC101–5FC123, 7E, 7F61) and YubiKey's vendor range 5FFF00–5FFF15
 * (yubico-piv-tool keeps its admin data there).
 */
import { PIV_AID } from '../../src/piv/constants.js';
import { encodeTlv, findTlv } from '../../src/tlv.js';
import { type AppletContext, tryParseSingle, tryParseTlvs } from './applet-context.js';
import { objectKey } from './card-state.js';
import { type ReceivedCommand } from './command-parser.js';
import { type CardResponse, ok, status, Sw } from './status.js';

/** Largest object content (inside tag 53) the card stores, as on YubiKey 4/5 (CB_OBJ_MAX = 3063). */
export const MAX_OBJECT_SIZE = 3063;

const DISCOVERY_TAG = 0x7e;

/**
 * Objects readable only after PIN verification (SP 800-73-4 Part 1 Table 3 access rule "PIN"):
 * fingerprints, facial image, printed information, iris images.
 */
const PIN_PROTECTED = new Set(['5fc103', '5fc108', '5fc109', '5fc121']);

/**
 * The Discovery Object (SP 800-73-4 Part 1 §3.3.2): the PIV AID and the PIN usage policy 40 00 (the PIV
 * Card Application PIN satisfies the PIV access control rules; no global PIN). Fixed, as on YubiKeys.
 */
export function discoveryObject(): Uint8Array {
  return encodeTlv(DISCOVERY_TAG, encodeTlv(0x4f, PIV_AID), encodeTlv(0x5f2f, Uint8Array.of(0x40, 0x00)));
}

/** True for object IDs this card knows (Part 1 Table 3 plus the YubiKey vendor range). */
function isKnownObject(id: Uint8Array): boolean {
  if (id.length === 1) return id[0] === DISCOVERY_TAG;
  if (id.length === 2) return id[0] === 0x7f && id[1] === 0x61;
  if (id.length !== 3) return false;
  if (id[0] === 0x5f && id[1] === 0xc1) return id[2]! >= 0x01 && id[2]! <= 0x23;
  if (id[0] === 0x5f && id[1] === 0xff) return id[2]! <= 0x15;
  return false;
}

/** The object ID from a `5C` tag list data field, or `undefined` if malformed. */
function objectId(data: Uint8Array): Uint8Array | undefined {
  return tryParseSingle(data, 0x5c)?.value;
}

/** GET DATA (00 CB 3F FF Lc 5C …): 53 { content } (7E { … } for Discovery); 6A82 when absent. */
export function handleGetData(command: ReceivedCommand, ctx: AppletContext): CardResponse {
  if (command.p1 !== 0x3f || command.p2 !== 0xff) return status(Sw.INCORRECT_P1P2);
  const id = objectId(command.data);
  if (id === undefined || !isKnownObject(id)) return status(Sw.INCORRECT_DATA);
  if (id.length === 1) return ok(discoveryObject());
  const key = objectKey(id);
  if (PIN_PROTECTED.has(key) && !ctx.security.pinVerified) return status(Sw.SECURITY_STATUS_NOT_SATISFIED);
  const content = ctx.state.objects[key];
  if (content === undefined) return status(Sw.FILE_NOT_FOUND);
  return ok(encodeTlv(0x53, content));
}

/**
 * PUT DATA (00 DB 3F FF Lc 5C … 53 …), management key required (SP 800-73-4 Part 1 Table 3 "write: PIV
 * Card Application Administrator"). An empty 53 deletes the object (YubiKey behaviour).
 */
export async function handlePutData(command: ReceivedCommand, ctx: AppletContext): Promise<CardResponse> {
  if (command.p1 !== 0x3f || command.p2 !== 0xff) return status(Sw.INCORRECT_P1P2);
  if (!ctx.security.managementAuthenticated) return status(Sw.SECURITY_STATUS_NOT_SATISFIED);
  const tlvs = tryParseTlvs(command.data);
  if (tlvs === undefined || tlvs.length !== 2 || tlvs[0]!.tag !== 0x5c) return status(Sw.INCORRECT_DATA);
  const id = tlvs[0]!.value;
  const content = findTlv(tlvs.slice(1), 0x53);
  // The Discovery Object and the biometric group template are not writable on this card.
  if (content === undefined || !isKnownObject(id) || id.length !== 3) return status(Sw.INCORRECT_DATA);
  if (content.length > MAX_OBJECT_SIZE) return status(Sw.NOT_ENOUGH_MEMORY);
  const key = objectKey(id);
  const objects = { ...ctx.state.objects };
  if (content.length === 0) delete objects[key];
  else objects[key] = content.slice();
  await ctx.commit({ ...ctx.state, objects });
  return ok();
}
