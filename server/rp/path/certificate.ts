/**
 * A certificate as path validation sees it: pkijs parses the X.509 structure (RFC 5280 §4.1), this
 * module reads the exact encodings (TBS, names, SubjectPublicKeyInfo) and decodes the extensions
 * §6.1 needs. Anything that is not a well-formed certificate becomes `CERTIFICATE_MALFORMED`.
 */
import { createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import { type Asn1Node, TagClass, Tag, contents, encoding, hasTag, integerFromBytes, malformed, oid, parseDer, sequence } from './asn1.js';
import { type DistributionPoint, parseDistributionPoints } from './distribution-point.js';
import {
  type BasicConstraints, type PolicyConstraints, type PolicyInformation, type PolicyMapping,
  parseAuthorityKeyIdentifier, parseBasicConstraints, parseCertificatePolicies, parseExtKeyUsage, parseInhibitAnyPolicy,
  parseKeyUsage, parsePolicyConstraints, parsePolicyMappings, parseSubjectKeyIdentifier,
} from './extensions.js';
import { type GeneralName, parseGeneralNamesSequence } from './general-name.js';
import { type DistinguishedName, nameFromNode, namesEqual } from './name.js';
import { type NameConstraints, parseNameConstraints } from './name-constraints.js';
import { Oid } from './oids.js';
import { PathCode } from './codes.js';
import { PathFailure } from './failure.js';

/** One extension as encoded (§4.1.2.9). */
export interface RawExtension {
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** An AlgorithmIdentifier: OID and the DER of its parameters (undefined when absent). */
export interface AlgorithmId {
  readonly oid: string;
  readonly parameters: Uint8Array | undefined;
}

/** What the signature check needs of anything signed (certificate or CRL). */
export interface SignedObject {
  /** The exact to-be-signed bytes. */
  readonly tbs: Uint8Array;
  readonly signatureAlgorithm: AlgorithmId;
  /** The signature BIT STRING's octets (no unused-bits octet). */
  readonly signature: Uint8Array;
  /** False when the signature BIT STRING has unused bits: no supported algorithm produces that. */
  readonly signatureOctetAligned: boolean;
}

/** A parsed certificate. */
export interface ParsedCertificate extends SignedObject {
  readonly der: Uint8Array;
  /** SHA-256 of the DER, hex: identifies the certificate in caches and loops. */
  readonly id: string;
  /** 1, 2 or 3. */
  readonly version: number;
  readonly serial: bigint;
  readonly issuer: DistinguishedName;
  readonly subject: DistinguishedName;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
  readonly keyAlgorithm: AlgorithmId;
  /** Subject and issuer match (§6.1: "self-issued"). */
  readonly selfIssued: boolean;
  readonly extensions: ReadonlyMap<string, RawExtension>;
  readonly basicConstraints: BasicConstraints | undefined;
  /** KeyUsage mask (see `KeyUsage`), undefined when the extension is absent. */
  readonly keyUsage: number | undefined;
  readonly subjectKeyId: Uint8Array | undefined;
  readonly authorityKeyId: Uint8Array | undefined;
  readonly subjectAltNames: readonly GeneralName[] | undefined;
  readonly issuerAltNames: readonly GeneralName[] | undefined;
  readonly nameConstraints: NameConstraints | undefined;
  readonly policies: readonly PolicyInformation[] | undefined;
  readonly policyMappings: readonly PolicyMapping[] | undefined;
  readonly policyConstraints: PolicyConstraints | undefined;
  readonly inhibitAnyPolicy: number | undefined;
  readonly extKeyUsage: readonly string[] | undefined;
  readonly crlDistributionPoints: readonly DistributionPoint[] | undefined;
  readonly freshestCrl: readonly DistributionPoint[] | undefined;
}

/** Reads an AlgorithmIdentifier SEQUENCE { algorithm OID, parameters ANY OPTIONAL }. */
export function parseAlgorithmId(node: Asn1Node, what: string): AlgorithmId {
  const [id, parameters, extra] = sequence(node, what);
  if (!id || extra) malformed(what);
  return { oid: oid(id, what), parameters: parameters ? encoding(parameters) : undefined };
}

/** Reads a signature BIT STRING: its octets and whether it has no unused bits. */
export function signatureBits(node: Asn1Node, what: string): { bits: Uint8Array; aligned: boolean } {
  if (!hasTag(node, TagClass.UNIVERSAL, Tag.BIT_STRING)) malformed(what);
  const value = contents(node, what);
  const unused = value[0];
  if (unused === undefined || unused > 7) malformed(what);
  return { bits: value.subarray(1), aligned: unused === 0 };
}

/** Collects extensions, refusing duplicates (§4.2: "MUST NOT include more than one instance"). */
export function collectExtensions(list: readonly pkijs.Extension[] | undefined, what: string): Map<string, RawExtension> {
  const map = new Map<string, RawExtension>();
  for (const extension of list ?? []) {
    if (map.has(extension.extnID)) malformed(`${what} (duplicate extension ${extension.extnID})`);
    map.set(extension.extnID, { critical: extension.critical, value: extension.extnValue.valueBlock.valueHexView });
  }
  return map;
}

function decode<T>(extensions: ReadonlyMap<string, RawExtension>, id: string, parse: (der: Uint8Array) => T): T | undefined {
  const extension = extensions.get(id);
  return extension ? parse(extension.value) : undefined;
}

function fromPkijs(root: Asn1Node): pkijs.Certificate {
  try {
    return new pkijs.Certificate({ schema: root });
  } catch (error) {
    throw new PathFailure(PathCode.CERTIFICATE_MALFORMED, `not an X.509 certificate: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const parsedCache = new Map<string, ParsedCertificate>();
/** Parsed certificates kept (least recently used dropped first): anchors and intermediates repeat. */
const PARSED_CACHE_LIMIT = 512;

/**
 * Parses a DER certificate. Throws `PathFailure(CERTIFICATE_MALFORMED)` when it is not a well-formed
 * RFC 5280 certificate (trailing bytes, mismatched signature algorithms, duplicate or undecodable
 * extensions, extensions in a v1/v2 certificate). Parsing is a pure function of the bytes, so results
 * are memoised by SHA-256; the returned object must be treated as immutable.
 */
export function parseCertificate(input: Uint8Array): ParsedCertificate {
  const id = createHash('sha256').update(input).digest('hex');
  const cached = parsedCache.get(id);
  if (cached) {
    parsedCache.delete(id);
    parsedCache.set(id, cached);
    return cached;
  }
  const parsed = parseUncached(new Uint8Array(input), id);
  if (parsedCache.size >= PARSED_CACHE_LIMIT) parsedCache.delete(parsedCache.keys().next().value ?? '');
  parsedCache.set(id, parsed);
  return parsed;
}

function parseUncached(der: Uint8Array, id: string): ParsedCertificate {
  const root = parseDer(der, 'certificate');
  const [tbsNode, outerAlgorithm, signatureNode, extra] = sequence(root, 'certificate');
  if (!tbsNode || !outerAlgorithm || !signatureNode || extra) malformed('certificate');
  const certificate = fromPkijs(root);

  // TBSCertificate ::= SEQUENCE { [0] version, serialNumber, signature, issuer, validity, subject, spki, … }
  const tbsFields = sequence(tbsNode, 'TBSCertificate');
  const offset = tbsFields[0] && hasTag(tbsFields[0], TagClass.CONTEXT, 0) ? 1 : 0;
  const [serialNode, innerAlgorithm, issuerNode, , subjectNode, spkiNode] = tbsFields.slice(offset);
  if (!serialNode || !innerAlgorithm || !issuerNode || !subjectNode || !spkiNode) malformed('TBSCertificate');

  const signatureAlgorithm = parseAlgorithmId(outerAlgorithm, 'signatureAlgorithm');
  // §4.1.1.2: signatureAlgorithm MUST contain the same algorithm identifier as the signature field.
  if (Buffer.compare(encoding(outerAlgorithm), encoding(innerAlgorithm)) !== 0) malformed('certificate (signature algorithms differ)');
  const version = certificate.version + 1;
  if (version < 1 || version > 3) malformed('certificate version');
  if (version < 3 && certificate.extensions !== undefined) malformed('certificate (extensions in a v1/v2 certificate)');

  const extensions = collectExtensions(certificate.extensions, 'certificate');
  const issuer = nameFromNode(issuerNode);
  const subject = nameFromNode(subjectNode);
  const [keyAlgorithmNode] = sequence(spkiNode, 'SubjectPublicKeyInfo');
  if (!keyAlgorithmNode) malformed('SubjectPublicKeyInfo');
  if (!hasTag(serialNode, TagClass.UNIVERSAL, Tag.INTEGER)) malformed('serialNumber');

  const signatureValue = signatureBits(signatureNode, 'signatureValue');
  return {
    der,
    id,
    version,
    serial: integerFromBytes(contents(serialNode, 'serialNumber'), 'serialNumber'),
    issuer,
    subject,
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    spki: encoding(spkiNode),
    keyAlgorithm: parseAlgorithmId(keyAlgorithmNode, 'SubjectPublicKeyInfo algorithm'),
    tbs: encoding(tbsNode),
    signatureAlgorithm,
    signature: signatureValue.bits,
    signatureOctetAligned: signatureValue.aligned,
    selfIssued: namesEqual(issuer, subject),
    extensions,
    basicConstraints: decode(extensions, Oid.basicConstraints, parseBasicConstraints),
    keyUsage: decode(extensions, Oid.keyUsage, parseKeyUsage),
    subjectKeyId: decode(extensions, Oid.subjectKeyIdentifier, parseSubjectKeyIdentifier),
    authorityKeyId: decode(extensions, Oid.authorityKeyIdentifier, parseAuthorityKeyIdentifier),
    subjectAltNames: decode(extensions, Oid.subjectAltName, (value) => parseGeneralNamesSequence(parseDer(value, 'subjectAltName'), 'subjectAltName')),
    issuerAltNames: decode(extensions, Oid.issuerAltName, (value) => parseGeneralNamesSequence(parseDer(value, 'issuerAltName'), 'issuerAltName')),
    nameConstraints: decode(extensions, Oid.nameConstraints, parseNameConstraints),
    policies: decode(extensions, Oid.certificatePolicies, parseCertificatePolicies),
    policyMappings: decode(extensions, Oid.policyMappings, parsePolicyMappings),
    policyConstraints: decode(extensions, Oid.policyConstraints, parsePolicyConstraints),
    inhibitAnyPolicy: decode(extensions, Oid.inhibitAnyPolicy, parseInhibitAnyPolicy),
    extKeyUsage: decode(extensions, Oid.extKeyUsage, parseExtKeyUsage),
    crlDistributionPoints: decode(extensions, Oid.cRLDistributionPoints, parseDistributionPoints),
    freshestCrl: decode(extensions, Oid.freshestCRL, parseDistributionPoints),
  };
}
