/**
 * `validateCertificatePath`: RFC 5280 certification path validation (§6.1) with CRL checking (§6.3),
 * on pkijs primitives and WebCrypto. The relying-party library and conformance harnesses call it.
 */
import { runValidation } from './engine.js';

/** Inputs, all DER. */
export interface ValidatePathInput {
  /** The target (end-entity) certificate. */
  leaf: Uint8Array;
  /** Untrusted certificates that may complete the path, in any order; unrelated ones are ignored. */
  intermediates: Uint8Array[];
  /**
   * Trusted certificates. Each is trusted input (its subject name, public key, and — when present —
   * basicConstraints path length, name constraints and keyUsage); it need not be self-signed, so an
   * issuing CA may be configured directly. Anchors themselves are not validated or revocation-checked.
   */
  trustAnchors: Uint8Array[];
  /** CRLs, complete and delta, direct and indirect, in any order. */
  crls?: Uint8Array[];
  /** The validation time (§6.1.1 (b)). */
  time: Date;
  /** §6.1.1 (c), (e)–(g). `initialPolicySet` (policy OIDs) absent, empty or containing anyPolicy means any-policy. */
  policy?: { initialPolicySet?: string[]; explicitPolicy?: boolean; policyMappingInhibit?: boolean; anyPolicyInhibit?: boolean };
  /** `'crl'` (default): every certificate of the path must be shown unrevoked by the CRLs; `'none'`: no revocation check. */
  revocation?: 'crl' | 'none';
}

/**
 * The outcome. On success `path` is the validated certification path, trust anchor first and leaf last:
 * `[anchor, intermediate…, leaf]`. On failure `code` is one of `PathCode` (server/rp/path/codes.ts).
 */
export type ValidatePathResult = { ok: true; path: Uint8Array[] } | { ok: false; code: string; message: string };

/**
 * Validates `input.leaf` against `input.trustAnchors` at `input.time`: builds a path through the
 * unordered intermediates (backtracking over every candidate issuer), checks signatures, validity,
 * name chaining, basic constraints and path length, key usage, name constraints, certificate policies
 * (mappings, explicit policy, inhibit-anyPolicy), unknown critical extensions, and — unless
 * `revocation: 'none'` — CRLs with scope, reasons, indirect and delta CRLs. Never throws: malformed
 * input yields `{ ok: false, code: 'CERTIFICATE_MALFORMED' | 'CRL_INVALID' | 'INPUT_INVALID', … }`.
 */
export async function validateCertificatePath(input: ValidatePathInput): Promise<ValidatePathResult> {
  const result = await runValidation(input);
  return result.ok ? { ok: true, path: result.path } : { ok: false, code: result.code, message: result.message };
}
