/**
 * Holder proof for qualify: a service may add itself to a certificate's list only by showing a login the
 * certificate's holder made there with the card. A serial is no secret (it is in every certificate, CRL
 * and OCSP answer), and being listed lets a service invalidate the certificate; so the serial alone must
 * not be enough.
 *
 * The proof is the login token the card signed for the service (`web-eid:1.0` or `kyotsu-batch:1`) and the
 * challenge nonce it answers (src/ca-api.ts `HolderProof`). It is accepted when
 *  1. the token's certificate is, byte for byte, the certificate this CA issued under the serial, and
 *  2. the relying-party verifier (server/rp, the same code every service runs) accepts the token for one of
 *     the service's registered origins and that nonce — the card signed H(origin) ‖ H(nonce) (Web eID
 *     token format; for a batch token, the batch root rebuilt from them).
 *
 * What it shows: the holder signed a login for this service's origin with this card. What it cannot show:
 * that the nonce was fresh — the nonce is the service's, and only the service knows whether it issued and
 * consumed it. So the CA remembers each proof it accepted ({@link holderProofDigest}, stored per
 * certificate and service in the same transaction as the qualification) and refuses a proof seen before
 * when it would add the service again (`HOLDER_PROOF_REUSED`): after a prohibition, a service needs a new
 * login the holder makes there.
 */
import { createHash } from 'node:crypto';
import { CaErrorCode, type HolderProof } from '../../src/ca-api.js';
import { bytesEqual } from '../../src/bytes.js';
import { KyotsuError } from '../../src/errors.js';
import { parseAnyAuthToken } from '../../src/protocol/batch/any-token.js';
import { AuthError, AuthErrorCode } from '../../src/protocol/errors.js';
import { verifyAnyAuthToken } from '../rp/batch/verify-any-auth-token.js';

/** `details.reason` when the token is a valid token for a different certificate than the serial's. */
export const CERTIFICATE_MISMATCH = 'CERTIFICATE_MISMATCH';

function proofInvalid(reason: string, message: string): KyotsuError {
  return new KyotsuError(CaErrorCode.HOLDER_PROOF_INVALID, `holder proof refused: ${message}`, { reason });
}

/**
 * Reads `holderProof` from a qualify body: absent → `HOLDER_PROOF_REQUIRED`; present but not
 * `{ token: string, nonce: string }` → `INVALID_REQUEST` naming the field. The token's content is judged
 * by {@link verifyHolderProof}.
 */
export function parseHolderProof(value: unknown): HolderProof {
  if (value === undefined || value === null) {
    throw new KyotsuError(CaErrorCode.HOLDER_PROOF_REQUIRED, 'qualify needs holderProof: the login token the holder signed at this service, and its nonce', { field: 'holderProof' });
  }
  const invalid = (field: string, message: string): KyotsuError => new KyotsuError(CaErrorCode.INVALID_REQUEST, message, { field });
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('holderProof', 'holderProof must be an object { token, nonce }');
  const proof = value as Record<string, unknown>;
  const extra = Object.keys(proof).find((key) => key !== 'token' && key !== 'nonce');
  if (extra !== undefined) throw invalid(`holderProof.${extra}`, `unknown field 'holderProof.${extra}'`);
  if (typeof proof.token !== 'string' || proof.token.length === 0) throw invalid('holderProof.token', 'holderProof.token must be the login token JSON text');
  if (typeof proof.nonce !== 'string' || proof.nonce.length === 0) throw invalid('holderProof.nonce', 'holderProof.nonce must be the challenge nonce the token answers');
  return { token: proof.token, nonce: proof.nonce };
}

/** What {@link verifyHolderProof} checks the proof against. */
export interface HolderProofContext {
  /** DER of the certificate the CA issued under the serial being qualified. */
  readonly certificateDer: Uint8Array;
  /** The qualifying service's registered origins. */
  readonly origins: readonly string[];
  /** DER of the CA certificate (the trust anchor the token's certificate must chain to). */
  readonly caCertificateDer: Uint8Array;
  readonly now: Date;
}

/** An accepted proof: the origin the card signed the login for. */
export interface AcceptedHolderProof {
  readonly origin: string;
}

/**
 * Resolves with the origin when `proof` shows the holder of `certificateDer` logged in at one of `origins`;
 * otherwise rejects with `HOLDER_PROOF_INVALID` (`details.reason`: the verifier's code or
 * `CERTIFICATE_MISMATCH`). Writes nothing and makes no network call (revocation is the CA's own business and
 * decided by its store).
 */
export async function verifyHolderProof(proof: HolderProof, context: HolderProofContext): Promise<AcceptedHolderProof> {
  let lastFailure: AuthError | null = null;
  try {
    // Cheap check first: a token for another card never reaches the signature check.
    if (!bytesEqual(parseAnyAuthToken(proof.token).token.certificate, context.certificateDer)) {
      throw proofInvalid(CERTIFICATE_MISMATCH, 'the token carries another certificate than the one issued under this serial');
    }
    for (const origin of context.origins) {
      try {
        await verifyAnyAuthToken(proof.token, { origin, challengeNonce: proof.nonce, trustAnchors: [context.caCertificateDer], revocation: 'none', now: context.now });
        return { origin };
      } catch (error) {
        // Only the signature depends on the origin; any other failure is the same for every origin.
        if (!(error instanceof AuthError) || error.code !== AuthErrorCode.TOKEN_SIGNATURE_INVALID) throw error;
        lastFailure = error;
      }
    }
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    if (error.code === AuthErrorCode.VERIFIER_CONFIG_INVALID || error.code === AuthErrorCode.ORIGIN_MALFORMED) throw error; // our configuration, not the proof
    throw proofInvalid(error.code, error.message);
  }
  throw proofInvalid(lastFailure?.code ?? AuthErrorCode.TOKEN_SIGNATURE_INVALID, 'the token was not signed for any origin this service is registered with, or not for this nonce');
}

/**
 * What identifies an accepted login, for telling a proof seen before: SHA-256 of the Web eID signed data
 * H(origin) ‖ H(nonce) (SHA-256 here whatever the token's algorithm; the nonce as the UTF-8 of its text, as
 * signed — src/protocol/signed-data.ts). For a batch token it is its leaf's (origin, nonce).
 *
 * Deliberately not a digest of the signature bytes: an ECDSA signature is malleable — (r, n − s) verifies as
 * well as (r, s), and the verifier does not insist on low s — so a service could present the same login
 * again under "new" signature bytes. The signed data is fixed by what the card signed: a token verifies only
 * for the origin and nonce it was signed over.
 */
export function holderProofDigest(accepted: AcceptedHolderProof, proof: HolderProof): Uint8Array {
  const h = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return new Uint8Array(createHash('sha256').update(Buffer.concat([h(accepted.origin), h(proof.nonce)])).digest());
}
