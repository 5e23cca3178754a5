/** The landing page, and the holder's home page with their statement and certificate status. */
import { type ServiceContext, frame } from '../context.js';
import { type Html, html } from '../shared/html.js';
import { page } from '../shared/layout.js';
import { formatAmount, type Statement } from '../shared/ledger.js';

function statementCard(statement: Statement | null): Html {
  if (!statement) return html`<section class="card"><h1>Your account</h1><p>No account here yet.</p></section>`;
  return html`<section class="card" data-testid="statement"><h1>Your account</h1>
    <p class="muted">Balance</p><p class="balance" data-testid="balance">${formatAmount(statement.currency, statement.balanceMinor)}</p>
    <table><thead><tr><th>Date</th><th>Description</th><th class="amount">Amount</th></tr></thead><tbody>
    ${statement.charges.map((c) => html`<tr><td>${c.at}</td><td>${c.description}</td><td class="amount">${formatAmount(statement.currency, c.amountMinor)}</td></tr>`)}
    </tbody></table></section>`;
}

/** Registers GET /. */
export function homeRoutes(ctx: ServiceContext): void {
  ctx.app.get('/', (request, reply) => {
    const f = frame(ctx, request, reply, 'Home');
    const userId = request.session?.userId;
    const user = userId ? ctx.users.get(userId) : null;
    let body: Html;
    if (!user) {
      body = html`<section class="card" data-testid="landing"><h1>Welcome to ${ctx.config.theme.displayName}</h1>
        <p>Log in with your ${ctx.config.theme.displayName} ID and password, a passkey, or your common certificate.</p>
        <a class="button" href="/login">Log in</a>
        <button class="secondary" type="button" data-kyotsu-login>Log in with your card</button></section>
        <script src="/assets/service.js"></script>`;
    } else {
      const how = request.session?.auth === 'certificate' ? 'with your common certificate' : request.session?.auth === 'passkey' ? 'with a passkey' : 'with your password';
      body = html`<p class="muted" data-testid="logged-in" data-auth="${request.session?.auth ?? ''}">Logged in as ${user.name} ${how}.</p>
        ${statementCard(ctx.ledger.statement(user.id))}
        <section class="card"><h1>Common certificate</h1>
        ${user.certSerial
          ? html`<p>Registered here: serial <code data-testid="serial">${user.certSerial}</code>.</p><a href="/account">Manage</a>`
          : html`<p>You have no common certificate registered here.</p><a class="button" href="/account">Get your common certificate</a>`}
        </section>`;
    }
    return reply.type('text/html; charset=utf-8').send(page(f, body));
  });
}
