/** "Activity": every card signature and card change, newest first. */
import { type ActivityEntry, type ServiceVerdict } from '../src/message-results.js';
import { byId, el, row } from './dom.js';
import { errorText, t } from './i18n.js';
import { send } from './send.js';

/** What the service did with the token the card signed: logged in, asked to register first, or refused (and why). */
function verdictText(verdict: ServiceVerdict): string {
  if (verdict.outcome === 'logged-in') return t('verdictLoggedIn');
  if (verdict.outcome === 'qualify-required') return t('verdictQualifyRequired');
  const code = verdict.code ?? '';
  const reason = errorText(code, code);
  return t('verdictRefused', reason === code ? code : `${reason} (${code})`);
}

/** The card's result, then the service's verdict when the tab reported one. */
function resultCell(entry: ActivityEntry): HTMLTableCellElement {
  const ok = entry.result === 'ok';
  const refused = entry.verdict?.outcome === 'refused';
  const text = ok ? t('resultOk') + (entry.verdict ? ` — ${verdictText(entry.verdict)}` : '') : errorText(entry.result, entry.result);
  const cell = el('td', text, ok && !refused ? 'result-ok' : 'result-error');
  if (entry.verdict) cell.dataset.verdict = entry.verdict.outcome + (entry.verdict.code ? `:${entry.verdict.code}` : '');
  return cell;
}

/** Loads and shows the activity log. */
export async function showActivity(): Promise<void> {
  const body = byId('activity').querySelector('tbody')!;
  const reply = await send<'listActivity'>({ type: 'listActivity' });
  body.replaceChildren();
  if (!reply.ok) return void body.append(row([errorText(reply.error.code, reply.error.message)]));
  for (const entry of reply.result.entries) {
    const what = t(`operation_${entry.operation.replace(/-/g, '_')}`) + (entry.automatic ? ` (${t('automatic')})` : '');
    body.append(
      row([
        new Date(entry.time).toLocaleString(),
        entry.service ?? entry.origin ?? t('thisBrowser'),
        what,
        resultCell(entry),
        el('td', entry.serial ?? '', 'serial'),
      ]),
    );
  }
  byId('activity-empty').hidden = reply.result.entries.length > 0;
}
