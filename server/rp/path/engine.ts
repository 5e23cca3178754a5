/**
 * The validator behind `validateCertificatePath`: parses the inputs, builds candidate paths from the
 * target to a trust anchor, runs §6.1 on each and §6.3 on the first that passes, and reports the
 * result with the §6.1.6 outputs. Never throws: every failure becomes `{ ok: false, code, message }`.
 */
import { buildPath } from './build.js';
import { type ParsedCertificate, parseCertificate } from './certificate.js';
import { PathCode } from './codes.js';
import { ValidationContext } from './context.js';
import { type ParsedCrl, parseCrl } from './crl.js';
import { PathFailure, fail } from './failure.js';
import { Oid } from './oids.js';
import { type PathOutput, type PolicyInputs, processPath } from './process-path.js';
import { checkPathRevocation } from './revocation.js';

/** The engine's input: the fields of `ValidatePathInput`. */
export interface EngineInput {
  readonly leaf: Uint8Array;
  readonly intermediates: readonly Uint8Array[];
  readonly trustAnchors: readonly Uint8Array[];
  readonly crls?: readonly Uint8Array[] | undefined;
  readonly time: Date;
  readonly policy?: {
    readonly initialPolicySet?: readonly string[] | undefined;
    readonly explicitPolicy?: boolean | undefined;
    readonly policyMappingInhibit?: boolean | undefined;
    readonly anyPolicyInhibit?: boolean | undefined;
  } | undefined;
  readonly revocation?: 'crl' | 'none' | undefined;
}

/** The engine's result: the public result plus the policy output of §6.1.6. */
export type EngineResult =
  | { readonly ok: true; readonly path: Uint8Array[]; readonly userConstrainedPolicySet: readonly string[] }
  | { readonly ok: false; readonly code: string; readonly message: string };

function parseOne(der: unknown, label: string): ParsedCertificate {
  if (!(der instanceof Uint8Array)) fail(PathCode.INPUT_INVALID, `${label} is not a Uint8Array`);
  try {
    return parseCertificate(der);
  } catch (error) {
    if (error instanceof PathFailure) throw new PathFailure(error.code, `${label}: ${error.message}`);
    throw error;
  }
}

function parseAll(list: readonly Uint8Array[] | undefined, role: string): ParsedCertificate[] {
  if (!Array.isArray(list)) fail(PathCode.INPUT_INVALID, `${role}s must be an array of DER certificates`);
  return list.map((der, index) => parseOne(der, `${role} #${index + 1}`));
}

function policyInputs(policy: EngineInput['policy']): PolicyInputs {
  const set = policy?.initialPolicySet;
  // An absent or empty set, or one containing anyPolicy, is the special value any-policy (§6.1.1 (c)).
  const any = set === undefined || set.length === 0 || set.includes(Oid.anyPolicy);
  return {
    initialPolicySet: any ? undefined : new Set(set),
    explicitPolicy: policy?.explicitPolicy === true,
    policyMappingInhibit: policy?.policyMappingInhibit === true,
    anyPolicyInhibit: policy?.anyPolicyInhibit === true,
  };
}

async function run(input: EngineInput): Promise<EngineResult> {
  if (typeof input !== 'object' || input === null) fail(PathCode.INPUT_INVALID, 'the input must be an object');
  if (!(input.time instanceof Date) || Number.isNaN(input.time.getTime())) fail(PathCode.INPUT_INVALID, 'time must be a valid Date');
  if (input.revocation !== undefined && input.revocation !== 'crl' && input.revocation !== 'none') fail(PathCode.INPUT_INVALID, "revocation must be 'crl' or 'none'");
  const leaf = parseOne(input.leaf, 'leaf certificate');
  const intermediates = parseAll(input.intermediates, 'intermediate certificate');
  const anchors = parseAll(input.trustAnchors, 'trust anchor');
  if (anchors.length === 0) fail(PathCode.NO_PATH, 'no trust anchors were given');
  const checkRevocation = input.revocation !== 'none';
  const crlInput = input.crls ?? [];
  if (!Array.isArray(crlInput)) fail(PathCode.INPUT_INVALID, 'crls must be an array of DER CRLs');
  const crls: ParsedCrl[] = checkRevocation
    ? crlInput.map((der, index) => (der instanceof Uint8Array ? parseCrl(der, index) : fail(PathCode.INPUT_INVALID, `CRL #${index + 1} is not a Uint8Array`)))
    : [];
  const inputs = policyInputs(input.policy);
  const context = new ValidationContext(input.time, intermediates, crls, checkRevocation);
  const { path, output } = await buildPath(leaf, anchors, context, async (candidate) => {
    const result: PathOutput = await processPath(candidate, context, inputs);
    await checkPathRevocation(candidate, context);
    return { path: candidate, output: result };
  });
  return {
    ok: true,
    // Copies: the parsed certificates are memoised and must not be reachable for mutation.
    path: [path.anchor.der, ...path.certificates.map((c) => c.der)].map((der) => der.slice()),
    userConstrainedPolicySet: output.userConstrainedPolicySet,
  };
}

/** Validates a certification path; see `validateCertificatePath`. Never throws. */
export async function runValidation(input: EngineInput): Promise<EngineResult> {
  try {
    return await run(input);
  } catch (error) {
    if (error instanceof PathFailure) return { ok: false, code: error.code, message: error.message };
    return { ok: false, code: PathCode.INTERNAL, message: `internal error: ${error instanceof Error ? error.message : String(error)}` };
  }
}
