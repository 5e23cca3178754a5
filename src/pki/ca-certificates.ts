/**
 * The CA's own certificates: the self-signed root that issues common certificates, and the delegated
 * OCSP signing certificate it issues to its responder (RFC 6960 §4.2.2.2).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toDer, wholeSeconds } from './der.js';
import {
  authorityKeyIdentifierExtension,
  basicConstraintsExtension,
  extKeyUsageExtension,
  keyIdentifier,
  keyUsageExtension,
  KeyUsageBit,
  ocspNoCheckExtension,
  subjectKeyIdentifierExtension,
} from './extensions.js';
import { hashForSigningKey } from './key-algorithms.js';
import { buildName } from './name.js';
import { OID_COMMON_NAME, OID_KP_OCSP_SIGNING, OID_ORGANIZATION_NAME } from './oids.js';
import { subjectKeyIdOf } from './profile.js';
import { randomSerial } from './serial.js';
import { timeOf } from './time.js';

/** Inputs for the self-signed CA certificate. */
export interface CaCertificateInput {
  /** CA common name, e.g. `kyotsu Common Certificate CA`. */
  readonly commonName: string;
  /** Organisation name (optional). */
  readonly organization?: string;
  /** The CA key pair (ECDSA P-256 or P-384). */
  readonly keyPair: CryptoKeyPair;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

async function spkiOf(publicKey: CryptoKey): Promise<pkijs.PublicKeyInfo> {
  const spki = new pkijs.PublicKeyInfo();
  await spki.importKey(publicKey);
  return spki;
}

/**
 * A self-signed CA certificate: basicConstraints cA=TRUE pathLen 0 (it only issues end-entity and OCSP
 * certificates), keyUsage keyCertSign|cRLSign|digitalSignature (critical), SKI and AKI. Returns DER.
 */
export async function createCaCertificate(input: CaCertificateInput): Promise<Uint8Array> {
  const name = buildName([
    ...(input.organization ? [{ type: OID_ORGANIZATION_NAME, value: input.organization } as const] : []),
    { type: OID_COMMON_NAME, value: input.commonName },
  ]);
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(randomSerial()) });
  certificate.issuer = name;
  certificate.subject = name; // self-issued: issuer and subject are the same name (RFC 5280 §3.2)
  certificate.notBefore = timeOf(wholeSeconds(input.notBefore));
  certificate.notAfter = timeOf(wholeSeconds(input.notAfter));
  certificate.subjectPublicKeyInfo = await spkiOf(input.keyPair.publicKey);
  const keyId = await keyIdentifier(certificate.subjectPublicKeyInfo);
  certificate.extensions = [
    basicConstraintsExtension(true, 0), // RFC 5280 §4.2.1.9: MUST be critical in CA certificates
    // §4.2.1.3: keyCertSign and cRLSign for a CA; digitalSignature lets it sign OCSP responses directly too.
    keyUsageExtension([KeyUsageBit.digitalSignature, KeyUsageBit.keyCertSign, KeyUsageBit.cRLSign]),
    subjectKeyIdentifierExtension(keyId), // §4.2.1.2: MUST appear in CA certificates
    authorityKeyIdentifierExtension(keyId), // §4.2.1.1: MAY be omitted when self-signed; kept for path builders
  ];
  await certificate.sign(input.keyPair.privateKey, hashForSigningKey(input.keyPair.privateKey));
  return toDer(certificate.toSchema());
}

/** Inputs for the delegated OCSP responder certificate. */
export interface OcspSignerCertificateInput {
  readonly caCertificate: pkijs.Certificate;
  readonly caKey: CryptoKey;
  /** The responder's public key. */
  readonly publicKey: CryptoKey;
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * The delegated OCSP signing certificate (RFC 6960 §4.2.2.2): issued directly by the CA, EKU
 * id-kp-OCSPSigning, keyUsage digitalSignature, and id-pkix-ocsp-nocheck so clients do not ask for its
 * own status (§4.2.2.2.1). Returns DER.
 */
export async function createOcspSignerCertificate(input: OcspSignerCertificateInput): Promise<Uint8Array> {
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: toArrayBuffer(randomSerial()) });
  certificate.issuer = input.caCertificate.subject;
  certificate.subject = buildName([{ type: OID_COMMON_NAME, value: input.commonName }]);
  certificate.notBefore = timeOf(wholeSeconds(input.notBefore));
  certificate.notAfter = timeOf(wholeSeconds(input.notAfter));
  certificate.subjectPublicKeyInfo = await spkiOf(input.publicKey);
  certificate.extensions = [
    basicConstraintsExtension(false),
    keyUsageExtension([KeyUsageBit.digitalSignature]),
    extKeyUsageExtension([OID_KP_OCSP_SIGNING]), // RFC 6960 §4.2.2.2
    ocspNoCheckExtension(), // RFC 6960 §4.2.2.2.1
    subjectKeyIdentifierExtension(await keyIdentifier(certificate.subjectPublicKeyInfo)),
    authorityKeyIdentifierExtension(await subjectKeyIdOf(input.caCertificate)),
  ];
  await certificate.sign(input.caKey, hashForSigningKey(input.caKey));
  return toDer(certificate.toSchema());
}
