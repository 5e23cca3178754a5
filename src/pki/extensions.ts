/** Certificate and CRL extensions of the kyotsu profile, each built with pkijs/asn1js (RFC 5280 §4.2, §5.2). */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from './der.js';
import {
  OID_AD_CA_ISSUERS,
  OID_AD_OCSP,
  OID_AUTHORITY_INFO_ACCESS,
  OID_AUTHORITY_KEY_IDENTIFIER,
  OID_BASIC_CONSTRAINTS,
  OID_CRL_DISTRIBUTION_POINTS,
  OID_CRL_NUMBER,
  OID_CRL_REASON,
  OID_EXT_KEY_USAGE,
  OID_KEY_USAGE,
  OID_OCSP_NOCHECK,
  OID_SUBJECT_KEY_IDENTIFIER,
} from './oids.js';

/** KeyUsage bits (RFC 5280 §4.2.1.3), numbered as in the ASN.1. */
export const KeyUsageBit = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
} as const;
export type KeyUsageBit = (typeof KeyUsageBit)[keyof typeof KeyUsageBit];

const GENERAL_NAME_URI = 6; // RFC 5280 §4.2.1.6 uniformResourceIdentifier [6] IA5String

function extension(extnID: string, critical: boolean, value: { toBER(sizeOnly?: boolean): ArrayBuffer }): pkijs.Extension {
  return new pkijs.Extension({ extnID, critical, extnValue: value.toBER(false) });
}

/**
 * keyUsage as a DER named-bit BIT STRING: trailing zero bits are dropped and counted as unused
 * (X.690 §11.2.2), so `digitalSignature` alone is `03 02 07 80`.
 */
export function keyUsageExtension(bits: readonly KeyUsageBit[]): pkijs.Extension {
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  const unusedBits = 7 - (highest & 7);
  return extension(OID_KEY_USAGE, true, new asn1js.BitString({ valueHex: toArrayBuffer(bytes), unusedBits })); // §4.2.1.3 SHOULD be critical
}

/** basicConstraints (RFC 5280 §4.2.1.9): critical; `cA` true only for the CA certificate. */
export function basicConstraintsExtension(cA: boolean, pathLenConstraint?: number): pkijs.Extension {
  const value = cA
    ? new pkijs.BasicConstraints(pathLenConstraint === undefined ? { cA: true } : { cA: true, pathLenConstraint })
    : new pkijs.BasicConstraints({});
  return extension(OID_BASIC_CONSTRAINTS, true, value.toSchema());
}

/** extKeyUsage (RFC 5280 §4.2.1.12), not critical. */
export function extKeyUsageExtension(purposes: readonly string[]): pkijs.Extension {
  return extension(OID_EXT_KEY_USAGE, false, new pkijs.ExtKeyUsage({ keyPurposes: [...purposes] }).toSchema());
}

/**
 * The key identifier of a public key: SHA-1 of the subjectPublicKey BIT STRING's value (RFC 5280
 * §4.2.1.2 method (1)).
 */
export async function keyIdentifier(spki: pkijs.PublicKeyInfo): Promise<Uint8Array> {
  const key = spki.subjectPublicKey.valueBlock.valueHexView;
  return new Uint8Array(await crypto.subtle.digest('SHA-1', key.slice()));
}

/** subjectKeyIdentifier (RFC 5280 §4.2.1.2). */
export function subjectKeyIdentifierExtension(keyId: Uint8Array): pkijs.Extension {
  return extension(OID_SUBJECT_KEY_IDENTIFIER, false, new asn1js.OctetString({ valueHex: toArrayBuffer(keyId) }));
}

/** authorityKeyIdentifier with keyIdentifier only (RFC 5280 §4.2.1.1), for certificates and CRLs (§5.2.1). */
export function authorityKeyIdentifierExtension(keyId: Uint8Array): pkijs.Extension {
  const value = new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: toArrayBuffer(keyId) }) });
  return extension(OID_AUTHORITY_KEY_IDENTIFIER, false, value.toSchema());
}

/** authorityInfoAccess (RFC 5280 §4.2.2.1) with the OCSP responder and, optionally, the CA certificate URL. */
export function authorityInfoAccessExtension(ocspUrl: string, caIssuersUrl?: string): pkijs.Extension {
  const uri = (value: string): pkijs.GeneralName => new pkijs.GeneralName({ type: GENERAL_NAME_URI, value });
  const accessDescriptions = [new pkijs.AccessDescription({ accessMethod: OID_AD_OCSP, accessLocation: uri(ocspUrl) })];
  if (caIssuersUrl !== undefined) {
    accessDescriptions.push(new pkijs.AccessDescription({ accessMethod: OID_AD_CA_ISSUERS, accessLocation: uri(caIssuersUrl) }));
  }
  return extension(OID_AUTHORITY_INFO_ACCESS, false, new pkijs.InfoAccess({ accessDescriptions }).toSchema());
}

/** cRLDistributionPoints (RFC 5280 §4.2.1.13) with one full-name URI. */
export function crlDistributionPointsExtension(crlUrl: string): pkijs.Extension {
  const point = new pkijs.DistributionPoint({ distributionPoint: [new pkijs.GeneralName({ type: GENERAL_NAME_URI, value: crlUrl })] });
  return extension(OID_CRL_DISTRIBUTION_POINTS, false, new pkijs.CRLDistributionPoints({ distributionPoints: [point] }).toSchema());
}

/** id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1): the value is NULL; clients need not check the responder. */
export function ocspNoCheckExtension(): pkijs.Extension {
  return extension(OID_OCSP_NOCHECK, false, new asn1js.Null());
}

/** cRLNumber (RFC 5280 §5.2.3): non-critical, a monotonically increasing INTEGER. */
export function crlNumberExtension(crlNumber: number): pkijs.Extension {
  return extension(OID_CRL_NUMBER, false, new asn1js.Integer({ value: crlNumber }));
}

/** reasonCode CRL entry extension (RFC 5280 §5.3.1): ENUMERATED CRLReason. */
export function crlReasonExtension(reasonCode: number): pkijs.Extension {
  return extension(OID_CRL_REASON, false, new asn1js.Enumerated({ value: reasonCode }));
}
