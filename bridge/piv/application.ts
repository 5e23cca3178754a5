/**
 * The Application Property Template a PIV card returns to SELECT, SP 800-73-4 Part 2 §3.1.1 (Table 3):
 * 61 { 4F AID/PIX, 79 { 4F authority AID }, 50 label, 5F50 URL, AC { 80 algorithm…, 06 00 } }.
 */
import { findTlv, parseSingleTlv, parseTlvs } from '../../src/tlv.js';

/** What the card says about its PIV application. */
export interface PivApplicationInfo {
  /** Tag 4F: the application identifier (or its PIX), if given. */
  readonly aid?: Uint8Array;
  /** Tag 50: the application label, e.g. "PivApplet" (ASCII), if given. */
  readonly label?: string;
  /** Tag 5F50: URL of the application's specification, if given. */
  readonly url?: string;
  /** Tag AC/80: cryptographic algorithm identifiers the card supports (SP 800-78-4 Table 6-2). */
  readonly algorithms: readonly number[];
}

const ascii = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

/** Parses the SELECT response; an empty response (some cards send none) gives an empty template. Throws `TLV_MALFORMED`. */
export function parseApplicationTemplate(response: Uint8Array): PivApplicationInfo {
  if (response.length === 0) return { algorithms: [] };
  const fields = parseTlvs(parseSingleTlv(response, 0x61).value);
  const aid = findTlv(fields, 0x4f);
  const label = findTlv(fields, 0x50);
  const url = findTlv(fields, 0x5f50);
  const algorithms: number[] = [];
  for (const field of fields) {
    if (field.tag !== 0xac) continue;
    for (const entry of parseTlvs(field.value)) if (entry.tag === 0x80 && entry.value.length === 1) algorithms.push(entry.value[0]!);
  }
  return {
    ...(aid && { aid: aid.slice() }),
    ...(label && { label: ascii(label) }),
    ...(url && { url: ascii(url) }),
    algorithms,
  };
}
