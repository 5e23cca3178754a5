/**
 * The portal's member menu and statement page. The statement page's layout (src/statement-layout.ts) has one
 * region per participating service registered at the CA, enrolled or not (shared/statement-regions.ts); the
 * kyotsu extension fills each enrolled region with that service's statement, reached with the same
 * certificate, and leaves the "not enrolled" ones with their link to qualify.
 */
import { frame, requireCa, requireUser, type ServiceContext } from '../context.js';
import { HttpError } from '../shared/app.js';
import { html } from '../shared/html.js';
import { page } from '../shared/layout.js';
import { renderRegion, statementLayout } from '../shared/statement-regions.js';

/** Registers GET /member, GET /statement and GET /api/statement/layout (portal only). */
export function portalRoutes(ctx: ServiceContext): void {
  ctx.app.get('/api/statement/layout', async (request) => {
    const { user, session } = requireUser(ctx, request);
    if (session.auth !== 'certificate' || !user.certSerial) throw new HttpError(403, 'CERTIFICATE_LOGIN_REQUIRED', 'The statement page needs a login with the common certificate.');
    return statementLayout(requireCa(ctx), user.certSerial);
  });

  ctx.app.get('/member', (request, reply) => {
    if (!request.session?.userId) return reply.redirect('/login', 303);
    const f = frame(ctx, request, reply, 'Member menu');
    return reply.type('text/html; charset=utf-8').send(
      page(f, html`<section class="card" data-testid="member-menu"><h1>Member menu</h1><ul>
        <li><a href="/statement">All your statements on one page</a></li><li><a href="/">Membership points</a></li><li><a href="/account">Account and certificate</a></li></ul></section>`),
    );
  });

  ctx.app.get('/statement', async (request, reply) => {
    if (!request.session?.userId) return reply.redirect('/login', 303);
    const { user, session } = requireUser(ctx, request);
    const f = frame(ctx, request, reply, 'Statements');
    if (session.auth !== 'certificate' || !user.certSerial) {
      return reply.type('text/html; charset=utf-8').send(page(f, html`<section class="card"><h1>Statements</h1><p>Log in with your common certificate to see every service's statement here.</p></section>`));
    }
    const { regions } = await statementLayout(requireCa(ctx), user.certSerial);
    return reply.type('text/html; charset=utf-8').send(
      page(f, html`<section class="card"><h1>Your statements</h1><p class="muted">Gathered by the kyotsu extension from each service with your common certificate.</p></section>
        <div class="regions" data-kyotsu-statement data-serial="${user.certSerial}">
        ${regions.map(renderRegion)}
        </div>`),
    );
  });
}
