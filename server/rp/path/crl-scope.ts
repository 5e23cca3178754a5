/**
 * Which CRLs speak for a certificate, and for which reasons: RFC 5280 §6.3.3 (b) issuer and scope,
 * (c) a delta CRL's match with its complete CRL (§5.2.4), (d) the interim reasons mask, and §5.3.3
 * entry matching in direct and indirect CRLs. Pure functions, no signatures.
 */
import { type ParsedCertificate } from './certificate.js';
import { type CrlEntry, type ParsedCrl } from './crl.js';
import { ALL_REASONS, type DistributionPoint, type DistributionPointName } from './distribution-point.js';
import { type GeneralName, generalNamesEqual } from './general-name.js';
import { type DistinguishedName, appendRdn, nameToString, namesEqual } from './name.js';
import { bytesEqual } from '../../../src/bytes.js';

function directoryNames(names: readonly GeneralName[] | undefined): DistinguishedName[] {
  return (names ?? []).flatMap((name) => (name.kind === 'directory' ? [name.name] : []));
}

/**
 * The DP the RFC assumes for CRLs "not specified in a distribution point but issued by the
 * certificate issuer" (§6.3.3, last paragraph): no reasons, no cRLIssuer, and a name made of the
 * certificate's issuer and issuerAltName.
 */
export function defaultDistributionPoint(certificate: ParsedCertificate): DistributionPoint {
  const names: GeneralName[] = [{ kind: 'directory', name: certificate.issuer }, ...(certificate.issuerAltNames ?? [])];
  return { name: { kind: 'full', names }, reasons: undefined, crlIssuer: undefined };
}

// §4.2.1.13 / §5.2.5: nameRelativeToCRLIssuer is appended to the CRL issuer's DN.
function expand(name: DistributionPointName, crlIssuers: readonly DistinguishedName[]): GeneralName[] {
  if (name.kind === 'full') return [...name.names];
  return crlIssuers.map((issuer) => ({ kind: 'directory', name: appendRdn(issuer, name.rdn) }));
}

function overlap(a: readonly GeneralName[], b: readonly GeneralName[]): boolean {
  return a.some((x) => b.some((y) => generalNamesEqual(x, y)));
}

/**
 * §6.3.3 (b): why complete CRL `crl` is not in scope for `certificate` through distribution point
 * `dp`, or undefined when it is.
 */
export function scopeProblem(crl: ParsedCrl, dp: DistributionPoint, certificate: ParsedCertificate): string | undefined {
  // (b)(1)
  if (dp.crlIssuer) {
    if (!directoryNames(dp.crlIssuer).some((name) => namesEqual(name, crl.issuer))) return 'its issuer is not the cRLIssuer of the distribution point';
    if (!crl.issuingDistributionPoint?.indirectCRL) return 'the distribution point names a cRLIssuer but the CRL is not indirect';
  } else if (!namesEqual(crl.issuer, certificate.issuer)) {
    return 'its issuer is not the certificate issuer';
  }
  // (b)(2)
  const idp = crl.issuingDistributionPoint;
  if (!idp) return undefined;
  if (idp.name) {
    const idpNames = expand(idp.name, [crl.issuer]);
    // A DP's relative name is relative to its cRLIssuer, or else to the certificate issuer.
    const dpNames = dp.name ? expand(dp.name, dp.crlIssuer ? directoryNames(dp.crlIssuer) : [certificate.issuer]) : dp.crlIssuer ?? [];
    if (!overlap(idpNames, dpNames)) return 'its issuing distribution point does not match the distribution point';
  }
  const isCa = certificate.basicConstraints?.ca === true;
  if (idp.onlyContainsUserCerts && isCa) return 'it covers only end-entity certificates'; // (ii)
  if (idp.onlyContainsCACerts && !isCa) return 'it covers only CA certificates'; // (iii)
  if (idp.onlyContainsAttributeCerts) return 'it covers only attribute certificates'; // (iv)
  return undefined;
}

/** §6.3.3 (d): the reasons `crl` answers for through `dp`. */
export function interimReasons(crl: ParsedCrl, dp: DistributionPoint): number {
  return (crl.issuingDistributionPoint?.onlySomeReasons ?? ALL_REASONS) & (dp.reasons ?? ALL_REASONS);
}

/**
 * §5.2.4 conditions (a)–(d) and §6.3.3 (c): `delta` may update `complete` — same issuer, same scope
 * (identical issuingDistributionPoint or both absent), matching authority key identifiers, and
 * complete's CRL number at least the BaseCRLNumber and less than the delta's number.
 */
export function deltaApplies(delta: ParsedCrl, complete: ParsedCrl): boolean {
  if (delta.deltaBase === undefined || delta.crlNumber === undefined || complete.crlNumber === undefined) return false;
  if (!namesEqual(delta.issuer, complete.issuer)) return false;
  const a = delta.issuingDistributionPoint?.der;
  const b = complete.issuingDistributionPoint?.der;
  if ((a === undefined) !== (b === undefined) || (a && b && !bytesEqual(a, b))) return false;
  if (delta.authorityKeyId && complete.authorityKeyId && !bytesEqual(delta.authorityKeyId, complete.authorityKeyId)) return false;
  return complete.crlNumber >= delta.deltaBase && complete.crlNumber < delta.crlNumber;
}

/** §5.3.3: the entry of `crl` for `certificate` (serial number and, in indirect CRLs, issuer). */
export function findEntry(crl: ParsedCrl, certificate: ParsedCertificate): CrlEntry | undefined {
  return crl.entries.find((entry) => entry.serial === certificate.serial
    && (entry.certificateIssuer === undefined
      ? namesEqual(crl.issuer, certificate.issuer)
      : entry.certificateIssuer.some((name) => namesEqual(name, certificate.issuer))));
}

/** A short label for messages: `CRL #2 of "C=US, …, CN=Good CA"`. */
export function crlLabel(crl: ParsedCrl): string {
  return `CRL #${crl.index + 1} of "${nameToString(crl.issuer)}"`;
}
