/** PEM armour (RFC 7468) around DER. Strict: one block, the expected label, standard base64. */
import { fromBase64, toBase64 } from '../bytes.js';
import { KyotsuError } from '../errors.js';

/** Code for text that is not a single PEM block with the expected label. */
export const PEM_MALFORMED = 'PEM_MALFORMED';

/** DER → PEM with the given label (e.g. `CERTIFICATE`), 64-character lines (RFC 7468 §2). */
export function toPem(der: Uint8Array, label: string): string {
  const body = toBase64(der).replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** PEM → DER; the block must carry `label`. Whitespace inside the base64 is tolerated (RFC 7468 §3). */
export function fromPem(pem: string, label: string): Uint8Array {
  const match = /^\s*-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----\s*$/.exec(pem);
  if (!match || match[1] !== label || match[3] !== label) {
    throw new KyotsuError(PEM_MALFORMED, `expected one PEM block labelled ${label}`);
  }
  try {
    return fromBase64(match[2]!.replace(/\s+/g, ''));
  } catch (error) {
    throw new KyotsuError(PEM_MALFORMED, `PEM body is not base64: ${(error as Error).message}`);
  }
}
