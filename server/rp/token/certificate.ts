/**
 * The end-entity checks verifyAuthToken makes on the token's certificate before path validation: it is
 * DER X.509, valid at the verification time, and meant for client authentication.
 *
 * The certificate is parsed by the path validator's own parser (server/rp/path/certificate.ts), which is
 * strict (RFC 5280 §4.1, duplicate extensions, trailing bytes) and memoised by SHA-256: the path
 * validation that follows reuses the same parse, so a verification decodes the leaf once.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { AuthError, AuthErrorCode } from '../../../src/protocol/errors.js';
import { type PublicKeyKind } from '../../../src/protocol/key-algorithm.js';
import { type ParsedCertificate, parseCertificate as parseForPath } from '../path/certificate.js';
import { KeyUsage } from '../path/extensions.js';
import { PathFailure } from '../path/failure.js';

const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/** Parses DER X.509 (RFC 5280 §4.1); anything else → `CERTIFICATE_MALFORMED`. */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  try {
    return parseForPath(der);
  } catch (error) {
    if (error instanceof PathFailure) throw new AuthError(AuthErrorCode.CERTIFICATE_MALFORMED, `certificate is not DER X.509: ${error.message}`);
    throw error;
  }
}

// Importing a key costs OpenSSL 3 more than verifying with it; returning holders reuse theirs.
const keyCache = new Map<string, KeyObject>();
const KEY_CACHE_LIMIT = 1024;

/** The subject public key for node:crypto (memoised by SPKI); a key OpenSSL cannot read → `CERTIFICATE_MALFORMED`. */
export function publicKeyOf(cert: ParsedCertificate): KeyObject {
  const id = Buffer.from(cert.spki).toString('base64');
  const cached = keyCache.get(id);
  if (cached) return cached;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(cert.spki), format: 'der', type: 'spki' });
  } catch (error) {
    throw new AuthError(AuthErrorCode.CERTIFICATE_MALFORMED, `certificate public key is not usable: ${(error as Error).message}`);
  }
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value ?? '');
  keyCache.set(id, key);
  return key;
}

const CURVES: Readonly<Record<string, 'P-256' | 'P-384' | 'P-521'>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** The key's kind in the terms of src/protocol/key-algorithm.ts. */
export function keyKind(key: KeyObject): PublicKeyKind {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    const curve = CURVES[details.namedCurve ?? ''];
    return curve ? { kind: 'ec', namedCurve: curve } : { kind: 'unsupported', algorithmOid: `ec ${details.namedCurve ?? '?'}` };
  }
  if (key.asymmetricKeyType === 'rsa' && details.modulusLength !== undefined) return { kind: 'rsa', modulusBits: details.modulusLength };
  return { kind: 'unsupported', algorithmOid: key.asymmetricKeyType ?? 'unknown' };
}

/** RFC 5280 §4.1.2.5: valid from notBefore through notAfter, both inclusive. */
export function checkValidity(cert: ParsedCertificate, now: Date): void {
  if (now.getTime() < cert.notBefore.getTime()) {
    throw new AuthError(AuthErrorCode.CERTIFICATE_NOT_YET_VALID, 'certificate is not yet valid', { notBefore: cert.notBefore.toISOString() });
  }
  if (now.getTime() > cert.notAfter.getTime()) {
    throw new AuthError(AuthErrorCode.CERTIFICATE_EXPIRED, 'certificate has expired', { notAfter: cert.notAfter.toISOString() });
  }
}

/**
 * KeyUsage must be present with digitalSignature (RFC 5280 §4.2.1.3: the key signs the login challenge);
 * ExtendedKeyUsage, when present, must list id-kp-clientAuth (RFC 5280 §4.2.1.12). anyExtendedKeyUsage is
 * not enough: a certificate meant for logins says so.
 */
export function checkUsage(cert: ParsedCertificate): void {
  if (cert.keyUsage === undefined) throw new AuthError(AuthErrorCode.CERTIFICATE_KEY_USAGE, 'certificate has no KeyUsage extension');
  if ((cert.keyUsage & KeyUsage.digitalSignature) === 0) throw new AuthError(AuthErrorCode.CERTIFICATE_KEY_USAGE, 'certificate KeyUsage lacks digitalSignature');
  if (cert.extKeyUsage !== undefined && !cert.extKeyUsage.includes(OID_CLIENT_AUTH)) {
    throw new AuthError(AuthErrorCode.CERTIFICATE_EXTENDED_KEY_USAGE, 'certificate ExtendedKeyUsage lacks clientAuth', { purposes: cert.extKeyUsage.join(',').slice(0, 200) });
  }
}

/** Canonical serial: lower-case hex of the INTEGER's content octets, leading zero octets removed (the CA's form). */
export function serialHex(cert: ParsedCertificate): string {
  if (cert.serial < 0n) throw new AuthError(AuthErrorCode.CERTIFICATE_MALFORMED, 'certificate serial number is negative (RFC 5280 §4.1.2.2)');
  const hex = cert.serial.toString(16);
  return hex.length % 2 === 0 ? hex : `0${hex}`;
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

// RFC 4514 §2.4: escape special characters in attribute values.
function escapeRdnValue(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1').replace(/^([ #])/, '\\$1').replace(/ $/, '\\ ');
}

/** Reads the subject name. */
export function certificateSubject(cert: ParsedCertificate): CertificateSubject {
  const attributes = cert.subject.rdns.flat().map((a) => ({ oid: a.type, value: a.text }));
  const distinguishedName = [...cert.subject.rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${SHORT_NAMES[a.type] ?? a.type}=${escapeRdnValue(a.text)}`).join('+'))
    .join(',');
  return { commonName: attributes.find((a) => a.oid === '2.5.4.3')?.value, distinguishedName, attributes };
}
