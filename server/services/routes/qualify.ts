/**
 * Qualify: after the service's own login, the holder confirms that the pending common certificate (named
 * by its holder name and serial) may be used here; the service asks the CA to add itself to the
 * certificate's list and records the serial for this user.
 */
import { frame, requireCa, requireUser, type ServiceContext, setFlash } from '../context.js';
import { HttpError } from '../shared/app.js';
import { html } from '../shared/html.js';
import { page } from '../shared/layout.js';
import { pendingCertificate, withoutPending } from './login-complete.js';

/** Registers GET and POST /qualify. */
export function qualifyRoutes(ctx: ServiceContext): void {
  ctx.app.get('/qualify', (request, reply) => {
    if (!request.session?.userId) return reply.redirect('/login', 303);
    const { user } = requireUser(ctx, request);
    const pending = pendingCertificate(request.session);
    if (!pending) return reply.redirect('/', 303);
    const f = frame(ctx, request, reply, 'Use your common certificate here?');
    return reply.type('text/html; charset=utf-8').send(
      page(f, html`<section class="card" data-testid="qualify"><h1>Use your common certificate at ${ctx.config.theme.displayName}?</h1>
        <p>The card you just used holds the common certificate of <strong data-testid="pending-name">${pending.name}</strong> (serial <code>${pending.serial}</code>).</p>
        <p>If this is your card, ${ctx.config.theme.displayName} will accept it for the account of ${user.name} from now on.</p>
        <form method="post" action="/qualify"><input type="hidden" name="_csrf" value="${f.csrf ?? ''}">
          <button class="primary" type="submit" name="decision" value="yes" id="qualify-yes">Yes, use it here</button>
          <button class="secondary" type="submit" name="decision" value="no">No</button></form></section>`),
    );
  });

  ctx.app.post<{ Body: { decision?: unknown } }>('/qualify', async (request, reply) => {
    const { user, session } = requireUser(ctx, request);
    const pending = pendingCertificate(session);
    if (!pending) throw new HttpError(409, 'NOTHING_PENDING', 'There is no certificate waiting to be registered. Use your card again.');
    if (session.auth === 'certificate') throw new HttpError(403, 'OWN_LOGIN_REQUIRED', 'Log in with your password or a passkey first.');
    ctx.sessions.replace(reply, request, ctx.sessions.store.setData(session, withoutPending(session.data)));
    if (request.body?.decision !== 'yes') return reply.redirect('/', 303);
    const holder = ctx.users.bySerial(pending.serial);
    if (holder && holder.id !== user.id) throw new HttpError(409, 'CERTIFICATE_BELONGS_TO_ANOTHER_USER', 'This common certificate is already registered to another user here.');
    // The CA lists this service only with the card's login here as proof of the holder's presence.
    await requireCa(ctx).qualify(pending.serial, pending.proof);
    ctx.users.setSerial(user.id, pending.serial);
    setFlash(ctx, request, reply, 'info', `Your common certificate now works at ${ctx.config.theme.displayName}. Next time, just use your card.`);
    return reply.redirect('/', 303);
  });
}
