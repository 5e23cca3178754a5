/** "Activity": every card signature and card change, newest first. */
import { type ActivityEntry } from '../src/message-results.js';
import { byId, el, row } from './dom.js';
import { errorText, t } from './i18n.js';
import { send } from './send.js';

function resultCell(entry: ActivityEntry): HTMLTableCellElement {
  const ok = entry.result === 'ok';
  return el('td', ok ? t('resultOk') : errorText(entry.result, entry.result), ok ? 'result-ok' : 'result-error');
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
