/**
 * Decoders for the certificate extension values path validation reads (RFC 5280 §4.2.1).
 * Each takes the extnValue OCTET STRING contents and throws `CERTIFICATE_MALFORMED` on bad DER.
 */
import { TagClass, Tag, boolean, bitMask, contents, encoding, hasTag, integer, malformed, oid, parseDer, sequence, smallInteger } from './asn1.js';
import { toHex } from '../../../src/bytes.js';

/** basicConstraints (§4.2.1.9). */
export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLen: number | undefined;
}

/** keyUsage bits (§4.2.1.3) as masks over the decoded BIT STRING. */
export const KeyUsage = {
  digitalSignature: 1 << 0, nonRepudiation: 1 << 1, keyEncipherment: 1 << 2, dataEncipherment: 1 << 3,
  keyAgreement: 1 << 4, keyCertSign: 1 << 5, cRLSign: 1 << 6, encipherOnly: 1 << 7, decipherOnly: 1 << 8,
} as const;

/** One PolicyInformation (§4.2.1.4): the OID and its qualifiers' DER (hex), kept for the policy tree. */
export interface PolicyInformation {
  readonly oid: string;
  readonly qualifiers: readonly string[];
}

/** One policy mapping pair (§4.2.1.5). */
export interface PolicyMapping {
  readonly issuerDomainPolicy: string;
  readonly subjectDomainPolicy: string;
}

/** policyConstraints (§4.2.1.11). */
export interface PolicyConstraints {
  readonly requireExplicitPolicy: number | undefined;
  readonly inhibitPolicyMapping: number | undefined;
}

/** §4.2.1.9 BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER (0..MAX) OPTIONAL } */
export function parseBasicConstraints(der: Uint8Array): BasicConstraints {
  const fields = sequence(parseDer(der, 'basicConstraints'), 'basicConstraints');
  let ca = false;
  let pathLen: number | undefined;
  let index = 0;
  const first = fields[index];
  if (first && hasTag(first, TagClass.UNIVERSAL, Tag.BOOLEAN)) {
    ca = boolean(first, 'basicConstraints cA');
    index++;
  }
  const second = fields[index];
  if (second && hasTag(second, TagClass.UNIVERSAL, Tag.INTEGER)) {
    pathLen = smallInteger(second, 'pathLenConstraint');
    index++;
  }
  if (index !== fields.length) malformed('basicConstraints');
  return { ca, pathLen };
}

/** §4.2.1.3 KeyUsage ::= BIT STRING. */
export function parseKeyUsage(der: Uint8Array): number {
  const node = parseDer(der, 'keyUsage');
  if (!hasTag(node, TagClass.UNIVERSAL, Tag.BIT_STRING)) malformed('keyUsage');
  return bitMask(node, 'keyUsage');
}

/** §4.2.1.2 SubjectKeyIdentifier ::= OCTET STRING. */
export function parseSubjectKeyIdentifier(der: Uint8Array): Uint8Array {
  const node = parseDer(der, 'subjectKeyIdentifier');
  if (!hasTag(node, TagClass.UNIVERSAL, Tag.OCTET_STRING)) malformed('subjectKeyIdentifier');
  return contents(node, 'subjectKeyIdentifier');
}

/** §4.2.1.1 AuthorityKeyIdentifier: only keyIdentifier [0] is used (as a path-building hint). */
export function parseAuthorityKeyIdentifier(der: Uint8Array): Uint8Array | undefined {
  const fields = sequence(parseDer(der, 'authorityKeyIdentifier'), 'authorityKeyIdentifier');
  for (const field of fields) {
    if (field.idBlock.tagClass !== TagClass.CONTEXT || field.idBlock.tagNumber > 2) malformed('authorityKeyIdentifier');
  }
  const keyId = fields.find((field) => field.idBlock.tagNumber === 0);
  return keyId ? contents(keyId, 'keyIdentifier') : undefined;
}

/** §4.2.1.4 certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation. */
export function parseCertificatePolicies(der: Uint8Array): PolicyInformation[] {
  const policies = sequence(parseDer(der, 'certificatePolicies'), 'certificatePolicies').map((info) => {
    const [id, qualifiers, extra] = sequence(info, 'PolicyInformation');
    if (!id || extra) malformed('PolicyInformation');
    return {
      oid: oid(id, 'policyIdentifier'),
      qualifiers: qualifiers ? sequence(qualifiers, 'policyQualifiers').map((q) => toHex(encoding(q))) : [],
    };
  });
  if (policies.length === 0) malformed('certificatePolicies (empty)');
  // §4.2.1.4: "A certificate policy OID MUST NOT appear more than once".
  if (new Set(policies.map((p) => p.oid)).size !== policies.length) malformed('certificatePolicies (duplicate policy)');
  return policies;
}

/** §4.2.1.5 PolicyMappings ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { issuerDomainPolicy, subjectDomainPolicy }. */
export function parsePolicyMappings(der: Uint8Array): PolicyMapping[] {
  const mappings = sequence(parseDer(der, 'policyMappings'), 'policyMappings').map((pair) => {
    const [issuer, subject, extra] = sequence(pair, 'PolicyMapping');
    if (!issuer || !subject || extra) malformed('PolicyMapping');
    return { issuerDomainPolicy: oid(issuer, 'issuerDomainPolicy'), subjectDomainPolicy: oid(subject, 'subjectDomainPolicy') };
  });
  if (mappings.length === 0) malformed('policyMappings (empty)');
  return mappings;
}

/** §4.2.1.11 PolicyConstraints ::= SEQUENCE { requireExplicitPolicy [0] SkipCerts OPTIONAL, inhibitPolicyMapping [1] SkipCerts OPTIONAL } */
export function parsePolicyConstraints(der: Uint8Array): PolicyConstraints {
  let requireExplicitPolicy: number | undefined;
  let inhibitPolicyMapping: number | undefined;
  let last = -1;
  const fields = sequence(parseDer(der, 'policyConstraints'), 'policyConstraints');
  // §4.2.1.11: "Conforming CAs MUST NOT issue certificates where policy constraints is an empty sequence."
  if (fields.length === 0) malformed('policyConstraints (empty)');
  for (const field of fields) {
    const tag = field.idBlock.tagNumber;
    if (field.idBlock.tagClass !== TagClass.CONTEXT || tag <= last || tag > 1) malformed('policyConstraints');
    last = tag;
    if (tag === 0) requireExplicitPolicy = smallInteger(field, 'requireExplicitPolicy');
    else inhibitPolicyMapping = smallInteger(field, 'inhibitPolicyMapping');
  }
  return { requireExplicitPolicy, inhibitPolicyMapping };
}

/** §4.2.1.14 InhibitAnyPolicy ::= SkipCerts (INTEGER (0..MAX)). */
export function parseInhibitAnyPolicy(der: Uint8Array): number {
  const node = parseDer(der, 'inhibitAnyPolicy');
  if (!hasTag(node, TagClass.UNIVERSAL, Tag.INTEGER)) malformed('inhibitAnyPolicy');
  return smallInteger(node, 'inhibitAnyPolicy');
}

/** §4.2.1.12 ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId. */
export function parseExtKeyUsage(der: Uint8Array): string[] {
  const purposes = sequence(parseDer(der, 'extKeyUsage'), 'extKeyUsage').map((node) => oid(node, 'KeyPurposeId'));
  if (purposes.length === 0) malformed('extKeyUsage (empty)');
  return purposes;
}

/** An INTEGER extension value (cRLNumber §5.2.3, BaseCRLNumber §5.2.4). */
export function parseIntegerExtension(der: Uint8Array, what: string): bigint {
  const node = parseDer(der, what);
  if (!hasTag(node, TagClass.UNIVERSAL, Tag.INTEGER)) malformed(what);
  return integer(node, what);
}

