/**
 * The portal's statement page (issue 8), page side. The portal renders one region per service
 * (`[data-kyotsu-statement] [data-kyotsu-region]`, layout of src/statement-layout.ts); this script reads the
 * enrolled regions, asks the background to gather them (`statementGather`, the content script's own request:
 * the background takes the portal's origin from `sender` and checks every region's origin itself), and fills
 * each region as its result arrives (`statementRegion` messages), then once more from the final reply in case
 * a message was lost. Regions the portal marks "not enrolled" are left exactly as the portal wrote them.
 *
 * Everything written into the page is text (`textContent`): statements come from other services.
 */
import { type StatementRegionRef, type StatementRegionResult, type StatementView } from '../src/message-results.js';
import { type Request } from '../src/message-requests.js';
import { type Reply } from '../src/messages.js';

/** How the page side reaches the background (injectable for tests). */
export interface StatementDeps {
  readonly send: <T extends Request['type']>(request: Extract<Request, { type: T }>) => Promise<Reply<T>>;
  /** Registers a listener for the background's messages to this tab; returns the unsubscribe. */
  readonly listen: (listener: (message: unknown) => void) => () => void;
  readonly newId: () => string;
}

/** A region the extension fills. */
interface Region {
  readonly ref: StatementRegionRef;
  readonly element: HTMLElement;
  readonly qualifyUrl: string | null;
}

/** The enrolled regions of the page's statement layout (those with an origin and a statement URL). */
export function readRegions(doc: Document): Region[] {
  const regions: Region[] = [];
  for (const element of doc.querySelectorAll<HTMLElement>('[data-kyotsu-statement] [data-kyotsu-region]')) {
    const { kyotsuRegion: serviceId, origin, statementUrl, enrolled, qualifyUrl } = element.dataset;
    if (enrolled === 'false' || !serviceId || !origin || !statementUrl) continue; // "not enrolled": the portal says so itself
    regions.push({ ref: { serviceId, origin, statementUrl }, element, qualifyUrl: qualifyUrl ?? null });
  }
  return regions;
}

/** Formats minor units as the services do: `¥1,250,000`, `12,400 pt`. */
export function formatAmount(currency: string, minor: number): string {
  if (/^[A-Z]{3}$/.test(currency)) {
    try {
      const digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 0;
      return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 10 ** digits);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error; // an unknown currency code: plain number below
    }
  }
  return `${new Intl.NumberFormat('en-US').format(minor)} ${currency}`;
}

function element<K extends keyof HTMLElementTagNameMap>(doc: Document, tag: K, text?: string, attributes: Record<string, string> = {}): HTMLElementTagNameMap[K] {
  const node = doc.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function statementNode(doc: Document, statement: StatementView): HTMLElement {
  const box = element(doc, 'div', undefined, { 'data-statement': '' });
  box.append(element(doc, 'p', `Balance: ${formatAmount(statement.currency, statement.balanceMinor)}`, { 'data-balance': '' }));
  if (statement.charges.length === 0) {
    box.append(element(doc, 'p', 'No recent charges.', { class: 'muted' }));
    return box;
  }
  const table = element(doc, 'table', undefined, { 'data-charges': '' });
  for (const charge of statement.charges) {
    const row = element(doc, 'tr');
    row.append(element(doc, 'td', charge.at), element(doc, 'td', charge.description), element(doc, 'td', formatAmount(statement.currency, charge.amountMinor)));
    table.append(row);
  }
  box.append(table);
  return box;
}

function setStatus(region: Region, state: string, ...nodes: Node[]): void {
  const doc = region.element.ownerDocument;
  region.element.dataset.regionState = state;
  region.element.removeAttribute('aria-busy');
  const old = region.element.querySelector('[data-region-status]');
  const status = element(doc, 'div', undefined, { 'data-region-status': '' });
  status.append(...nodes);
  if (old) old.replaceWith(status);
  else region.element.append(status);
}

/** Fills one region with its result. */
export function showResult(region: Region, result: StatementRegionResult): void {
  const doc = region.element.ownerDocument;
  switch (result.state) {
    case 'ok':
      return setStatus(region, 'ok', statementNode(doc, result.statement));
    case 'failed':
      return setStatus(region, 'failed', element(doc, 'p', result.message, { role: 'alert', 'data-region-error': result.code }));
    case 'not-enrolled': {
      const name = region.element.querySelector('h2')?.textContent ?? 'this service';
      const text = element(doc, 'p', `Not enrolled: your common certificate is not registered at ${name} yet. `, { 'data-testid': 'not-enrolled' });
      const href = region.qualifyUrl ?? result.qualifyUrl;
      if (href && URL.canParse(href) && new URL(href).origin === region.ref.origin) {
        text.append(element(doc, 'a', `Register it at ${name}`, { href, 'data-qualify-link': '' }));
      }
      return setStatus(region, 'not-enrolled', text);
    }
    case 'login-required': {
      const name = region.element.querySelector('h2')?.textContent ?? 'this service';
      const text = element(doc, 'p', `You are not logged in at ${name}. `);
      text.append(element(doc, 'button', 'Log in with your card to show it', { type: 'button', 'data-kyotsu-statement-login': '' }));
      return setStatus(region, 'login-required', text);
    }
  }
}

/** Recognises the background's `statementRegion` message for this gathering; null for anything else. */
export function statementRegionOf(message: unknown, gatherId: string): StatementRegionResult | null {
  if (typeof message !== 'object' || message === null) return null;
  const { type, gatherId: id, result } = message as Record<string, unknown>;
  if (type !== 'statementRegion' || id !== gatherId || typeof result !== 'object' || result === null) return null;
  const r = result as Record<string, unknown>;
  if (typeof r.serviceId !== 'string') return null;
  if (r.state === 'ok' && typeof r.statement === 'object' && r.statement !== null) return r as unknown as StatementRegionResult;
  if (r.state === 'failed' && typeof r.code === 'string' && typeof r.message === 'string') return r as unknown as StatementRegionResult;
  if (r.state === 'not-enrolled' && (r.qualifyUrl === null || typeof r.qualifyUrl === 'string')) return r as unknown as StatementRegionResult;
  if (r.state === 'login-required') return r as unknown as StatementRegionResult;
  return null;
}

/** Gathers the page's statement regions; resolves when every region shows its result. */
export async function fillStatementPage(doc: Document, deps: StatementDeps): Promise<void> {
  await gather(readRegions(doc), deps, false);
}

/**
 * Gathers `regions` (`interactive`: the holder clicked for it). Regions that still need a login (automatic
 * login is off) get a button; the holder's own click gathers all of them again, with one card signature.
 */
async function gather(regions: readonly Region[], deps: StatementDeps, interactive: boolean): Promise<void> {
  if (regions.length === 0) return;
  const needLogin: Region[] = [];
  const byId = new Map(regions.map((r) => [r.ref.serviceId, r]));
  const shown = new Set<string>();
  const show = (result: StatementRegionResult): void => {
    const region = byId.get(result.serviceId);
    if (!region || shown.has(result.serviceId)) return;
    shown.add(result.serviceId);
    showResult(region, result);
    if (result.state === 'login-required') needLogin.push(region);
  };
  for (const region of regions) {
    region.element.dataset.regionState = 'loading';
    region.element.setAttribute('aria-busy', 'true');
  }
  const gatherId = deps.newId();
  const stop = deps.listen((message) => {
    const result = statementRegionOf(message, gatherId);
    if (result) show(result);
  });
  try {
    const reply = await deps.send<'statementGather'>({ type: 'statementGather', gatherId, regions: regions.map((r) => r.ref), interactive });
    if (reply.ok) for (const result of reply.result.regions) show(result);
    const fallback = reply.ok
      ? { code: 'NO_RESULT', message: 'kyotsu got no answer for this service.' }
      : { code: reply.error.code, message: `kyotsu could not gather the statements: ${reply.error.message}` };
    for (const region of regions) show({ serviceId: region.ref.serviceId, state: 'failed', ...fallback });
  } finally {
    stop();
  }
  for (const region of needLogin) {
    region.element.querySelector('[data-kyotsu-statement-login]')?.addEventListener('click', (event) => {
      if (!event.isTrusted) return; // only the holder's own click signs
      gather(needLogin, deps, true).catch((error: unknown) => console.warn('kyotsu: statement login failed', error));
    }, { once: true });
  }
}
