/**
 * Certification path building (RFC 4158 in spirit): from the target, find issuers by subject name
 * (RFC 5280 §7.1 matching) among the trust anchors and the untrusted pool, preferring candidates whose
 * subjectKeyIdentifier matches the child's authorityKeyIdentifier, and try every complete path
 * depth-first with backtracking until one validates. Each issuer candidate's signature on the child
 * is checked before going deeper, which prunes dead branches early.
 */
import { type ParsedCertificate } from './certificate.js';
import { PathCode } from './codes.js';
import { BudgetExhausted, type ValidationContext } from './context.js';
import { PathFailure } from './failure.js';
import { nameToString, namesEqual } from './name.js';
import { type CandidatePath } from './process-path.js';
import { bytesEqual } from '../../../src/bytes.js';

/** Most intermediates a path may have. */
export const MAX_INTERMEDIATES = 12;

/** Validates one complete candidate path; resolves with a result or throws `PathFailure`. */
export type TryPath<T> = (path: CandidatePath) => Promise<T>;

/** How much a failure says about why the target cannot be trusted: higher wins. */
function rank(failure: PathFailure, complete: boolean): number {
  if (complete) return 3;
  if (failure.code === PathCode.NO_PATH || failure.code === PathCode.UNTRUSTED_ISSUER) return 1;
  return 2;
}

function hintMatches(child: ParsedCertificate, issuer: ParsedCertificate): number {
  if (!child.authorityKeyId || !issuer.subjectKeyId) return 1;
  return bytesEqual(child.authorityKeyId, issuer.subjectKeyId) ? 0 : 2;
}

function byHint(child: ParsedCertificate): (a: ParsedCertificate, b: ParsedCertificate) => number {
  return (a, b) => hintMatches(child, a) - hintMatches(child, b);
}

/** A `PathFailure` to note, or rethrows anything else (including an exhausted budget). */
export function asFailure(error: unknown): PathFailure {
  if (error instanceof PathFailure && !(error instanceof BudgetExhausted)) return error;
  throw error;
}

/**
 * Builds paths from `target` to one of `anchors` through `context.pool` and resolves with the result
 * of the first path `tryPath` accepts. If none is accepted, throws the most relevant failure: one from
 * a complete path first (the first tried), then a certificate none of whose same-named candidate
 * issuers signed it (bad signature or unsupported algorithm), then "no path".
 */
export async function buildPath<T>(target: ParsedCertificate, anchors: readonly ParsedCertificate[], context: ValidationContext, tryPath: TryPath<T>): Promise<T> {
  let best: { failure: PathFailure; rank: number } | undefined;
  const note = (failure: PathFailure, complete: boolean): void => {
    const r = rank(failure, complete);
    if (!best || r > best.rank) best = { failure, rank: r };
  };
  const anchorIds = new Set(anchors.map((a) => a.id));
  const pool = context.pool.filter((c) => !anchorIds.has(c.id));

  // Does `issuer` sign `child`? Errors are returned, to be noted only if no candidate signs `child`.
  const signs = async (child: ParsedCertificate, issuer: ParsedCertificate): Promise<PathFailure | undefined> => {
    try {
      if (await context.verify(child, child.id, issuer)) return undefined;
      return new PathFailure(PathCode.SIGNATURE_INVALID, `the signature on the certificate for "${nameToString(child.subject)}" does not verify with the key of "${nameToString(issuer.subject)}"`);
    } catch (error) {
      return asFailure(error);
    }
  };

  // chain: target first, each next element the issuer of the previous.
  const search = async (chain: readonly ParsedCertificate[]): Promise<{ value: T } | undefined> => {
    const current = chain[chain.length - 1];
    if (!current) return undefined;
    context.step();
    const anchorCandidates = anchors.filter((a) => namesEqual(a.subject, current.issuer)).sort(byHint(current));
    const poolCandidates = chain.length > MAX_INTERMEDIATES ? [] : pool
      .filter((c) => namesEqual(c.subject, current.issuer))
      // Never the same certificate, nor the same name and key, twice in a path (RFC 4158 §2.4.2).
      .filter((c) => !chain.some((d) => d.id === c.id || (namesEqual(d.subject, c.subject) && bytesEqual(d.spki, c.spki))))
      .sort(byHint(current));
    if (anchorCandidates.length === 0 && poolCandidates.length === 0) {
      note(current.selfIssued
        ? new PathFailure(PathCode.UNTRUSTED_ISSUER, `the chain ends at "${nameToString(current.subject)}", which is not a trust anchor`)
        : new PathFailure(PathCode.NO_PATH, `no issuer certificate or trust anchor named "${nameToString(current.issuer)}" was found`), false);
      return undefined;
    }
    // A same-named candidate that did not sign `current` is only worth reporting when none did.
    const signatureFailures: PathFailure[] = [];
    let signed = false;
    for (const anchor of anchorCandidates) {
      const failure = await signs(current, anchor);
      if (failure) {
        signatureFailures.push(failure);
        continue;
      }
      signed = true;
      try {
        return { value: await tryPath({ anchor, certificates: [...chain].reverse() }) };
      } catch (error) {
        note(asFailure(error), true);
      }
    }
    for (const issuer of poolCandidates) {
      const failure = await signs(current, issuer);
      if (failure) {
        signatureFailures.push(failure);
        continue;
      }
      signed = true;
      const found = await search([...chain, issuer]);
      if (found) return found;
    }
    if (!signed && signatureFailures[0]) note(signatureFailures[0], false);
    return undefined;
  };

  const found = await search([target]);
  if (found) return found.value;
  throw best?.failure ?? new PathFailure(PathCode.NO_PATH, 'no certification path was found');
}
