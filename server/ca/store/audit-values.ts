/** The before/after values the stores write into the audit log, shared so both stores log alike. */
import type { CertificateRecord, JsonValue, ServiceRecord } from './types.js';

/** Audit actions. */
export const AuditAction = {
  SERVICE_REGISTER: 'service.register',
  CERTIFICATE_ISSUE: 'certificate.issue',
  CERTIFICATE_QUALIFY: 'certificate.qualify',
  CERTIFICATE_PROHIBIT: 'certificate.prohibit',
  CERTIFICATE_INVALIDATE: 'certificate.invalidate',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** A certificate as the audit log records it (everything but the DER, which the table keeps). */
export function certificateAuditValue(record: CertificateRecord, services: readonly string[]): JsonValue {
  return {
    serial: record.serial,
    holderName: record.holderName,
    holderAddress: record.holderAddress,
    holderEmail: record.holderEmail,
    status: record.status,
    notBefore: record.notBefore.toISOString(),
    notAfter: record.notAfter.toISOString(),
    invalidatedAt: record.invalidatedAt?.toISOString() ?? null,
    invalidationReason: record.invalidationReason,
    services: [...services],
  };
}

/** A service as the audit log records it (never the token hash or the webhook secret). */
export function serviceAuditValue(service: ServiceRecord): JsonValue {
  return {
    id: service.id,
    displayName: service.displayName,
    origins: [...service.origins],
    portal: service.portal,
    webhookUrl: service.webhookUrl,
  };
}
