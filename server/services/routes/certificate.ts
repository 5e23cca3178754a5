/**
 * The common certificate's life at this service: first issue (after the service's own login), and the
 * holder's invalidate (revoke everywhere) and prohibit (stop using it here).
 */
import { type Holder } from '../../../src/ca-api.js';
import { requireCa, requireUser, type ServiceContext, setFlash } from '../context.js';
import { HttpError } from '../shared/app.js';

/** Registers the certificate routes. */
export function certificateRoutes(ctx: ServiceContext): void {
  ctx.app.post<{ Body: { csr?: unknown } }>('/api/certificate/issue', async (request) => {
    const { user, session } = requireUser(ctx, request);
    if (session.auth === 'certificate') throw new HttpError(403, 'OWN_LOGIN_REQUIRED', 'Log in with your password or a passkey to get a new certificate.');
    if (user.certSerial) throw new HttpError(409, 'CERTIFICATE_EXISTS', 'You already have a common certificate here. Invalidate it first to get a new one.');
    const csr = request.body?.csr;
    if (typeof csr !== 'string' || csr.length === 0 || csr.length > 16_384) throw new HttpError(400, 'CSR_MISSING', 'The certificate request from your card is missing.');
    const holder: Holder = { name: user.name, address: user.address, email: user.email };
    const issued = await requireCa(ctx).issue(csr, holder);
    ctx.users.setSerial(user.id, issued.serial);
    return issued;
  });

  ctx.app.post('/certificate/invalidate', async (request, reply) => {
    const { user } = requireUser(ctx, request);
    if (!user.certSerial) throw new HttpError(409, 'NO_CERTIFICATE', 'You have no common certificate registered here.');
    await requireCa(ctx).invalidate(user.certSerial);
    ctx.users.setSerial(user.id, null);
    setFlash(ctx, request, reply, 'info', 'Your common certificate has been invalidated. It can no longer be used at any service.');
    return reply.redirect('/account', 303);
  });

  ctx.app.post('/certificate/prohibit', async (request, reply) => {
    const { user } = requireUser(ctx, request);
    if (!user.certSerial) throw new HttpError(409, 'NO_CERTIFICATE', 'You have no common certificate registered here.');
    await requireCa(ctx).prohibit(user.certSerial);
    ctx.users.setSerial(user.id, null);
    setFlash(ctx, request, reply, 'info', `Your common certificate can no longer be used at ${ctx.config.theme.displayName}.`);
    return reply.redirect('/account', 303);
  });
}
