/** What happens after any successful login, whatever the method. */
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { requireCa, type ServiceContext, setFlash } from '../context.js';
import { HttpError } from '../shared/app.js';
import { type AuthMethod } from '../shared/sessions.js';

/**
 * Starts the logged-in session (new ID, new CSRF token) and returns where the browser goes next.
 *
 * When the visitor arrived with a common certificate this service did not know (its token verified, but
 * the serial is in no user's row), this login is the service's own check of who they are: the service
 * asks the CA to add itself to the certificate's list and records the serial for this user (qualify).
 */
export async function completeLogin(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, userId: string, auth: AuthMethod): Promise<string> {
  const pendingSerial = request.session?.data.pendingSerial;
  const session = ctx.sessions.store.login(request.session, userId, auth);
  ctx.sessions.replace(reply, request, session);
  if (!pendingSerial) return '/';
  const holder = ctx.users.bySerial(pendingSerial);
  if (holder && holder.id !== userId) {
    throw new HttpError(409, 'CERTIFICATE_BELONGS_TO_ANOTHER_USER', 'This common certificate is already registered to another user here.');
  }
  await requireCa(ctx).qualify(pendingSerial);
  ctx.users.setSerial(userId, pendingSerial);
  setFlash(ctx, request, reply, 'info', `Your common certificate now works at ${ctx.config.theme.displayName}. Next time, just use your card.`);
  return '/';
}
