/**
 * The CA's store: one interface, implemented over SQLite (sqlite-store.ts, the default) and PostgreSQL
 * (postgres-store.ts, for a fleet of CA instances). Every method that writes is one transaction that
 * also appends its audit entry, so a crash leaves either all of an operation or none of it.
 */
import type { RevocationReason } from '../../../src/pki/revocation-reason.js';

/** JSON values stored in the audit log. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** Who performed an operation: `service:<id>` or `admin:<name>` (the CLI). */
export type Actor = `service:${string}` | `admin:${string}`;

/** Certificate status in the CA's own table. */
export type CertificateStatus = 'valid' | 'invalidated';

/** A certificate row: the holder's particulars, its status and the DER itself. */
export interface CertificateRecord {
  /** Canonical lower-case hex serial (primary key). */
  readonly serial: string;
  readonly holderName: string;
  readonly holderAddress: string;
  readonly holderEmail: string;
  readonly status: CertificateStatus;
  readonly issuedAt: Date;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly invalidatedAt: Date | null;
  readonly invalidationReason: RevocationReason | null;
  /** The service that requested issuance. */
  readonly issuedBy: string;
  readonly der: Uint8Array;
}

/** A registered service. */
export interface ServiceRecord {
  /** Stable id, e.g. `bank-a` (lower-case letters, digits, hyphens). */
  readonly id: string;
  readonly displayName: string;
  /** Web origins the service logs users in at (e.g. `https://bank-a.example`). */
  readonly origins: readonly string[];
  /** Portals may list a certificate's services. */
  readonly portal: boolean;
  /** Where invalidation webhooks go; `null` for none. */
  readonly webhookUrl: string | null;
  /** HMAC key for webhooks (needed to sign, so stored as is; see README). */
  readonly webhookSecret: string;
  /** Public half of the API token (looked up), e.g. 16 hex characters. */
  readonly tokenId: string;
  /** SHA-256 of the token's secret half; the token itself is never stored. */
  readonly tokenHash: Uint8Array;
  readonly createdAt: Date;
}

/** An audit log entry (append-only: the stores refuse UPDATE and DELETE on the table). */
export interface AuditEntry {
  readonly id: number;
  readonly at: Date;
  readonly actor: Actor;
  /** e.g. `certificate.issue`, `certificate.qualify`, `certificate.prohibit`, `certificate.invalidate`, `service.register`. */
  readonly action: string;
  readonly serial: string | null;
  readonly before: JsonValue | null;
  readonly after: JsonValue | null;
}

/** A webhook delivery in the outbox. */
export interface OutboxDelivery {
  /** Delivery id; also the `id` in the body, stable across retries. */
  readonly id: string;
  readonly serviceId: string;
  readonly url: string;
  /** The exact JSON body to send (signed as is). */
  readonly body: string;
  readonly createdAt: Date;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly deliveredAt: Date | null;
  readonly lastError: string | null;
}

/** A claimed delivery, with the secret to sign it under. */
export interface ClaimedDelivery extends OutboxDelivery {
  readonly webhookSecret: string;
}

/** Result of adding a service to a certificate's list. */
export type QualifyOutcome =
  | { readonly kind: 'added' | 'unchanged'; readonly services: readonly string[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'invalidated' }
  /** The service is not listed and this proof was accepted before: nothing was written. */
  | { readonly kind: 'proof-reused' };

/** Result of removing a service from a certificate's list. */
export type ProhibitOutcome = { readonly kind: 'removed' | 'unchanged'; readonly services: readonly string[] } | { readonly kind: 'not-found' };

/** Result of invalidating a certificate. */
export type InvalidateOutcome =
  | { readonly kind: 'invalidated' | 'already'; readonly record: CertificateRecord; readonly deliveries: readonly string[] }
  | { readonly kind: 'not-found' };

/** What a per-login check needs, read in one query. */
export interface CheckFacts {
  readonly certificate: Pick<CertificateRecord, 'status' | 'notBefore' | 'notAfter'> | null;
  readonly listed: boolean;
}

/** A revoked certificate for CRLs and OCSP. */
export interface RevokedRecord {
  readonly serial: string;
  readonly invalidatedAt: Date;
  readonly reason: RevocationReason;
}

/** The published CRL and the counters that decide when a new one is needed. */
export interface CrlState {
  /** Bumped by every invalidation. */
  readonly generation: number;
  /** Highest CRL number reserved so far. */
  readonly lastNumber: number;
  /** The published CRL, if any, and the generation it reflects. */
  readonly published: {
    readonly number: number;
    readonly generation: number;
    readonly der: Uint8Array;
    readonly thisUpdate: Date;
    readonly nextUpdate: Date;
  } | null;
}

/** A reserved CRL number with the revocation snapshot to put on it. */
export interface CrlReservation {
  readonly number: number;
  readonly generation: number;
  readonly revoked: readonly RevokedRecord[];
}

/** Builds the webhook body for one delivery of an invalidation. */
export type InvalidationBody = (deliveryId: string, serial: string, invalidatedAt: Date) => string;

/** The CA's persistence. All dates are stored with millisecond precision. */
export interface CaStore {
  /** `sqlite` or `postgres`, for logs and benchmarks. */
  readonly kind: 'sqlite' | 'postgres';
  /** Creates the schema if absent (idempotent; safe to run from several instances at once). */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /**
   * Registers a service; `SERVICE_EXISTS` if the id is taken, `SERVICE_ORIGIN_TAKEN` if another service has
   * one of its origins (origins are unique across services, enforced by the `service_origins` table).
   * Audited as `service.register`.
   */
  insertService(service: ServiceRecord, actor: Actor): Promise<void>;
  getService(id: string): Promise<ServiceRecord | null>;
  findServiceByTokenId(tokenId: string): Promise<ServiceRecord | null>;
  listServices(): Promise<ServiceRecord[]>;

  /** Records a newly issued certificate and lists its issuing service, in one transaction with the audit entry. */
  insertCertificate(record: CertificateRecord, actor: Actor): Promise<void>;
  getCertificate(serial: string): Promise<CertificateRecord | null>;
  /** How many certificates there are, by status (for `kyotsu ca status`). */
  countCertificates(): Promise<{ valid: number; invalidated: number }>;

  /**
   * Adds `serviceId` to the certificate's list (idempotent), recording `proofDigest` (the accepted holder
   * proof, holder-proof.ts `holderProofDigest`) in the same transaction. When the service is not listed
   * and the proof was recorded before for this certificate and service, writes nothing: `proof-reused`.
   * When it is listed already, the proof is recorded too and the answer is `unchanged`.
   */
  qualify(serial: string, serviceId: string, actor: Actor, at: Date, proofDigest: Uint8Array): Promise<QualifyOutcome>;
  /** Removes `serviceId` from the certificate's list (idempotent). */
  prohibit(serial: string, serviceId: string, actor: Actor, at: Date): Promise<ProhibitOutcome>;
  /** The certificate's service ids, sorted; `null` when the certificate does not exist. */
  listAvailableServices(serial: string): Promise<string[] | null>;
  /** Status, validity and whether `serviceId` is listed, in one read. */
  checkFacts(serial: string, serviceId: string): Promise<CheckFacts>;

  /**
   * Invalidates the certificate and, in the same transaction, bumps the CRL generation and queues one
   * webhook delivery per service that has a webhook URL. A repeated call changes nothing (`already`).
   */
  invalidate(serial: string, reason: RevocationReason, actor: Actor, at: Date, body: InvalidationBody): Promise<InvalidateOutcome>;
  /** Every invalidated certificate (for the CRL). */
  listRevoked(): Promise<RevokedRecord[]>;

  getCrlState(): Promise<CrlState>;
  /** Reserves the next CRL number together with a consistent snapshot of revocations. */
  reserveCrl(): Promise<CrlReservation>;
  /** Publishes a signed CRL unless a higher-numbered one is already published. Returns whether it was stored. */
  publishCrl(crl: { number: number; generation: number; der: Uint8Array; thisUpdate: Date; nextUpdate: Date }): Promise<boolean>;

  /** The audit log, oldest first, optionally for one serial. */
  listAudit(filter?: { serial?: string }): Promise<AuditEntry[]>;

  /** Claims up to `limit` due deliveries, leasing each until `leaseUntil` (another claimer skips them). */
  claimDeliveries(now: Date, limit: number, leaseUntil: Date): Promise<ClaimedDelivery[]>;
  markDelivered(id: string, at: Date): Promise<void>;
  markDeliveryFailed(id: string, attempts: number, nextAttemptAt: Date, error: string): Promise<void>;
  listDeliveries(): Promise<OutboxDelivery[]>;
}
