/** "Your card": source, presence, certificate and PIN tries, read through the card queue. */
import { errorText, t } from './i18n.js';
import { byId, el } from './dom.js';
import { send } from './send.js';

function fact(list: HTMLElement, term: string, value: string): void {
  list.append(el('dt', term), el('dd', value));
}

/** Reads the card status and shows it. */
export async function showCardStatus(): Promise<void> {
  const list = byId('card-status');
  list.replaceChildren();
  list.setAttribute('aria-busy', 'true');
  const reply = await send<'cardStatus'>({ type: 'cardStatus' });
  list.removeAttribute('aria-busy');
  if (!reply.ok) {
    fact(list, t('cardState'), errorText(reply.error.code, reply.error.message, reply.error.details));
    list.dataset.state = 'error';
    return;
  }
  const status = reply.result;
  list.dataset.state = status.present ? 'ok' : 'absent';
  fact(list, t('cardSourceLabel'), t(`source_${status.source}`));
  fact(list, t('cardState'), t(status.present ? 'cardPresent' : 'cardAbsent'));
  if (status.certificate) {
    fact(list, t('certificateSubject'), status.certificate.subject);
    fact(list, t('certificateSerial'), status.certificate.serial);
    fact(list, t('certificateExpires'), new Date(status.certificate.notAfter).toLocaleDateString());
  } else if (status.present) {
    fact(list, t('certificateSubject'), t('certificateNone'));
  }
  if (status.pinRetries !== null) fact(list, t('pinTriesLeft'), String(status.pinRetries));
}

/** Wires the refresh button. */
export function initCardSection(): void {
  byId('card-refresh').addEventListener('click', () => void showCardStatus());
}
