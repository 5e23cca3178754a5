/**
 * The holder's statement as JSON, for a holder logged in with the common certificate. Web pages of other
 * origins may not read it (no CORS headers, and cross-site requests are refused outright); the extension
 * reads it with its host permissions.
 */
import { requireUser, type ServiceContext } from '../context.js';
import { HttpError } from '../shared/app.js';
import { sameOriginOrExtension } from '../shared/request-origin.js';

/** Registers GET /api/statement. */
export function statementRoutes(ctx: ServiceContext): void {
  ctx.app.get('/api/statement', (request) => {
    if (!sameOriginOrExtension(request, ctx.origin())) throw new HttpError(403, 'CROSS_ORIGIN_REFUSED', 'Statements can only be read by this site and the kyotsu extension.');
    const { user, session } = requireUser(ctx, request);
    if (session.auth !== 'certificate') throw new HttpError(403, 'CERTIFICATE_LOGIN_REQUIRED', 'Statements are shared only after a login with the common certificate.');
    const statement = ctx.ledger.statement(user.id);
    if (!statement) throw new HttpError(404, 'NO_ACCOUNT', 'There is no account for this holder here.');
    return { serviceId: ctx.config.id, displayName: ctx.config.theme.displayName, holder: user.name, ...statement };
  });
}
