/** Object identifiers the path validator recognises (RFC 5280 §4.2, §5.2, §5.3; RFC 4055; RFC 5758). */
export const Oid = {
  // Certificate extensions (RFC 5280 §4.2.1).
  authorityKeyIdentifier: '2.5.29.35',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  cRLDistributionPoints: '2.5.29.31',
  inhibitAnyPolicy: '2.5.29.54',
  freshestCRL: '2.5.29.46',
  // CRL extensions (§5.2) and CRL entry extensions (§5.3).
  cRLNumber: '2.5.29.20',
  deltaCRLIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  certificateIssuer: '2.5.29.29',
  holdInstructionCode: '2.5.29.23',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  // Policies (§4.2.1.4).
  anyPolicy: '2.5.29.32.0',
} as const;

/** Certificate extensions this validator processes, so they may be critical (§6.1.4 (o), §6.1.5 (f)). */
export const PROCESSED_CERTIFICATE_EXTENSIONS: ReadonlySet<string> = new Set([
  Oid.authorityKeyIdentifier, Oid.subjectKeyIdentifier, Oid.keyUsage, Oid.certificatePolicies,
  Oid.policyMappings, Oid.subjectAltName, Oid.basicConstraints, Oid.nameConstraints, Oid.policyConstraints,
  // Extended key usage is not part of §6.1; the caller (e.g. verifyAuthToken) checks it for the leaf.
  Oid.extKeyUsage,
  Oid.cRLDistributionPoints, Oid.inhibitAnyPolicy, Oid.freshestCRL,
]);

/** CRL extensions this validator processes (§5.2): a CRL with any other critical one is not used. */
export const PROCESSED_CRL_EXTENSIONS: ReadonlySet<string> = new Set([
  Oid.authorityKeyIdentifier, Oid.issuerAltName, Oid.cRLNumber, Oid.deltaCRLIndicator,
  Oid.issuingDistributionPoint, Oid.freshestCRL, Oid.authorityInfoAccess,
]);

/** CRL entry extensions this validator processes (§5.3): any other critical one makes the CRL unusable. */
export const PROCESSED_CRL_ENTRY_EXTENSIONS: ReadonlySet<string> = new Set([
  Oid.reasonCode, Oid.invalidityDate, Oid.certificateIssuer, Oid.holdInstructionCode,
]);
