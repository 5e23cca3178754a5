/** Log in with the service's own ID and password, and log out. */
import { formFrame, frame, type ServiceContext } from '../context.js';
import { HttpError } from '../shared/app.js';
import { html } from '../shared/html.js';
import { page } from '../shared/layout.js';
import { completeLogin, pendingCertificate } from './login-complete.js';

/** Registers GET/POST /login and POST /logout. */
export function passwordRoutes(ctx: ServiceContext): void {
  ctx.app.get('/login', (request, reply) => {
    const f = formFrame(ctx, request, reply, 'Log in');
    const pendingSerial = pendingCertificate(request.session)?.serial;
    const body = html`<section class="card"><h1>Log in to ${ctx.config.theme.displayName}</h1>
      ${pendingSerial ? html`<p data-testid="qualify-notice">Your common certificate is not yet registered here. Log in once with your ${ctx.config.theme.displayName} ID and password to use it from now on.</p>` : ''}
      <form method="post" action="/login"><input type="hidden" name="_csrf" value="${f.csrf ?? ''}">
        <label for="userId">User ID</label><input type="text" id="userId" name="userId" autocomplete="username" required>
        <label for="password">Password</label><input type="password" id="password" name="password" autocomplete="current-password" required>
        <button class="primary" type="submit">Log in</button></form>
      <p class="muted">Or use a passkey: <button class="secondary" type="button" id="passkey-login">Log in with a passkey</button></p>
      ${pendingSerial ? '' : html`<p class="muted">Have a common certificate? <button class="secondary" type="button" data-kyotsu-login>Log in with your card</button></p>`}
      </section><script src="/assets/service.js"></script>`;
    return reply.type('text/html; charset=utf-8').send(page(f, body));
  });

  ctx.app.post<{ Body: { userId?: unknown; password?: unknown } }>('/login', async (request, reply) => {
    const { userId, password } = request.body ?? {};
    if (typeof userId !== 'string' || typeof password !== 'string' || !userId || !password) {
      throw new HttpError(400, 'FORM_INCOMPLETE', 'Enter your user ID and password.');
    }
    const result = await ctx.users.checkPassword(userId, password);
    if (!result.ok) {
      const text =
        result.reason === 'locked'
          ? `Too many wrong passwords. This account is locked until ${new Date(result.until).toLocaleTimeString('en-GB')}.`
          : 'The user ID or password is wrong.';
      const f = frame(ctx, request, reply, 'Log in', { kind: 'error', text });
      return reply.status(result.reason === 'locked' ? 423 : 401).type('text/html; charset=utf-8').send(page(f, html`<p><a href="/login">Try again</a></p>`));
    }
    return reply.redirect(completeLogin(ctx, request, reply, result.user.id, 'password'), 303);
  });

  ctx.app.post('/logout', (request, reply) => {
    ctx.sessions.replace(reply, request, null);
    return reply.redirect('/', 303);
  });
}
