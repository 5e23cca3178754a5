/**
 * Row → record mapping shared by the SQLite and PostgreSQL stores. The tables have the same columns in both;
 * only the drivers' value types differ, and each is accepted here: times are milliseconds since the epoch
 * (SQLite INTEGER as a number, PostgreSQL BIGINT as a string), `origins` a JSON text (SQLite) or a text
 * array (PostgreSQL), `portal` 0/1 (SQLite) or a boolean, audit values JSON text (SQLite) or JSONB.
 */
import type { RevocationReason } from '../../../src/pki/revocation-reason.js';
import type { Actor, AuditEntry, CertificateRecord, JsonValue, OutboxDelivery, ServiceRecord } from './types.js';

/** An integer column as the driver returns it (pg returns BIGINT and COUNT as strings). */
export type Numeric = number | string;
/** Milliseconds since the epoch, as the driver returns them. */
export type Millis = Numeric;

/** A `services` row. */
export interface ServiceRow {
  id: string;
  display_name: string;
  origins: string | string[];
  portal: number | boolean;
  webhook_url: string | null;
  webhook_secret: string;
  token_id: string;
  token_hash: Uint8Array;
  created_at: Millis;
}

/** A `certificates` row. */
export interface CertificateRow {
  serial: string;
  holder_name: string;
  holder_address: string;
  holder_email: string;
  status: 'valid' | 'invalidated';
  issued_at: Millis;
  not_before: Millis;
  not_after: Millis;
  invalidated_at: Millis | null;
  invalidation_reason: string | null;
  issued_by: string;
  der: Uint8Array;
}

/** A `webhook_outbox` row. */
export interface OutboxRow {
  id: string;
  service_id: string;
  url: string;
  body: string;
  created_at: Millis;
  attempts: number;
  next_attempt_at: Millis;
  delivered_at: Millis | null;
  last_error: string | null;
}

/** An `audit_log` row. */
export interface AuditRow {
  id: number | string;
  at: Millis;
  actor: Actor;
  action: string;
  serial: string | null;
  before: string | JsonValue | null;
  after: string | JsonValue | null;
}

/** A stored time as a `Date`. */
export const toDate = (value: Millis): Date => new Date(Number(value));
const toDateOrNull = (value: Millis | null): Date | null => (value === null ? null : toDate(value));

/** A service record from its row. */
export function toService(row: ServiceRow): ServiceRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    origins: typeof row.origins === 'string' ? (JSON.parse(row.origins) as string[]) : row.origins,
    portal: row.portal === true || row.portal === 1,
    webhookUrl: row.webhook_url,
    webhookSecret: row.webhook_secret,
    tokenId: row.token_id,
    tokenHash: new Uint8Array(row.token_hash),
    createdAt: toDate(row.created_at),
  };
}

/** A certificate record from its row. */
export function toCertificate(row: CertificateRow): CertificateRecord {
  return {
    serial: row.serial,
    holderName: row.holder_name,
    holderAddress: row.holder_address,
    holderEmail: row.holder_email,
    status: row.status,
    issuedAt: toDate(row.issued_at),
    notBefore: toDate(row.not_before),
    notAfter: toDate(row.not_after),
    invalidatedAt: toDateOrNull(row.invalidated_at),
    invalidationReason: row.invalidation_reason as RevocationReason | null,
    issuedBy: row.issued_by,
    der: new Uint8Array(row.der),
  };
}

/** An outbox delivery from its row. */
export function toDelivery(row: OutboxRow): OutboxDelivery {
  return {
    id: row.id,
    serviceId: row.service_id,
    url: row.url,
    body: row.body,
    createdAt: toDate(row.created_at),
    attempts: row.attempts,
    nextAttemptAt: toDate(row.next_attempt_at),
    deliveredAt: toDateOrNull(row.delivered_at),
    lastError: row.last_error,
  };
}

/** An audit value from JSON text (SQLite) or already parsed (PostgreSQL JSONB). */
function auditValue(value: string | JsonValue | null, parseText: boolean): JsonValue | null {
  if (value === null) return null;
  return parseText && typeof value === 'string' ? (JSON.parse(value) as JsonValue) : value;
}

/**
 * An audit entry. `jsonText` says whether `before`/`after` arrive as JSON text (SQLite TEXT) rather than
 * parsed (PostgreSQL JSONB, where a JSON string value is also a JS string and must not be parsed again).
 */
export function toAuditEntry(row: AuditRow, jsonText: boolean): AuditEntry {
  return {
    id: Number(row.id),
    at: toDate(row.at),
    actor: row.actor,
    action: row.action,
    serial: row.serial,
    before: auditValue(row.before, jsonText),
    after: auditValue(row.after, jsonText),
  };
}
