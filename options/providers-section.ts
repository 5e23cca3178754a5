/** "Services": the participating services kyotsu has seen, with approve and forget. */
import { type ProviderView } from '../src/message-results.js';
import { byId, el, row } from './dom.js';
import { errorText, t } from './i18n.js';
import { send } from './send.js';

function actions(provider: ProviderView, refresh: () => Promise<void>): HTMLTableCellElement {
  const cell = el('td');
  if (provider.status === 'pending') {
    const approve = el('button', t('approve'));
    approve.type = 'button';
    approve.setAttribute('aria-label', t('approveService', provider.displayName));
    approve.addEventListener('click', () => void send<'approveProvider'>({ type: 'approveProvider', origin: provider.origin }).then(refresh));
    cell.append(approve, ' ');
  }
  const forget = el('button', t('forget'));
  forget.type = 'button';
  forget.setAttribute('aria-label', t('forgetService', provider.displayName));
  forget.addEventListener('click', () => void send<'forgetProvider'>({ type: 'forgetProvider', origin: provider.origin }).then(refresh));
  cell.append(forget);
  return cell;
}

/** Loads and shows the services. */
export async function showProviders(): Promise<void> {
  const body = byId('providers').querySelector('tbody')!;
  const reply = await send<'listProviders'>({ type: 'listProviders' });
  body.replaceChildren();
  if (!reply.ok) {
    body.append(row([errorText(reply.error.code, reply.error.message)]));
    return;
  }
  for (const provider of reply.result.providers) {
    const status = el('td');
    status.append(el('span', t(`status_${provider.status}`), `badge ${provider.status}`));
    const tr = row([provider.displayName, el('td', provider.origin, 'origin'), status, actions(provider, showProviders)]);
    tr.dataset.origin = provider.origin;
    body.append(tr);
  }
  byId('providers-empty').hidden = reply.result.providers.length > 0;
}
