/**
 * RFC 5280 §6.3 CRL validation for every certificate of a validated path (§6.1.3 (a)(3)): for each
 * distribution point, and then for CRLs issued by the certificate issuer, the complete CRLs in scope
 * are validated — their signer's own path to the same trust anchor (§6.3.3 (f)), cRLSign, signature,
 * freshness, critical extensions — combined with a matching delta CRL when there is one, and
 * searched, until all reasons are covered or the certificate is found revoked.
 */
import { asFailure, buildPath } from './build.js';
import { type ParsedCertificate } from './certificate.js';
import { PathCode } from './codes.js';
import { type ValidationContext } from './context.js';
import { type ParsedCrl, CrlReason, reasonName } from './crl.js';
import { crlLabel, defaultDistributionPoint, deltaApplies, findEntry, interimReasons, scopeProblem } from './crl-scope.js';
import { ALL_REASONS } from './distribution-point.js';
import { KeyUsage } from './extensions.js';
import { fail } from './failure.js';
import { nameToString, namesEqual } from './name.js';
import { type CandidatePath, DEFAULT_POLICY_INPUTS, processPath } from './process-path.js';

const UNREVOKED = -1;

/** Checks the revocation status of every certificate of `path` (anchor excluded), top down. */
export async function checkPathRevocation(path: CandidatePath, context: ValidationContext): Promise<void> {
  if (!context.checkRevocation) return;
  let issuer = path.anchor;
  for (const certificate of path.certificates) {
    await checkRevocation(certificate, issuer, path.anchor, context);
    issuer = certificate;
  }
}

/**
 * §6.3.3 (f): finds the key that signed `crl` among the certificate's issuer, the trust anchor and
 * certificates of the pool named as the CRL issuer, and — for a pool certificate — validates its
 * path to the same trust anchor (with revocation). Problems met are pushed on `problems`.
 */
async function crlSigner(crl: ParsedCrl, issuer: ParsedCertificate, anchor: ParsedCertificate, context: ValidationContext, problems: string[]): Promise<ParsedCertificate | undefined> {
  const candidates: { signer: ParsedCertificate; validated: boolean }[] = [];
  // The issuer and the anchor are already validated (the issuer's revocation is checked on its own).
  if (namesEqual(crl.issuer, issuer.subject)) candidates.push({ signer: issuer, validated: true });
  if (anchor.id !== issuer.id && namesEqual(crl.issuer, anchor.subject)) candidates.push({ signer: anchor, validated: true });
  for (const certificate of context.pool) {
    if (namesEqual(certificate.subject, crl.issuer) && !candidates.some((c) => c.signer.id === certificate.id) && certificate.id !== anchor.id) {
      candidates.push({ signer: certificate, validated: false });
    }
  }
  if (candidates.length === 0) problems.push(`${crlLabel(crl)}: no certificate of its issuer was found`);
  for (const { signer, validated } of candidates) {
    const who = `"${nameToString(signer.subject)}"`;
    if (signer.keyUsage !== undefined && (signer.keyUsage & KeyUsage.cRLSign) === 0) {
      problems.push(`${crlLabel(crl)}: the key of ${who} may not sign CRLs (keyUsage lacks cRLSign)`);
      continue;
    }
    try {
      if (!(await context.verify(crl, crl.id, signer))) {
        problems.push(`${crlLabel(crl)}: its signature does not verify with the key of ${who}`);
        continue;
      }
      if (!validated) {
        await buildPath(signer, [anchor], context, async (path) => {
          await processPath(path, context, DEFAULT_POLICY_INPUTS);
          await checkPathRevocation(path, context);
        });
      }
      return signer;
    } catch (error) {
      problems.push(`${crlLabel(crl)}: its signer ${who} is not valid: ${asFailure(error).message}`);
    }
  }
  return undefined;
}

/** §6.3.3 (a), (c), (h): the newest usable delta CRL for `complete`, signed by the same key. */
async function deltaFor(complete: ParsedCrl, signer: ParsedCertificate, context: ValidationContext): Promise<ParsedCrl | undefined> {
  const deltas = context.crls
    .filter((delta) => deltaApplies(delta, complete) && delta.unusable === undefined && delta.thisUpdate <= context.time
      && (delta.nextUpdate === undefined || delta.nextUpdate >= context.time))
    .sort((a, b) => ((b.crlNumber ?? 0n) > (a.crlNumber ?? 0n) ? 1 : -1));
  for (const delta of deltas) {
    try {
      if (await context.verify(delta, delta.id, signer)) return delta;
    } catch (error) {
      asFailure(error); // an unusable delta is skipped; the complete CRL alone may still do
    }
  }
  return undefined;
}

async function determineStatus(certificate: ParsedCertificate, issuer: ParsedCertificate, anchor: ParsedCertificate, context: ValidationContext): Promise<void> {
  let reasonsMask = 0;
  let status: number = UNREVOKED;
  let revokedBy: ParsedCrl | undefined;
  const problems: string[] = [];
  const points = [...(certificate.crlDistributionPoints ?? []), defaultDistributionPoint(certificate)];
  for (const dp of points) {
    for (const crl of context.crls) {
      if (reasonsMask === ALL_REASONS || status !== UNREVOKED) break;
      if (crl.deltaBase !== undefined) continue; // delta CRLs only ever update a complete CRL
      if (scopeProblem(crl, dp, certificate) !== undefined) continue; // (b)
      const interim = interimReasons(crl, dp); // (d)
      if ((interim & ~reasonsMask) === 0) continue; // (e)
      if (crl.unusable !== undefined) {
        problems.push(`${crlLabel(crl)} cannot be used: ${crl.unusable}`);
        continue;
      }
      if (crl.thisUpdate > context.time) {
        problems.push(`${crlLabel(crl)} was issued after the validation time`);
        continue;
      }
      const signer = await crlSigner(crl, issuer, anchor, context, problems); // (f), (g)
      if (!signer) continue;
      const delta = await deltaFor(crl, signer, context); // (a), (c), (h)
      // (a)(1): an out-of-date complete CRL is usable only with a current delta CRL. A CRL without
      // nextUpdate (§5.1.2.5 leaves its handling open) is taken as current.
      if (!delta && crl.nextUpdate !== undefined && crl.nextUpdate < context.time) {
        problems.push(`${crlLabel(crl)} is out of date (nextUpdate ${crl.nextUpdate.toISOString()})`);
        continue;
      }
      const deltaEntry = delta ? findEntry(delta, certificate) : undefined; // (i)
      if (delta && deltaEntry) {
        status = deltaEntry.reason;
        revokedBy = delta;
      }
      const entry = status === UNREVOKED ? findEntry(crl, certificate) : undefined; // (j)
      if (entry) {
        status = entry.reason;
        revokedBy = crl;
      }
      if (status === CrlReason.removeFromCRL) status = UNREVOKED; // (k)
      reasonsMask |= interim; // (l)
    }
  }
  const who = `the certificate for "${nameToString(certificate.subject)}" (serial ${certificate.serial.toString(16)})`;
  if (status !== UNREVOKED) fail(PathCode.CERTIFICATE_REVOKED, `${who} is revoked (${reasonName(status)}) by ${revokedBy ? crlLabel(revokedBy) : 'a CRL'}`);
  if (reasonsMask === ALL_REASONS) return;
  if (problems.length > 0) fail(PathCode.CRL_INVALID, `no usable CRL covers ${who}: ${problems.join('; ')}`);
  fail(PathCode.REVOCATION_UNKNOWN, `no CRL covering ${who} for all revocation reasons was supplied`);
}

/**
 * Establishes that `certificate` (issued by `issuer`, on a path from `anchor`) is not revoked, or
 * throws `CERTIFICATE_REVOKED`, `CRL_INVALID` or `REVOCATION_UNKNOWN`. When the same certificate's
 * status is already being determined further up (a CRL signer whose own status depends on the CRL it
 * signs, as with an indirect CRL that covers its issuer), the outer determination decides.
 */
export function checkRevocation(certificate: ParsedCertificate, issuer: ParsedCertificate, anchor: ParsedCertificate, context: ValidationContext): Promise<void> {
  if (context.revocationInProgress.has(certificate.id)) return Promise.resolve();
  const key = `${certificate.id}|${issuer.id}|${anchor.id}`;
  let result = context.revocationResults.get(key);
  if (result === undefined) {
    context.revocationInProgress.add(certificate.id);
    result = determineStatus(certificate, issuer, anchor, context).finally(() => context.revocationInProgress.delete(certificate.id));
    context.revocationResults.set(key, result);
  }
  return result;
}
