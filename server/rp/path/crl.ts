/**
 * A CRL as revocation checking sees it (RFC 5280 §5): pkijs parses the CertificateList; this module
 * reads the exact TBS and names and decodes the CRL and entry extensions §6.3 needs. A CRL that is
 * not well-formed DER is refused with `CRL_INVALID`.
 */
import { createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import { TagClass, Tag, encoding, hasTag, integer, integerFromBytes, malformed, parseDer, sequence } from './asn1.js';
import { type RawExtension, type SignedObject, collectExtensions, parseAlgorithmId, signatureBits } from './certificate.js';
import { PathCode } from './codes.js';
import { type IssuingDistributionPoint, parseIssuingDistributionPoint } from './distribution-point.js';
import { parseAuthorityKeyIdentifier, parseIntegerExtension } from './extensions.js';
import { PathFailure } from './failure.js';
import { parseGeneralNamesSequence } from './general-name.js';
import { type DistinguishedName, nameFromNode } from './name.js';
import { Oid, PROCESSED_CRL_ENTRY_EXTENSIONS, PROCESSED_CRL_EXTENSIONS } from './oids.js';

/** CRLReason (§5.3.1). */
export const CrlReason = {
  unspecified: 0, keyCompromise: 1, cACompromise: 2, affiliationChanged: 3, superseded: 4,
  cessationOfOperation: 5, certificateHold: 6, removeFromCRL: 8, privilegeWithdrawn: 9, aACompromise: 10,
} as const;

const REASON_NAMES = new Map<number, string>(Object.entries(CrlReason).map(([name, value]) => [value, name]));

/** The name of a CRLReason value, for messages. */
export function reasonName(reason: number): string {
  return REASON_NAMES.get(reason) ?? `reason ${reason}`;
}

/** One revokedCertificates entry. */
export interface CrlEntry {
  readonly serial: bigint;
  /**
   * §5.3.3: the directory names of the entry's certificate issuer in an indirect CRL (from its own
   * certificateIssuer extension or the preceding entry's); undefined in a direct CRL, where every
   * entry belongs to the CRL issuer.
   */
  readonly certificateIssuer: readonly DistinguishedName[] | undefined;
  /** CRLReason; `unspecified` when the reasonCode entry extension is absent (§6.3.3 (i)(2)). */
  readonly reason: number;
}

/** A parsed CRL. */
export interface ParsedCrl extends SignedObject {
  /** Position in the caller's `crls` list, for messages. */
  readonly index: number;
  readonly id: string;
  readonly issuer: DistinguishedName;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly extensions: ReadonlyMap<string, RawExtension>;
  readonly crlNumber: bigint | undefined;
  /** BaseCRLNumber when this is a delta CRL (§5.2.4). */
  readonly deltaBase: bigint | undefined;
  readonly issuingDistributionPoint: IssuingDistributionPoint | undefined;
  readonly authorityKeyId: Uint8Array | undefined;
  readonly entries: readonly CrlEntry[];
  /**
   * Why this CRL must not be used to determine any status (§5.2: an unprocessed critical CRL
   * extension; §5.3: an unprocessed critical entry extension), or undefined.
   */
  readonly unusable: string | undefined;
}

function directoryNames(der: Uint8Array): DistinguishedName[] {
  return parseGeneralNamesSequence(parseDer(der, 'certificateIssuer'), 'certificateIssuer')
    .flatMap((name) => (name.kind === 'directory' ? [name.name] : []));
}

function parseEntries(crl: pkijs.CertificateRevocationList, indirect: boolean, issuer: DistinguishedName): { entries: CrlEntry[]; unusable: string | undefined } {
  let unusable: string | undefined;
  // §5.3.3: in an indirect CRL the first entry's issuer defaults to the CRL issuer; later entries
  // inherit the preceding entry's.
  let currentIssuer: readonly DistinguishedName[] = [issuer];
  const entries = (crl.revokedCertificates ?? []).map((entry): CrlEntry => {
    const extensions = collectExtensions(entry.crlEntryExtensions?.extensions, 'CRL entry');
    for (const [id, extension] of extensions) {
      if (extension.critical && !PROCESSED_CRL_ENTRY_EXTENSIONS.has(id)) unusable ??= `it has an entry with the unrecognised critical extension ${id}`;
    }
    const reasonExtension = extensions.get(Oid.reasonCode);
    let reason: number = CrlReason.unspecified;
    if (reasonExtension) {
      const node = parseDer(reasonExtension.value, 'reasonCode');
      if (!hasTag(node, TagClass.UNIVERSAL, Tag.ENUMERATED)) malformed('reasonCode');
      reason = Number(integer(node, 'reasonCode'));
    }
    const issuerExtension = extensions.get(Oid.certificateIssuer);
    if (issuerExtension) currentIssuer = directoryNames(issuerExtension.value);
    return {
      serial: integerFromBytes(entry.userCertificate.valueBlock.valueHexView, 'CRL entry serial'),
      certificateIssuer: indirect ? currentIssuer : undefined,
      reason,
    };
  });
  return { entries, unusable };
}

function parse(der: Uint8Array, id: string): Omit<ParsedCrl, 'index'> {
  const root = parseDer(der, 'CRL');
  const [tbsNode, outerAlgorithm, signatureNode, extra] = sequence(root, 'CRL');
  if (!tbsNode || !outerAlgorithm || !signatureNode || extra) malformed('CRL');
  const crl = new pkijs.CertificateRevocationList({ schema: root });
  // TBSCertList ::= SEQUENCE { version OPTIONAL, signature, issuer, thisUpdate, nextUpdate OPTIONAL, … }
  const fields = sequence(tbsNode, 'TBSCertList');
  const offset = fields[0] && hasTag(fields[0], TagClass.UNIVERSAL, Tag.INTEGER) ? 1 : 0;
  const [innerAlgorithm, issuerNode] = fields.slice(offset);
  if (!innerAlgorithm || !issuerNode) malformed('TBSCertList');
  // §5.1.2.2: the signature field MUST equal signatureAlgorithm.
  if (Buffer.compare(encoding(outerAlgorithm), encoding(innerAlgorithm)) !== 0) malformed('CRL (signature algorithms differ)');
  const extensions = collectExtensions(crl.crlExtensions?.extensions, 'CRL');
  if (crl.version === 0 && crl.crlExtensions !== undefined) malformed('CRL (extensions in a v1 CRL)');
  const issuer = nameFromNode(issuerNode);
  const idpExtension = extensions.get(Oid.issuingDistributionPoint);
  const issuingDistributionPoint = idpExtension ? parseIssuingDistributionPoint(idpExtension.value) : undefined;
  const { entries, unusable: entryProblem } = parseEntries(crl, issuingDistributionPoint?.indirectCRL ?? false, issuer);
  let unusable: string | undefined;
  for (const [id, extension] of extensions) {
    if (extension.critical && !PROCESSED_CRL_EXTENSIONS.has(id)) unusable ??= `it has the unrecognised critical extension ${id}`;
  }
  const numberExtension = extensions.get(Oid.cRLNumber);
  const deltaExtension = extensions.get(Oid.deltaCRLIndicator);
  const akiExtension = extensions.get(Oid.authorityKeyIdentifier);
  const signature = signatureBits(signatureNode, 'CRL signatureValue');
  return {
    id,
    tbs: encoding(tbsNode),
    signatureAlgorithm: parseAlgorithmId(outerAlgorithm, 'CRL signatureAlgorithm'),
    signature: signature.bits,
    signatureOctetAligned: signature.aligned,
    issuer,
    thisUpdate: crl.thisUpdate.value,
    nextUpdate: crl.nextUpdate?.value,
    extensions,
    crlNumber: numberExtension ? parseIntegerExtension(numberExtension.value, 'cRLNumber') : undefined,
    deltaBase: deltaExtension ? parseIntegerExtension(deltaExtension.value, 'deltaCRLIndicator') : undefined,
    issuingDistributionPoint,
    authorityKeyId: akiExtension ? parseAuthorityKeyIdentifier(akiExtension.value) : undefined,
    entries,
    unusable: unusable ?? entryProblem,
  };
}

const parsedCache = new Map<string, Omit<ParsedCrl, 'index'>>();
/** Parsed CRLs kept (least recently used dropped first): the same CRLs come with every validation. */
const PARSED_CACHE_LIMIT = 64;

/**
 * Parses the `index`th CRL of the input. Throws `PathFailure(CRL_INVALID)` if it is not a well-formed
 * CRL. Parsing is a pure function of the bytes, so results are memoised by SHA-256.
 */
export function parseCrl(der: Uint8Array, index: number): ParsedCrl {
  const id = createHash('sha256').update(der).digest('hex');
  const cached = parsedCache.get(id);
  if (cached) {
    parsedCache.delete(id);
    parsedCache.set(id, cached);
    return { ...cached, index };
  }
  try {
    const parsed = parse(new Uint8Array(der), id);
    if (parsedCache.size >= PARSED_CACHE_LIMIT) parsedCache.delete(parsedCache.keys().next().value ?? '');
    parsedCache.set(id, parsed);
    return { ...parsed, index };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PathFailure(PathCode.CRL_INVALID, `CRL #${index + 1} is not a well-formed CRL: ${message}`);
  }
}
