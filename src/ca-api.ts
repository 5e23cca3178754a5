/**
 * The CA's HTTP API as seen from a service (wire types and stable error codes). The CA implements it in
 * `server/ca`; relying parties and services call it. Every call carries `Authorization: Bearer <token>`.
 * Routes and status codes are listed in server/ca/README.md.
 */
import type { ErrorObject } from './errors.js';
import type { RevocationReason } from './pki/revocation-reason.js';

/** Path prefix of the authenticated API. */
export const CA_API_PREFIX = '/api/v1';

/** Error codes of the CA API, with the HTTP status each comes with. PKI codes (CSR_*) come from src/pki/errors.ts. */
export const CaErrorCode = {
  /** 401: no bearer token, or one the CA does not know. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** 403: the caller may not do this (act for another service, list without being a portal, …). */
  FORBIDDEN: 'FORBIDDEN',
  /** 404: no certificate with this serial (or no such route). */
  NOT_FOUND: 'NOT_FOUND',
  /** 404: the service named in the path or query is not registered. */
  UNKNOWN_SERVICE: 'UNKNOWN_SERVICE',
  /**
   * 400: a qualify request without `holderProof` (`details.field` = `holderProof`): a service may add itself
   * to a certificate's list only with proof that the holder logged in there with the card.
   */
  HOLDER_PROOF_REQUIRED: 'HOLDER_PROOF_REQUIRED',
  /**
   * 403: the `holderProof` does not prove the holder's presence at this service: the token is malformed, is
   * for another certificate than the serial's, was signed for an origin the service is not registered with,
   * or its signature does not verify. `details.reason` is the verifier's code (src/protocol/errors.ts), or
   * `CERTIFICATE_MISMATCH`. Nothing is written.
   */
  HOLDER_PROOF_INVALID: 'HOLDER_PROOF_INVALID',
  /**
   * 403: the `holderProof` is valid but the CA has already accepted this login (the same origin and nonce
   * the card signed) from this service for this certificate, and the service is not listed now: a proof adds
   * a qualification only once. A service that was prohibited needs a new login the holder makes there.
   * Nothing is written.
   */
  HOLDER_PROOF_REUSED: 'HOLDER_PROOF_REUSED',
  /** 409: the certificate is invalidated; it can no longer be qualified. */
  CERTIFICATE_INVALIDATED: 'CERTIFICATE_INVALIDATED',
  /** 409: a service with this id is already registered. */
  SERVICE_EXISTS: 'SERVICE_EXISTS',
  /**
   * 409: (registration) another service is already registered with one of these origins (`details.origin`,
   * `details.service`). Origins are unique across services: a login at an origin is holder proof for the one
   * service that has it.
   */
  SERVICE_ORIGIN_TAKEN: 'SERVICE_ORIGIN_TAKEN',
  /** 400: the body or query does not match the route's schema; `details.field` names the culprit. */
  INVALID_REQUEST: 'INVALID_REQUEST',
  /** 400: the body is not valid JSON. */
  INVALID_JSON: 'INVALID_JSON',
  /** 413: the body is larger than the limit (64 KiB). */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** 415: the body is not `application/json` (or `application/ocsp-request` at /ocsp). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** 405: the route exists but not with this method. */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** 503: the store cannot be reached; retry later. Nothing was written. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** 500: an unexpected failure; the message says no more than that. */
  INTERNAL: 'INTERNAL',
} as const;
export type CaErrorCode = (typeof CaErrorCode)[keyof typeof CaErrorCode];

/** Every error response body: `{ error: { code, message, details? } }`. */
export interface CaErrorBody {
  readonly error: ErrorObject;
}

/** The holder's particulars sent with an issue request (kept by the CA; only `name` enters the certificate). */
export interface Holder {
  /** Full name; becomes the certificate's subject CN. 1–64 characters. */
  readonly name: string;
  /** Postal address; at most 512 characters. */
  readonly address: string;
  /** E-mail address; at most 254 characters. */
  readonly email: string;
}

/** `POST /api/v1/certificates` body. */
export interface IssueRequest {
  /** Base64 (RFC 4648 §4) of the DER PKCS#10 request, signed by the key on the card. */
  readonly csr: string;
  readonly holder: Holder;
}

/** `POST /api/v1/certificates` 201 response. */
export interface IssueResponse {
  /** Canonical serial: lower-case hex of the positive serial's octets. */
  readonly serial: string;
  /** Base64 DER of the new certificate. */
  readonly certificate: string;
  /** Base64 DER of the issuer chain, leaf's issuer first (here: the CA certificate). */
  readonly chain: readonly string[];
}

/**
 * Proof that the certificate's holder logged in at the qualifying service with the card: the login token
 * the card signed for the service (its exact JSON text, `web-eid:1.0` or `kyotsu-batch:1`) and the
 * challenge nonce the service issued for it (already consumed there). The CA verifies that the token's
 * certificate is the serial's certificate byte for byte and that the signature verifies over one of the
 * service's registered origins and this nonce. It cannot tell whether the nonce was fresh: the proof
 * shows that the holder signed a login for this service's origin with this card, at some time. The CA
 * remembers every proof it accepted, so one login adds the service to the list at most once
 * (`HOLDER_PROOF_REUSED`).
 */
export interface HolderProof {
  /** The login token's JSON text, exactly as the service received it (≤ 10 KB). */
  readonly token: string;
  /** The challenge nonce the token answers (44 characters of base64). */
  readonly nonce: string;
}

/** `PUT /api/v1/certificates/:serial/services/:serviceId` body. */
export interface QualifyRequest {
  readonly holderProof: HolderProof;
}

/** `PUT`/`DELETE /api/v1/certificates/:serial/services/:serviceId` 200 response. */
export interface QualifyResponse {
  readonly serial: string;
  readonly serviceId: string;
  /** Whether the service is in the certificate's list after the call. */
  readonly qualified: boolean;
  /** Whether this call changed the list (false for a repeated call). */
  readonly changed: boolean;
}

/** `POST /api/v1/certificates/:serial/invalidate` body. */
export interface InvalidateRequest {
  readonly reason?: RevocationReason;
}

/** `POST /api/v1/certificates/:serial/invalidate` 200 response. */
export interface InvalidateResponse {
  readonly serial: string;
  /** ISO 8601 time of the invalidation (the first one, for a repeated call). */
  readonly invalidatedAt: string;
  readonly reason: RevocationReason;
  /** False when the certificate had already been invalidated. */
  readonly changed: boolean;
}

/** Why a check says NG. */
export const CheckNgReason = {
  /** No certificate with this serial was issued by this CA. */
  UNKNOWN_CERTIFICATE: 'UNKNOWN_CERTIFICATE',
  /** The certificate was invalidated. */
  INVALIDATED: 'INVALIDATED',
  /** The certificate's notAfter has passed. */
  EXPIRED: 'EXPIRED',
  /** The certificate's notBefore is still ahead. */
  NOT_YET_VALID: 'NOT_YET_VALID',
  /** The service is not in the certificate's list (never qualified, or prohibited). */
  NOT_QUALIFIED: 'NOT_QUALIFIED',
} as const;
export type CheckNgReason = (typeof CheckNgReason)[keyof typeof CheckNgReason];

/** `GET /api/v1/check?serial=…&service=…` 200 response. */
export type CheckResponse = { readonly result: 'OK' } | { readonly result: 'NG'; readonly reason: CheckNgReason };

/** One entry of `GET /api/v1/certificates/:serial/services`. */
export interface ServiceSummary {
  readonly id: string;
  readonly displayName: string;
  readonly origins: readonly string[];
  readonly portal: boolean;
}

/** `GET /api/v1/certificates/:serial/services` 200 response (portals only). */
export interface ServiceListResponse {
  readonly serial: string;
  readonly services: readonly ServiceSummary[];
}

/**
 * One entry of `GET /api/v1/certificates/:serial/participation`: a registered service and whether the
 * certificate is qualified there (listed on it now; a prohibited service is `false` again).
 */
export interface ServiceParticipation extends ServiceSummary {
  readonly qualified: boolean;
}

/**
 * `GET /api/v1/certificates/:serial/participation` 200 response (portals only): EVERY registered service,
 * sorted by id, each with `qualified` for this certificate — so a portal can show where the holder is not
 * enrolled yet, not only where they are.
 */
export interface ParticipationResponse {
  readonly serial: string;
  readonly services: readonly ServiceParticipation[];
}

/** The webhook event posted to every service with a webhook URL when a certificate is invalidated. */
export interface CertificateInvalidatedEvent {
  readonly type: 'certificate.invalidated';
  /** Delivery id: unique per (event, service), the same on every retry; deduplicate on it. */
  readonly id: string;
  readonly serial: string;
  /** ISO 8601. */
  readonly invalidatedAt: string;
}
