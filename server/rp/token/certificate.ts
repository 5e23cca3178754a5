/**
 * The end-entity checks verifyAuthToken makes on the token's certificate before path validation: it is
 * DER X.509, valid at the verification time, and meant for client authentication.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toHex } from '../../../src/bytes.js';
import { AuthError, AuthErrorCode } from '../../../src/protocol/errors.js';

const OID_KEY_USAGE = '2.5.29.15';
const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** Parses DER X.509 (RFC 5280 §4.1). Trailing bytes or anything pkijs cannot read → `CERTIFICATE_MALFORMED`. */
export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  const asn = asn1js.fromBER(der);
  if (asn.offset === -1 || asn.offset !== der.length) {
    throw new AuthError(AuthErrorCode.CERTIFICATE_MALFORMED, 'certificate is not a single DER structure');
  }
  try {
    return new pkijs.Certificate({ schema: asn.result });
  } catch (error) {
    if (error instanceof Error) throw new AuthError(AuthErrorCode.CERTIFICATE_MALFORMED, `certificate is not X.509: ${error.message}`);
    throw error;
  }
}

/** RFC 5280 §4.1.2.5: valid from notBefore through notAfter, both inclusive. */
export function checkValidity(cert: pkijs.Certificate, now: Date): void {
  if (now.getTime() < cert.notBefore.value.getTime()) {
    throw new AuthError(AuthErrorCode.CERTIFICATE_NOT_YET_VALID, 'certificate is not yet valid', { notBefore: cert.notBefore.value.toISOString() });
  }
  if (now.getTime() > cert.notAfter.value.getTime()) {
    throw new AuthError(AuthErrorCode.CERTIFICATE_EXPIRED, 'certificate has expired', { notAfter: cert.notAfter.value.toISOString() });
  }
}

function extensionValue(cert: pkijs.Certificate, oid: string): asn1js.AsnType | undefined {
  const found = cert.extensions?.filter((e) => e.extnID === oid) ?? [];
  // RFC 5280 §4.2: "A certificate MUST NOT include more than one instance of a particular extension."
  if (found.length > 1) throw new AuthError(AuthErrorCode.CERTIFICATE_MALFORMED, `certificate repeats extension ${oid}`);
  const [only] = found;
  if (!only) return undefined;
  const inner = asn1js.fromBER(only.extnValue.valueBlock.valueHexView);
  if (inner.offset === -1) throw new AuthError(AuthErrorCode.CERTIFICATE_MALFORMED, `extension ${oid} is not DER`);
  return inner.result;
}

/**
 * KeyUsage must be present with digitalSignature (RFC 5280 §4.2.1.3: the key signs the login challenge);
 * ExtendedKeyUsage, when present, must list id-kp-clientAuth (RFC 5280 §4.2.1.12). anyExtendedKeyUsage is
 * not enough: a certificate meant for logins says so.
 */
export function checkUsage(cert: pkijs.Certificate): void {
  const keyUsage = extensionValue(cert, OID_KEY_USAGE);
  if (keyUsage === undefined) throw new AuthError(AuthErrorCode.CERTIFICATE_KEY_USAGE, 'certificate has no KeyUsage extension');
  if (!(keyUsage instanceof asn1js.BitString)) throw new AuthError(AuthErrorCode.CERTIFICATE_MALFORMED, 'KeyUsage is not a BIT STRING');
  const bits = keyUsage.valueBlock.valueHexView;
  if (bits.length === 0 || (bits[0]! & 0x80) === 0) throw new AuthError(AuthErrorCode.CERTIFICATE_KEY_USAGE, 'certificate KeyUsage lacks digitalSignature');
  const eku = extensionValue(cert, OID_EXT_KEY_USAGE);
  if (eku === undefined) return;
  let purposes: string[];
  try {
    purposes = new pkijs.ExtKeyUsage({ schema: eku }).keyPurposes;
  } catch (error) {
    if (error instanceof Error) throw new AuthError(AuthErrorCode.CERTIFICATE_MALFORMED, `ExtendedKeyUsage is malformed: ${error.message}`);
    throw error;
  }
  if (!purposes.includes(OID_CLIENT_AUTH)) {
    throw new AuthError(AuthErrorCode.CERTIFICATE_EXTENDED_KEY_USAGE, 'certificate ExtendedKeyUsage lacks clientAuth', { purposes: purposes.join(',').slice(0, 200) });
  }
}

/** Canonical serial: lower-case hex of the INTEGER's content octets, leading zero octets removed. */
export function serialHex(cert: pkijs.Certificate): string {
  const hex = toHex(cert.serialNumber.valueBlock.valueHexView).replace(/^(?:00)+(?=..)/, '');
  return hex;
}

/** The subject as verifyAuthToken reports it. */
export interface CertificateSubject {
  /** The CN (the holder's name for a common certificate), if there is one. */
  readonly commonName: string | undefined;
  /** RFC 4514 string form, most significant RDN last (e.g. `CN=Hanako Yamada,O=kyotsu`). */
  readonly distinguishedName: string;
  /** Every attribute in certificate order, by OID. */
  readonly attributes: readonly { readonly oid: string; readonly value: string }[];
}

const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '2.5.4.4': 'SN', '2.5.4.42': 'GN', '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC', '0.9.2342.19200300.100.1.1': 'UID',
};

function attributeValue(value: unknown): string {
  const block = value as { valueBlock?: { value?: unknown } };
  return typeof block.valueBlock?.value === 'string' ? block.valueBlock.value : '';
}

// RFC 4514 §2.4: escape special characters in attribute values.
function escapeRdnValue(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

/** Reads the subject name. */
export function certificateSubject(cert: pkijs.Certificate): CertificateSubject {
  const attributes = cert.subject.typesAndValues.map((tv) => ({ oid: tv.type, value: attributeValue(tv.value) }));
  const distinguishedName = [...attributes]
    .reverse()
    .map((a) => `${SHORT_NAMES[a.oid] ?? a.oid}=${escapeRdnValue(a.value)}`)
    .join(',');
  return { commonName: attributes.find((a) => a.oid === '2.5.4.3')?.value, distinguishedName, attributes };
}
