/** Options page: talks to the background only through typed messages (src/messages.ts). */
import { showActivity } from './activity-section.js';
import { initCardSection, showCardStatus } from './card-section.js';
import { byId } from './dom.js';
import { localize, t } from './i18n.js';
import { initNativeSection, showNativeStatusIfChosen } from './native-section.js';
import { initPinSection } from './pin-section.js';
import { showProviders } from './providers-section.js';
import { send } from './send.js';
import { initSettingsSection } from './settings-section.js';

async function showStatus(): Promise<void> {
  const status = byId('background-status');
  status.textContent = t('statusChecking');
  const reply = await send<'ping'>({ type: 'ping' });
  if (reply.ok) {
    status.dataset.state = 'ok';
    status.dataset.senderContext = reply.result.senderContext;
    status.textContent = t('statusConnected', String(reply.result.protocolVersion));
  } else {
    status.dataset.state = 'error';
    status.textContent = t('statusFailed', `${reply.error.code}: ${reply.error.message}`);
  }
}

async function start(): Promise<void> {
  localize();
  document.title = t('optionsTitle');
  initCardSection();
  initPinSection(() => void Promise.all([showCardStatus(), showActivity()]));
  await showStatus();
  const sourceChanged = (): void => void Promise.all([showCardStatus(), showNativeStatusIfChosen()]);
  await Promise.all([initSettingsSection(sourceChanged), showProviders(), showActivity(), initNativeSection()]);
  await showCardStatus();
}

void start();
