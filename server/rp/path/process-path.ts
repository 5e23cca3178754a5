/**
 * RFC 5280 §6.1 basic path validation of one candidate path: initialization (§6.1.2), basic
 * certificate processing (§6.1.3), preparation for the next certificate (§6.1.4) and wrap-up
 * (§6.1.5). Revocation (§6.1.3 (a)(3)) is checked separately by revocation.ts once this succeeds.
 *
 * The trust anchor is trusted input (§6.1.1 (d)): its subject name and public key start the path,
 * and — as §6.2 allows — its basicConstraints path length, name constraints and keyUsage (when
 * present) restrict the path. Its validity period, signature and policies are not examined.
 */
import { type ParsedCertificate } from './certificate.js';
import { PathCode } from './codes.js';
import { type ValidationContext } from './context.js';
import { KeyUsage } from './extensions.js';
import { fail } from './failure.js';
import { nameToString, namesEqual } from './name.js';
import { type NameConstraints, checkNameConstraints, constrainedNames } from './name-constraints.js';
import { Oid, PROCESSED_CERTIFICATE_EXTENSIONS } from './oids.js';
import { PolicyTree } from './policy-tree.js';

/** The policy inputs of §6.1.1 (c), (e), (f), (g). */
export interface PolicyInputs {
  /** user-initial-policy-set; undefined means any-policy. */
  readonly initialPolicySet: ReadonlySet<string> | undefined;
  readonly explicitPolicy: boolean;
  readonly policyMappingInhibit: boolean;
  readonly anyPolicyInhibit: boolean;
}

/** The defaults: any policy, nothing required or inhibited. */
export const DEFAULT_POLICY_INPUTS: PolicyInputs = { initialPolicySet: undefined, explicitPolicy: false, policyMappingInhibit: false, anyPolicyInhibit: false };

/** A candidate certification path: the anchor, then certificates 1..n (the target last). */
export interface CandidatePath {
  readonly anchor: ParsedCertificate;
  readonly certificates: readonly ParsedCertificate[];
}

/** §6.1.6 outputs used by callers. */
export interface PathOutput {
  /** The user-constrained policy set after §6.1.5 (g), in the anchor's policy domain; empty if NULL. */
  readonly userConstrainedPolicySet: readonly string[];
}

function describe(certificate: ParsedCertificate): string {
  return `"${nameToString(certificate.subject)}"`;
}

// §6.1.4 (o) / §6.1.5 (f): critical extensions must be ones this validator processes.
function checkCriticalExtensions(certificate: ParsedCertificate): void {
  for (const [id, extension] of certificate.extensions) {
    if (extension.critical && !PROCESSED_CERTIFICATE_EXTENSIONS.has(id)) {
      fail(PathCode.UNKNOWN_CRITICAL_EXTENSION, `the certificate for ${describe(certificate)} has the unrecognised critical extension ${id}`);
    }
  }
}

/**
 * Runs §6.1 over `path` at `context.time`. Resolves with the outputs or throws `PathFailure`.
 */
export async function processPath(path: CandidatePath, context: ValidationContext, inputs: PolicyInputs): Promise<PathOutput> {
  const { anchor, certificates } = path;
  const n = certificates.length;
  // §6.1.2 initialization.
  const tree = new PolicyTree();
  const constraints: NameConstraints[] = anchor.nameConstraints ? [anchor.nameConstraints] : [];
  let explicitPolicy = inputs.explicitPolicy ? 0 : n + 1;
  let inhibitAnyPolicy = inputs.anyPolicyInhibit ? 0 : n + 1;
  let policyMapping = inputs.policyMappingInhibit ? 0 : n + 1;
  let workingIssuer = anchor;
  let maxPathLength = Math.min(n, anchor.basicConstraints?.pathLen ?? n);
  if (anchor.keyUsage !== undefined && (anchor.keyUsage & KeyUsage.keyCertSign) === 0) {
    fail(PathCode.KEY_USAGE_CERT_SIGN_MISSING, `the trust anchor ${describe(anchor)} may not sign certificates (keyUsage lacks keyCertSign)`);
  }

  for (let i = 1; i <= n; i++) {
    const certificate = certificates[i - 1];
    if (!certificate) break;
    const last = i === n;
    // §6.1.3 (a)(4): name chaining.
    if (!namesEqual(certificate.issuer, workingIssuer.subject)) {
      fail(PathCode.NO_PATH, `the issuer of ${describe(certificate)} is not ${describe(workingIssuer)}`);
    }
    // §6.1.3 (a)(1): signature with the working public key.
    if (!(await context.verify(certificate, certificate.id, workingIssuer))) {
      fail(PathCode.SIGNATURE_INVALID, `the signature on the certificate for ${describe(certificate)} does not verify with the key of ${describe(workingIssuer)}`);
    }
    // §6.1.3 (a)(2): validity period.
    if (context.time < certificate.notBefore) {
      fail(PathCode.CERTIFICATE_NOT_YET_VALID, `the certificate for ${describe(certificate)} is not valid before ${certificate.notBefore.toISOString()}`);
    }
    if (context.time > certificate.notAfter) {
      fail(PathCode.CERTIFICATE_EXPIRED, `the certificate for ${describe(certificate)} expired at ${certificate.notAfter.toISOString()}`);
    }
    // §6.1.3 (b), (c): name constraints, except for intermediate self-issued certificates.
    if (!certificate.selfIssued || last) {
      checkNameConstraints(constrainedNames(certificate.subject, certificate.subjectAltNames), constraints, certificate.subject);
    }
    // §6.1.3 (d), (e): certificate policies.
    if (certificate.policies && !tree.isNull()) {
      tree.processCertificate(i, certificate.policies, inhibitAnyPolicy > 0 || (!last && certificate.selfIssued));
    }
    if (!certificate.policies) tree.setNull();
    // §6.1.3 (f)
    if (explicitPolicy === 0 && tree.isNull()) {
      fail(PathCode.POLICY_INVALID, `an explicit certificate policy is required, and no acceptable policy remains at ${describe(certificate)}`);
    }

    if (last) {
      // §6.1.5 wrap-up.
      if (explicitPolicy !== 0) explicitPolicy--; // (a)
      if (certificate.policyConstraints?.requireExplicitPolicy === 0) explicitPolicy = 0; // (b)
      checkCriticalExtensions(certificate); // (f)
      tree.intersect(n, inputs.initialPolicySet); // (g)
      if (explicitPolicy === 0 && tree.isNull()) {
        fail(PathCode.POLICY_INVALID, 'an explicit certificate policy is required, and the path is valid for none of the acceptable policies');
      }
      return { userConstrainedPolicySet: tree.isNull() ? [] : tree.userConstrainedPolicies(n) };
    }

    // §6.1.4 preparation for certificate i+1.
    const mappings = certificate.policyMappings;
    if (mappings) {
      // (a)
      if (mappings.some((m) => m.issuerDomainPolicy === Oid.anyPolicy || m.subjectDomainPolicy === Oid.anyPolicy)) {
        fail(PathCode.POLICY_INVALID, `the certificate for ${describe(certificate)} maps a policy to or from anyPolicy`);
      }
      // (b)
      const anyPolicyQualifiers = certificate.policies?.find((p) => p.oid === Oid.anyPolicy)?.qualifiers ?? [];
      tree.applyMappings(i, mappings, policyMapping > 0, anyPolicyQualifiers);
    }
    // (c)–(f): the working issuer name, key, parameters and algorithm come from this certificate.
    workingIssuer = certificate;
    // (g)
    if (certificate.nameConstraints) constraints.push(certificate.nameConstraints);
    // (h)
    if (!certificate.selfIssued) {
      if (explicitPolicy !== 0) explicitPolicy--;
      if (policyMapping !== 0) policyMapping--;
      if (inhibitAnyPolicy !== 0) inhibitAnyPolicy--;
    }
    // (i)
    const policyConstraints = certificate.policyConstraints;
    if (policyConstraints?.requireExplicitPolicy !== undefined && policyConstraints.requireExplicitPolicy < explicitPolicy) {
      explicitPolicy = policyConstraints.requireExplicitPolicy;
    }
    if (policyConstraints?.inhibitPolicyMapping !== undefined && policyConstraints.inhibitPolicyMapping < policyMapping) {
      policyMapping = policyConstraints.inhibitPolicyMapping;
    }
    // (j)
    if (certificate.inhibitAnyPolicy !== undefined && certificate.inhibitAnyPolicy < inhibitAnyPolicy) inhibitAnyPolicy = certificate.inhibitAnyPolicy;
    // (k): v1/v2 intermediates are rejected, as the RFC permits.
    if (certificate.basicConstraints?.ca !== true) {
      fail(PathCode.NOT_A_CA, `the certificate for ${describe(certificate)} issues certificates but is not a CA certificate (basicConstraints cA)`);
    }
    // (l)
    if (!certificate.selfIssued) {
      if (maxPathLength <= 0) fail(PathCode.PATH_LENGTH_EXCEEDED, `the path is longer than a pathLenConstraint allows at ${describe(certificate)}`);
      maxPathLength--;
    }
    // (m)
    const pathLen = certificate.basicConstraints.pathLen;
    if (pathLen !== undefined && pathLen < maxPathLength) maxPathLength = pathLen;
    // (n)
    if (certificate.keyUsage !== undefined && (certificate.keyUsage & KeyUsage.keyCertSign) === 0) {
      fail(PathCode.KEY_USAGE_CERT_SIGN_MISSING, `the certificate for ${describe(certificate)} may not sign certificates (keyUsage lacks keyCertSign)`);
    }
    // (o)
    checkCriticalExtensions(certificate);
  }
  return fail(PathCode.NO_PATH, 'empty certification path');
}
