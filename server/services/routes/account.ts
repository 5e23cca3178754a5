/** The account page: passkeys and the common certificate. */
import { frame, requireUser, type ServiceContext } from '../context.js';
import { html } from '../shared/html.js';
import { page } from '../shared/layout.js';

/** Registers GET /account. */
export function accountRoutes(ctx: ServiceContext): void {
  ctx.app.get('/account', (request, reply) => {
    if (!request.session?.userId) return reply.redirect('/login', 303);
    const { user } = requireUser(ctx, request);
    const f = frame(ctx, request, reply, 'Account');
    const passkeys = (ctx.db.prepare('SELECT COUNT(*) AS n FROM passkeys WHERE user_id = ?').get(user.id) as { n: number }).n;
    const body = html`<section class="card"><h1>Passkeys</h1>
        <p data-testid="passkey-count">${passkeys === 0 ? 'No passkey registered.' : `${passkeys} passkey${passkeys === 1 ? '' : 's'} registered.`}</p>
        <button class="primary" type="button" id="passkey-register">Register a passkey</button></section>
      <section class="card" id="certificate"><h1>Common certificate</h1>
        ${user.certSerial
          ? html`<p>Registered here: serial <code data-testid="serial">${user.certSerial}</code>.</p>
              <form method="post" action="/certificate/prohibit"><input type="hidden" name="_csrf" value="${f.csrf ?? ''}">
                <button class="secondary" type="submit" id="prohibit">Stop using it at ${ctx.config.theme.displayName}</button></form>
              <form method="post" action="/certificate/invalidate"><input type="hidden" name="_csrf" value="${f.csrf ?? ''}">
                <button class="secondary" type="submit" id="invalidate">Invalidate it everywhere (lost or replaced card)</button></form>`
          : html`<p>You have no common certificate registered here.</p>
              <button class="primary" type="button" id="enroll" data-kyotsu-enroll>Get your common certificate</button>`}
      </section><script src="/assets/service.js"></script>`;
    return reply.type('text/html; charset=utf-8').send(page(f, body));
  });
}
