/**
 * The common certificate profile: what the CA puts into every end-entity certificate it issues
 * (X.509 v3, RFC 5280 §4.1 and §4.2).
 */
import * as pkijs from 'pkijs';
import { PkiError, PkiErrorCode } from './errors.js';
import { toArrayBuffer, toDer, wholeSeconds } from './der.js';
import {
  authorityInfoAccessExtension,
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  crlDistributionPointsExtension,
  extKeyUsageExtension,
  keyIdentifier,
  keyUsageExtension,
  KeyUsageBit,
  subjectKeyIdentifierExtension,
} from './extensions.js';
import { hashForSigningKey } from './key-algorithms.js';
import { buildName, MAX_COMMON_NAME_LENGTH } from './name.js';
import { OID_COMMON_NAME, OID_KP_CLIENT_AUTH } from './oids.js';
import { timeOf } from './time.js';
import * as asn1js from 'asn1js';

/** Where relying parties find revocation data and the issuer (put into AIA and CRL DP). */
export interface PublicationUrls {
  /** The OCSP responder, e.g. `https://ca.example/ocsp` (AIA id-ad-ocsp, RFC 5280 §4.2.2.1). */
  readonly ocsp: string;
  /** The full CRL, e.g. `https://ca.example/crl` (RFC 5280 §4.2.1.13). */
  readonly crl: string;
  /** The CA certificate (AIA id-ad-caIssuers); optional. */
  readonly caIssuers?: string;
}

/** Everything needed to issue one common certificate. */
export interface LeafCertificateInput {
  /** The requester's verified public key, copied unchanged. */
  readonly subjectPublicKeyInfo: pkijs.PublicKeyInfo;
  /** The holder's name, used as subject CN (1–64 characters, RFC 5280 Appendix A ub-common-name). */
  readonly holderName: string;
  /** Serial content octets: positive, ≤ 20 octets (see `randomSerial`). */
  readonly serial: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The issuing CA's certificate (its subject becomes the issuer; its SKI the AKI). */
  readonly issuerCertificate: pkijs.Certificate;
  /** The CA's private signing key (ECDSA P-256 or P-384). */
  readonly issuerKey: CryptoKey;
  readonly urls: PublicationUrls;
}

/** The subject key identifier a certificate declares, or the computed one when it declares none. */
export async function subjectKeyIdOf(certificate: pkijs.Certificate): Promise<Uint8Array> {
  const ski = certificate.extensions?.find((extension) => extension.extnID === '2.5.29.14');
  const parsed = ski?.parsedValue as unknown;
  if (parsed instanceof asn1js.OctetString) return parsed.valueBlock.valueHexView.slice();
  return keyIdentifier(certificate.subjectPublicKeyInfo);
}

/**
 * Issues an end-entity certificate with the kyotsu profile:
 * v3; subject CN = holder name only (no address or e-mail: the certificate is shown to every service the
 * holder logs into, so it carries nothing a service does not need to recognise the holder);
 * KeyUsage digitalSignature (critical); EKU clientAuth; basicConstraints cA=FALSE (critical); SKI/AKI;
 * AIA with OCSP (and caIssuers); CRL distribution point. Returns the DER certificate.
 */
export async function issueLeafCertificate(input: LeafCertificateInput): Promise<Uint8Array> {
  const name = input.holderName;
  if (name.length === 0 || [...name].length > MAX_COMMON_NAME_LENGTH) {
    throw new PkiError(PkiErrorCode.CERTIFICATE_MALFORMED, `holder name must be 1–${MAX_COMMON_NAME_LENGTH} characters`);
  }
  if (input.notAfter.getTime() <= input.notBefore.getTime()) {
    throw new PkiError(PkiErrorCode.CERTIFICATE_MALFORMED, 'notAfter must be after notBefore');
  }
  const certificate = new pkijs.Certificate();
  certificate.version = 2; // RFC 5280 §4.1.2.1: v3
  certificate.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(input.serial) }); // §4.1.2.2
  certificate.issuer = input.issuerCertificate.subject; // §4.1.2.4: byte-identical to the CA's subject
  certificate.subject = buildName([{ type: OID_COMMON_NAME, value: name }]); // §4.1.2.6
  certificate.notBefore = timeOf(wholeSeconds(input.notBefore)); // §4.1.2.5
  certificate.notAfter = timeOf(wholeSeconds(input.notAfter));
  certificate.subjectPublicKeyInfo = input.subjectPublicKeyInfo; // §4.1.2.7
  const authorityKeyId = await subjectKeyIdOf(input.issuerCertificate);
  const subjectKeyId = await keyIdentifier(input.subjectPublicKeyInfo);
  certificate.extensions = [
    keyUsageExtension([KeyUsageBit.digitalSignature]), // §4.2.1.3
    extKeyUsageExtension([OID_KP_CLIENT_AUTH]), // §4.2.1.12
    basicConstraintsExtension(false), // §4.2.1.9
    subjectKeyIdentifierExtension(subjectKeyId), // §4.2.1.2
    authorityKeyIdentifierExtension(authorityKeyId), // §4.2.1.1
    authorityInfoAccessExtension(input.urls.ocsp, input.urls.caIssuers), // §4.2.2.1
    crlDistributionPointsExtension(input.urls.crl), // §4.2.1.13
  ];
  await certificate.sign(input.issuerKey, hashForSigningKey(input.issuerKey));
  return toDer(certificate.toSchema());
}
