/** What happens after any successful login, whatever the method. */
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type ServiceContext } from '../context.js';
import { type AuthMethod } from '../shared/sessions.js';

/**
 * Starts the logged-in session (new ID, new CSRF token) and returns where the browser goes next: the
 * qualify step when the visitor arrived with a common certificate this service did not know yet, else home.
 */
export function completeLogin(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, userId: string, auth: AuthMethod): string {
  const pendingSerial = request.session?.data.pendingSerial;
  let session = ctx.sessions.store.login(request.session, userId, auth);
  if (pendingSerial) session = ctx.sessions.store.setData(session, { pendingSerial });
  ctx.sessions.replace(reply, request, session);
  return pendingSerial ? '/qualify' : '/';
}
