/**
 * The verification of a `web-eid:1.0` token, given a path validator. The checks run in a fixed order and
 * the first failure rejects with its own stable code (src/protocol/errors.ts):
 *
 *  1. size (≤ 10 KB) and JSON shape, format, algorithm allow-list     — parseAuthToken
 *  2. certificate parse, and the algorithm fits the certificate's key  — TOKEN_ALGORITHM_KEY_MISMATCH
 *  3. certificate validity at `now`
 *  4. KeyUsage digitalSignature; ExtendedKeyUsage (if present) clientAuth
 *  5. a path to a trust anchor (validator with revocation 'none')
 *  6. the signature over H(origin) ‖ H(nonce), with the relying party's OWN origin and nonce
 *  7. revocation: the CA's check, OCSP with a nonce, CRLs, or none
 *
 * Issue 5 lists revocation before the signature; the signature comes first here so that a token the card
 * did not sign never causes a network call or reveals a certificate's status (see step 6 below).
 *
 * (Step 2 decodes the certificate because the key-type match needs the key; a certificate that is not DER
 * is therefore reported there, as CERTIFICATE_MALFORMED.)
 *
 * Steps 2–7 are `verifyParsedTokenWith`, shared with the batch format (server/rp/batch/): a
 * `kyotsu-batch:1` token runs the same steps in the same order, only step 1 reads its leaf too and step 7's
 * message is the batch signed data rebuilt from the relying party's own origin and nonce.
 */
import * as pkijs from 'pkijs';
import { bytesEqual } from '../../../src/bytes.js';
import { parseAuthToken } from '../../../src/protocol/auth-token.js';
import { assertChallengeNonce } from '../../../src/protocol/challenge.js';
import { type TokenAlgorithm } from '../../../src/protocol/algorithms.js';
import { AuthError, AuthErrorCode } from '../../../src/protocol/errors.js';
import { algorithmFitsKey } from '../../../src/protocol/key-algorithm.js';
import { isOriginSerialization } from '../../../src/protocol/origin.js';
import { tokenSignedData } from '../../../src/protocol/signed-data.js';
import { checkAtCa } from '../revocation/ca-check.js';
import { checkOcsp } from '../revocation/ocsp.js';
import { type RevocationOption } from '../revocation/options.js';
import { type ParsedCertificate } from '../path/certificate.js';
import { certificateSubject, checkUsage, checkValidity, keyKind, parseCertificate, publicKeyOf, serialHex } from '../token/certificate.js';
import { verifyTokenSignature } from '../token/signature.js';
import { type PathValidationResult, type PathValidator, type VerifiedAuthToken, type VerifyAuthTokenOptions } from './types.js';

function configError(message: string): AuthError {
  return new AuthError(AuthErrorCode.VERIFIER_CONFIG_INVALID, message);
}

/** Throws unless the options are usable; run before the token is looked at (a bad config is our bug). */
export function checkOptions(options: VerifyAuthTokenOptions): void {
  if (!isOriginSerialization(options.origin)) throw new AuthError(AuthErrorCode.ORIGIN_MALFORMED, 'origin is not an http(s) origin serialisation (e.g. https://bank.example)');
  assertChallengeNonce(options.challengeNonce);
  if (options.trustAnchors.length === 0) throw configError('no trust anchors configured');
  if (options.now !== undefined && Number.isNaN(options.now.getTime())) throw configError('now is not a valid date');
  const revocation = options.revocation;
  if (revocation === 'none') return;
  switch (revocation.type) {
    case 'none':
    case 'ocsp':
      return;
    case 'crl':
      if (!Array.isArray(revocation.crls)) throw configError('crl revocation needs crls');
      return;
    case 'ca-check':
      if (!revocation.serviceId && !options.service) throw configError('ca-check revocation needs a serviceId (or the service option)');
      if (!revocation.apiToken) throw configError('ca-check revocation needs an apiToken');
      if (!/^https?:\/\//.test(revocation.caUrl)) throw configError('ca-check caUrl is not an http(s) URL');
      return;
    default:
      throw configError('unknown revocation type');
  }
}

function pathFailure(result: Extract<PathValidationResult, { ok: false }>): AuthError {
  const details = { pathCode: result.code };
  if (result.code === 'CERTIFICATE_REVOKED') return new AuthError(AuthErrorCode.CERTIFICATE_REVOKED, `certificate is revoked: ${result.message}`, details);
  if (result.code === 'REVOCATION_UNKNOWN' || result.code === 'CRL_INVALID') {
    return new AuthError(AuthErrorCode.REVOCATION_CHECK_FAILED, `CRL check could not decide: ${result.message}`, details);
  }
  return new AuthError(AuthErrorCode.CERTIFICATE_UNTRUSTED, `no valid path to a trust anchor: ${result.message}`, details);
}

function pkijsCertificate(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(Uint8Array.from(der));
}

// The path is [anchor, …, leaf]: the leaf's issuer is the certificate before it.
function issuerOnPath(leaf: ParsedCertificate, path: readonly Uint8Array[]): Uint8Array {
  for (const der of path) {
    if (bytesEqual(der, leaf.der)) continue;
    if (parseCertificate(der).subject.key === leaf.issuer.key) return der;
  }
  throw new AuthError(AuthErrorCode.REVOCATION_CHECK_FAILED, 'OCSP: the issuer is not on the validated path; configure revocation.issuer');
}

async function checkRevocation(
  revocation: RevocationOption,
  context: { cert: ParsedCertificate; path: readonly Uint8Array[]; serial: string; options: VerifyAuthTokenOptions; now: Date; validatePath: PathValidator },
): Promise<void> {
  if (revocation === 'none') return;
  switch (revocation.type) {
    case 'none':
      return;
    case 'ca-check':
      return checkAtCa({
        caUrl: revocation.caUrl,
        serviceId: revocation.serviceId ?? context.options.service ?? '',
        apiToken: revocation.apiToken,
        serial: context.serial,
        ...(revocation.timeoutMs === undefined ? {} : { timeoutMs: revocation.timeoutMs }),
      });
    case 'ocsp': {
      const issuer = revocation.issuer ?? issuerOnPath(context.cert, context.path);
      parseCertificate(issuer); // a configured issuer that is not a certificate fails as malformed
      return checkOcsp({
        certificate: pkijsCertificate(context.cert.der),
        issuer: pkijsCertificate(issuer),
        now: context.now,
        ...(revocation.url === undefined ? {} : { url: revocation.url }),
        ...(revocation.timeoutMs === undefined ? {} : { timeoutMs: revocation.timeoutMs }),
        ...(revocation.maxSkewMs === undefined ? {} : { maxSkewMs: revocation.maxSkewMs }),
      });
    }
    case 'crl': {
      // RFC 5280 §6.3 over the whole path, by the path validator.
      const result = await context.validatePath({
        leaf: context.cert.der,
        intermediates: [...(context.options.intermediates ?? [])],
        trustAnchors: [...context.options.trustAnchors],
        crls: [...revocation.crls],
        time: context.now,
        revocation: 'crl',
      });
      if (!result.ok) throw pathFailure(result);
      return;
    }
  }
}

/** A token after step 1, whatever its format: what steps 2–7 need. */
export interface ParsedTokenSignature {
  readonly algorithm: TokenAlgorithm;
  /** DER of `unverifiedCertificate`. */
  readonly certificate: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * Steps 2–7 for a token that passed step 1. `signedData` computes the message the signature must verify
 * over, from the relying party's OWN origin and nonce; it runs only after every certificate check passed.
 * The caller has run `checkOptions`.
 */
export async function verifyParsedTokenWith(
  validatePath: PathValidator,
  parsed: ParsedTokenSignature,
  options: VerifyAuthTokenOptions,
  signedData: () => Promise<Uint8Array>,
): Promise<VerifiedAuthToken> {
  const now = options.now ?? new Date();

  // 2. Certificate, and the algorithm must fit its key (RFC 7518 §3.3–3.5).
  const cert = parseCertificate(parsed.certificate);
  const publicKey = publicKeyOf(cert);
  const kind = keyKind(publicKey);
  if (!algorithmFitsKey(parsed.algorithm, kind)) {
    const keyName = kind.kind === 'ec' ? kind.namedCurve : kind.kind === 'rsa' ? `RSA-${kind.modulusBits}` : kind.algorithmOid;
    throw new AuthError(AuthErrorCode.TOKEN_ALGORITHM_KEY_MISMATCH, `${parsed.algorithm} does not fit the certificate's ${keyName} key`, { algorithm: parsed.algorithm, key: keyName });
  }

  // 3. Validity at `now` (RFC 5280 §4.1.2.5).
  checkValidity(cert, now);

  // 4. Purpose (RFC 5280 §4.2.1.3, §4.2.1.12).
  checkUsage(cert);

  // 5. Path to a trust anchor (RFC 5280 §6.1).
  const pathResult = await validatePath({
    leaf: parsed.certificate,
    intermediates: [...(options.intermediates ?? [])],
    trustAnchors: [...options.trustAnchors],
    time: now,
    revocation: 'none',
  });
  if (!pathResult.ok) throw pathFailure(pathResult);

  // 6. The signature, over the relying party's own origin and nonce (Web eID: never values from the token).
  // Checked BEFORE revocation (issue 5 lists it last): otherwise anyone holding a victim's public
  // certificate could, without the card, make the relying party ask the CA about it and read the answer
  // (whether it is revoked, where it is qualified) — and a service acting on that answer would act for a
  // holder who never signed. No network call is made for a token that is not signed by the card.
  if (!verifyTokenSignature(parsed.algorithm, publicKey, await signedData(), parsed.signature)) {
    throw new AuthError(AuthErrorCode.TOKEN_SIGNATURE_INVALID, `the ${parsed.algorithm} signature does not verify for this origin and challenge`);
  }

  // 7. Revocation.
  const serial = serialHex(cert);
  await checkRevocation(options.revocation, { cert, path: pathResult.path, serial, options, now, validatePath });
  return { certificate: parsed.certificate, subject: certificateSubject(cert), serial };
}

/** verifyAuthToken with the path validator passed in (the public entry points choose it). */
export async function verifyAuthTokenWith(validatePath: PathValidator, token: string | Uint8Array, options: VerifyAuthTokenOptions): Promise<VerifiedAuthToken> {
  checkOptions(options);

  // 1. Size, JSON shape, format, algorithm allow-list.
  const parsed = parseAuthToken(token);

  // 2–7, the signature over H(origin) ‖ H(nonce).
  return verifyParsedTokenWith(validatePath, parsed, options, () => tokenSignedData(parsed.algorithm, options.origin, options.challengeNonce));
}
