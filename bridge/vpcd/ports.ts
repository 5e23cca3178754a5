/**
 * Where vsmartcard's virtual readers listen. Debian's /etc/reader.conf.d/vpcd sets CHANNELID 0x8C7B
 * (35963) and the vpcd driver opens one slot per port from there: pcscd lists "Virtual PCD 00 00" on
 * 35963, "Virtual PCD 00 01" on 35964, and so on (vsmartcard ifd-vpcd.c: port = Channel + slot).
 */

/** TCP port of virtual reader 0. */
export const VPCD_BASE_PORT = 35963;

/** Host vpcd listens on for the cards (it binds every interface; the card connects over loopback). */
export const VPCD_DEFAULT_HOST = '127.0.0.1';

/** The TCP port of virtual reader `reader` (0-based). */
export function vpcdPort(reader: number): number {
  if (!Number.isInteger(reader) || reader < 0 || reader > 0xffff - VPCD_BASE_PORT) {
    throw new RangeError(`not a vpcd reader number: ${reader}`);
  }
  return VPCD_BASE_PORT + reader;
}

/** The PC/SC name pcscd gives virtual reader `reader` (FRIENDLYNAME "Virtual PCD" plus two hex digits each for reader and slot). */
export function vpcdReaderName(reader: number): string {
  return `Virtual PCD 00 ${reader.toString(16).padStart(2, '0').toUpperCase()}`;
}
