/**
 * CRL distribution points (RFC 5280 §4.2.1.13), freshest CRL (§4.2.1.15) and the CRL's issuing
 * distribution point (§5.2.5), read from DER. pkijs keeps only the first byte of ReasonFlags, which
 * loses aACompromise, so these are parsed here.
 */
import { type Asn1Node, TagClass, boolean, bitMask, children, encoding, hasTag, malformed, parseDer, sequence } from './asn1.js';
import { type GeneralName, parseGeneralNames } from './general-name.js';
import { type NameAttribute, rdnFromNodes } from './name.js';

/** ReasonFlags bits keyCompromise(1) … aACompromise(8) as a mask (§4.2.1.13; unused(0) excluded). */
export const ALL_REASONS = 0x1fe;

/** `DistributionPointName` (§4.2.1.13). */
export type DistributionPointName =
  | { readonly kind: 'full'; readonly names: readonly GeneralName[] }
  | { readonly kind: 'relative'; readonly rdn: readonly NameAttribute[] };

/** One `DistributionPoint` of a cRLDistributionPoints or freshestCRL extension. */
export interface DistributionPoint {
  readonly name: DistributionPointName | undefined;
  /** ReasonFlags mask restricted to real reasons; undefined when the field is absent (all reasons). */
  readonly reasons: number | undefined;
  readonly crlIssuer: readonly GeneralName[] | undefined;
}

/** The issuingDistributionPoint CRL extension (§5.2.5). */
export interface IssuingDistributionPoint {
  readonly name: DistributionPointName | undefined;
  readonly onlyContainsUserCerts: boolean;
  readonly onlyContainsCACerts: boolean;
  /** ReasonFlags mask; undefined when absent (all reasons). */
  readonly onlySomeReasons: number | undefined;
  readonly indirectCRL: boolean;
  readonly onlyContainsAttributeCerts: boolean;
  /** The extension value's DER, to compare a delta CRL's scope with its base (§5.2.4 (b)). */
  readonly der: Uint8Array;
}

function parseDistributionPointName(node: Asn1Node): DistributionPointName {
  // [0] EXPLICIT DistributionPointName (a CHOICE, so the tag is explicit).
  const inner = children(node, 'DistributionPointName');
  const choice = inner[0];
  if (inner.length !== 1 || !choice) malformed('DistributionPointName');
  if (hasTag(choice, TagClass.CONTEXT, 0)) return { kind: 'full', names: parseGeneralNames(children(choice, 'fullName'), 'fullName') };
  if (hasTag(choice, TagClass.CONTEXT, 1)) {
    const attributes = rdnFromNodes(children(choice, 'nameRelativeToCRLIssuer'));
    if (attributes.length === 0) malformed('nameRelativeToCRLIssuer');
    return { kind: 'relative', rdn: attributes };
  }
  return malformed('DistributionPointName');
}

function parseDistributionPoint(node: Asn1Node): DistributionPoint {
  let name: DistributionPointName | undefined;
  let reasons: number | undefined;
  let crlIssuer: GeneralName[] | undefined;
  let last = -1;
  for (const field of sequence(node, 'DistributionPoint')) {
    const tag = field.idBlock.tagNumber;
    if (field.idBlock.tagClass !== TagClass.CONTEXT || tag <= last || tag > 2) malformed('DistributionPoint');
    last = tag;
    if (tag === 0) name = parseDistributionPointName(field);
    else if (tag === 1) reasons = bitMask(field, 'ReasonFlags') & ALL_REASONS;
    else crlIssuer = parseGeneralNames(children(field, 'cRLIssuer'), 'cRLIssuer');
  }
  // §4.2.1.13: either distributionPoint or cRLIssuer MUST be present.
  if (name === undefined && crlIssuer === undefined) malformed('DistributionPoint (neither name nor cRLIssuer)');
  return { name, reasons, crlIssuer };
}

/** Parses a cRLDistributionPoints / freshestCRL extension value. */
export function parseDistributionPoints(der: Uint8Array): DistributionPoint[] {
  const points = sequence(parseDer(der, 'CRLDistributionPoints'), 'CRLDistributionPoints').map(parseDistributionPoint);
  if (points.length === 0) malformed('CRLDistributionPoints (empty)');
  return points;
}

/** Parses an issuingDistributionPoint extension value (§5.2.5). */
export function parseIssuingDistributionPoint(der: Uint8Array): IssuingDistributionPoint {
  const root = parseDer(der, 'IssuingDistributionPoint');
  let name: DistributionPointName | undefined;
  let onlySomeReasons: number | undefined;
  const flags = [false, false, false, false, false, false];
  let last = -1;
  for (const field of sequence(root, 'IssuingDistributionPoint')) {
    const tag = field.idBlock.tagNumber;
    if (field.idBlock.tagClass !== TagClass.CONTEXT || tag <= last || tag > 5) malformed('IssuingDistributionPoint');
    last = tag;
    if (tag === 0) name = parseDistributionPointName(field);
    else if (tag === 3) onlySomeReasons = bitMask(field, 'onlySomeReasons') & ALL_REASONS;
    else flags[tag] = boolean(field, 'IssuingDistributionPoint flag');
  }
  const [, onlyContainsUserCerts = false, onlyContainsCACerts = false, , indirectCRL = false, onlyContainsAttributeCerts = false] = flags;
  // §5.2.5: at most one of the three "only contains" booleans may be asserted.
  if (Number(onlyContainsUserCerts) + Number(onlyContainsCACerts) + Number(onlyContainsAttributeCerts) > 1) {
    malformed('IssuingDistributionPoint (more than one onlyContains… asserted)');
  }
  return { name, onlyContainsUserCerts, onlyContainsCACerts, onlySomeReasons, indirectCRL, onlyContainsAttributeCerts, der: encoding(root) };
}
