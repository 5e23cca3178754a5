/**
 * The native host (the kyotsu helper app): what is missing on the way to a card — the exact problem, in the
 * user's language, with the one command that fixes it where there is one — and the readers it sees.
 */
import { type NativeHostStatus } from '../src/message-results.js';
import { byId, el, setStatus } from './dom.js';
import { errorText, t } from './i18n.js';
import { send } from './send.js';

function render(status: NativeHostStatus): void {
  const line = byId('native-status');
  if (status.problem === null) setStatus(line, t('nativeReady'), 'ok');
  else setStatus(line, t(`nativeProblem_${status.problem.replace(/-/g, '_')}`), 'error');
  line.dataset.problem = status.problem ?? 'none';
  byId('native-detail').textContent = status.problem === null ? '' : status.message; // the host's own words, for support
  byId('native-version').textContent = status.hostVersion === null ? '' : `${t('nativeHostVersion')}: ${status.hostVersion}`;
  const list = byId('native-readers');
  list.replaceChildren(
    ...status.readers.map((reader) => {
      const item = el('li', `${reader.name} — ${t(`readerCard_${reader.card}`)}${reader.busy ? ` (${t('readerBusy')})` : ''}`);
      item.dataset.card = reader.card;
      return item;
    }),
  );
}

/** Asks the background (which asks the host) and shows the answer. */
export async function showNativeStatus(): Promise<void> {
  setStatus(byId('native-status'), t('nativeChecking'), 'busy');
  const reply = await send<'nativeHostStatus'>({ type: 'nativeHostStatus' });
  if (reply.ok) return render(reply.result);
  setStatus(byId('native-status'), errorText(reply.error.code, reply.error.message, reply.error.details), 'error');
}

/** Checks when the native host is the chosen card source (checking starts the helper app, so not otherwise). */
export async function showNativeStatusIfChosen(): Promise<void> {
  const settings = await send<'getSettings'>({ type: 'getSettings' });
  if (settings.ok && settings.result.settings.cardSource === 'native') await showNativeStatus();
}

/** Wires the check button and checks at once if the native host is the card source. */
export async function initNativeSection(): Promise<void> {
  byId('native-check').addEventListener('click', () => void showNativeStatus());
  await showNativeStatusIfChosen();
}
