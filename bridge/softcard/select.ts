/**
 * SELECT of the PIV Card Application (SP 800-73-4 Part 2 §3.1.1) and its Application Property Template.
 */
import { encodeTlv } from '../../src/tlv.js';
import { Algorithm, PIV_AID } from '../../src/piv/constants.js';
import { bytesEqual, utf8 } from '../../src/bytes.js';
import { type ReceivedCommand } from './command-parser.js';
import { type CardResponse, ok, status, Sw } from './status.js';

/** Length of a registered application provider identifier (RID, ISO/IEC 7816-5). */
const RID_LENGTH = 5;

/** Application label (tag 50) of the APT. */
export const APPLICATION_LABEL = 'kyotsu software PIV';

/**
 * The Application Property Template (SP 800-73-4 Part 2 §3.1.1, Table 3): 61 { 4F PIX, 79 { 4F NIST RID },
 * 50 label, AC { 80 algorithm …, 06 00 } }.
 */
export function applicationPropertyTemplate(): Uint8Array {
  const algorithms = [Algorithm.TDES, Algorithm.AES_128, Algorithm.AES_192, Algorithm.AES_256, Algorithm.RSA_2048, Algorithm.ECC_P256, Algorithm.ECC_P384];
  return encodeTlv(
    0x61,
    encodeTlv(0x4f, PIV_AID.subarray(RID_LENGTH)),
    encodeTlv(0x79, encodeTlv(0x4f, PIV_AID.subarray(0, RID_LENGTH))),
    encodeTlv(0x50, utf8(APPLICATION_LABEL)),
    encodeTlv(0xac, ...algorithms.map((id) => encodeTlv(0x80, Uint8Array.of(id))), encodeTlv(0x06)),
  );
}

/**
 * True when `name` selects the PIV application: the full AID or any truncation of it down to the RID
 * (ISO/IEC 7816-4 §5.3.1.1 selection by partial DF name; SP 800-73-4 allows the AID without version, and
 * yubico-piv-tool selects by the 5-byte RID A0 00 00 03 08 alone).
 */
export function selectsPiv(name: Uint8Array): boolean {
  return name.length >= RID_LENGTH && name.length <= PIV_AID.length && bytesEqual(name, PIV_AID.subarray(0, name.length));
}

/**
 * SELECT (00 A4 04 00 Lc AID): answers the APT for the PIV AID, 6A82 for any other application.
 * `onSelected` resets the session's security status (YubiKey behaviour: re-selecting un-verifies).
 */
export function handleSelect(command: ReceivedCommand, onSelected: () => void): CardResponse {
  if (command.p1 !== 0x04 || (command.p2 !== 0x00 && command.p2 !== 0x0c)) return status(Sw.INCORRECT_P1P2);
  if (!selectsPiv(command.data)) return status(Sw.FILE_NOT_FOUND);
  onSelected();
  // P2 = 0C: no response data requested (ISO/IEC 7816-4 §7.1.1 Table 40).
  return command.p2 === 0x0c ? ok() : ok(applicationPropertyTemplate());
}
