/** The webhook body for an invalidation (src/ca-api.ts `CertificateInvalidatedEvent`), serialised once and stored as sent. */
import type { CertificateInvalidatedEvent } from '../../../src/ca-api.js';

/** JSON body of the delivery `deliveryId` announcing that `serial` was invalidated at `at`. */
export function invalidationBody(deliveryId: string, serial: string, at: Date): string {
  const event: CertificateInvalidatedEvent = { type: 'certificate.invalidated', serial, invalidatedAt: at.toISOString(), id: deliveryId };
  return JSON.stringify(event);
}
