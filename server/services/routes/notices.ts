/**
 * The CA's invalidation notices (signed webhooks). A service in check-omitted mode trusts its own table
 * at login, so it must drop an invalidated serial as soon as the CA says so. Deliveries are deduplicated
 * on their id; a bad signature is refused with nothing changed.
 */
import { type CertificateInvalidatedEvent } from '../../../src/ca-api.js';
import { KyotsuError } from '../../../src/errors.js';
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from '../../../src/webhook-signature.js';
import { type ServiceContext } from '../context.js';
import { HttpError } from '../shared/app.js';

/** Registers POST /api/ca-notices, verified with the service's webhook secret. */
export function noticeRoutes(ctx: ServiceContext, webhookSecret: () => string | null): void {
  ctx.app.post('/api/ca-notices', { config: { csrfExempt: true } }, async (request) => {
    const secret = webhookSecret();
    if (!secret) throw new HttpError(503, 'NOT_REGISTERED', 'This service is not registered with a CA.');
    try {
      await verifyWebhookSignature({ secret, body: request.rawBody ?? new Uint8Array(), header: request.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string | undefined });
    } catch (error) {
      if (error instanceof KyotsuError) throw new HttpError(401, error.code, error.message);
      throw error;
    }
    const event = request.body as Partial<CertificateInvalidatedEvent>;
    if (event.type !== 'certificate.invalidated' || typeof event.id !== 'string' || typeof event.serial !== 'string') {
      throw new HttpError(400, 'NOTICE_UNKNOWN', 'Unknown notice.');
    }
    const record = ctx.db.transaction(() => {
      const fresh = ctx.db.prepare('INSERT OR IGNORE INTO processed_notices (id, received_at) VALUES (?, ?)').run(event.id, Date.now()).changes > 0;
      const dropped = fresh ? ctx.users.dropSerial(event.serial!) : false;
      ctx.db.prepare('INSERT OR IGNORE INTO invalidated_serials (serial, invalidated_at) VALUES (?, ?)').run(event.serial!.toLowerCase(), String(event.invalidatedAt ?? ''));
      return { fresh, dropped };
    });
    const { fresh, dropped } = record();
    return { acknowledged: true, duplicate: !fresh, dropped };
  });
}
