/** The page frame every demo service renders into: its name and colour, navigation and a flash message. */
import { type Html, html, raw } from './html.js';

/** How a service looks. */
export interface Theme {
  readonly displayName: string;
  /** Accent colour (CSS). */
  readonly accent: string;
  /** One-line tagline under the name. */
  readonly tagline: string;
}

/** What the frame needs to know about the visitor. */
export interface FrameContext {
  readonly theme: Theme;
  readonly title: string;
  readonly userName?: string | null;
  readonly csrf?: string | null;
  readonly flash?: { readonly kind: 'info' | 'error'; readonly text: string } | null;
  /** A common certificate was presented and waits for the visitor's own login (qualify). */
  readonly certificatePending?: boolean;
}

const STYLE = raw(`
:root { color-scheme: light; --accent: #1d4ed8; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 0; background: #f6f7f9; color: #1f2937; }
header { background: var(--accent); color: #fff; padding: 1rem 2rem; display: flex; align-items: baseline; gap: 1rem; }
header .name { font-size: 1.4rem; font-weight: 700; margin: 0; }
header .tagline { opacity: .85; font-size: .9rem; }
header nav { margin-left: auto; display: flex; gap: 1rem; align-items: baseline; }
header nav a, header nav button { color: #fff; background: none; border: 0; font: inherit; cursor: pointer; text-decoration: underline; padding: 0; }
main { max-width: 56rem; margin: 2rem auto; padding: 0 1rem; }
.card { background: #fff; border-radius: .75rem; box-shadow: 0 1px 3px rgba(0,0,0,.08); padding: 1.5rem; margin-bottom: 1.5rem; }
h1 { font-size: 1.5rem; margin-top: 0; }
.flash { padding: .75rem 1rem; border-radius: .5rem; margin-bottom: 1rem; }
.flash.info { background: #e0f2fe; color: #075985; }
.flash.error { background: #fee2e2; color: #991b1b; }
label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
input[type=text], input[type=password], input[type=email] { width: 100%; max-width: 22rem; padding: .5rem; border: 1px solid #cbd5e1; border-radius: .375rem; font: inherit; }
button.primary, a.button { display: inline-block; margin-top: 1rem; background: var(--accent); color: #fff; border: 0; border-radius: .375rem; padding: .6rem 1.1rem; font: inherit; cursor: pointer; text-decoration: none; }
button.secondary { margin-top: 1rem; background: #fff; color: var(--accent); border: 1px solid var(--accent); border-radius: .375rem; padding: .55rem 1rem; font: inherit; cursor: pointer; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid #e5e7eb; }
.amount { text-align: right; font-variant-numeric: tabular-nums; }
.balance { font-size: 2rem; font-weight: 700; }
.muted { color: #6b7280; font-size: .9rem; }
.regions { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
.regions table { width: 100%; font-size: .9rem; }
.regions td:last-child { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
footer { text-align: center; color: #6b7280; font-size: .8rem; margin: 3rem 0 2rem; }
`);

/**
 * Renders a whole page. Pages of a logged-in session carry `<meta name="kyotsu-session" content="active">`:
 * the kyotsu extension then does not log in again by itself (session reuse; content/auto-login.ts). While a
 * presented certificate waits for the visitor's own login (qualify) they carry `content="pending"`: the card
 * was just used, so the extension leaves the page to the visitor.
 */
export function page(ctx: FrameContext, body: Html): string {
  const nav = ctx.userName
    ? html`<nav><span>${ctx.userName}</span><a href="/">Home</a><a href="/account">Account</a>
        <form method="post" action="/logout" style="display:inline"><input type="hidden" name="_csrf" value="${ctx.csrf ?? ''}"><button type="submit">Log out</button></form></nav>`
    : html`<nav><a href="/login">Log in</a></nav>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${ctx.title} · ${ctx.theme.displayName}</title>
<style>${STYLE}</style><style>:root { --accent: ${ctx.theme.accent}; }</style>
${ctx.csrf ? html`<meta name="csrf-token" content="${ctx.csrf}">` : ''}
${ctx.userName ? html`<meta name="kyotsu-session" content="active">` : ctx.certificatePending ? html`<meta name="kyotsu-session" content="pending">` : ''}
</head><body>
<header><p class="name">${ctx.theme.displayName}</p><span class="tagline">${ctx.theme.tagline}</span>${nav}</header>
<main>${ctx.flash ? html`<div class="flash ${ctx.flash.kind}" role="${ctx.flash.kind === 'error' ? 'alert' : 'status'}">${ctx.flash.text}</div>` : ''}${body}</main>
<footer>A demo service of kyotsu — log in with your common certificate.</footer>
</body></html>`.toString();
}
