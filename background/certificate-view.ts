/**
 * The common certificate as a page and the options page see it: base64 DER, PEM, serial (hex), subject
 * and issuer in RFC 4514 string form, notAfter. Parsed with pkijs (src/pki/certificate.ts).
 */
import type * as pkijs from 'pkijs';
import { toBase64 } from '../src/bytes.js';
import { type CertificateView } from '../src/message-results.js';
import { parseCertificate } from '../src/pki/certificate.js';
import { toPem } from '../src/pki/pem.js';
import { integerToSerialHex } from '../src/pki/serial.js';

/** Short names of the attribute types RFC 4514 §3 lists, plus the usual extras. */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** RFC 4514 §2.4 escaping of an attribute value. */
function escapeValue(value: string): string {
  return value
    .replace(/[\\",+;<>=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ');
}

/** A name as an RFC 4514 string (§2.1: RDNs in reverse order of the encoding). */
export function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((entry) => {
      const value = entry.value as { valueBlock?: { value?: unknown } };
      const text = typeof value.valueBlock?.value === 'string' ? value.valueBlock.value : '';
      return `${SHORT_NAMES[entry.type] ?? entry.type}=${escapeValue(text)}`;
    })
    .reverse()
    .join(',');
}

/** Builds the view of a DER certificate. Throws `CERTIFICATE_MALFORMED` for anything else. */
export function certificateView(der: Uint8Array): CertificateView {
  const certificate = parseCertificate(der);
  return {
    certificate: toBase64(der),
    pem: toPem(der, 'CERTIFICATE'),
    serial: integerToSerialHex(certificate.serialNumber),
    subject: nameToString(certificate.subject),
    issuer: nameToString(certificate.issuer),
    notAfter: certificate.notAfter.value.toISOString(),
  };
}
