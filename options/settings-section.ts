/** Card source (with USB pairing), automatic login and the PIN cache time. */
import { type Settings } from '../src/message-results.js';
import { byId, setStatus } from './dom.js';
import { errorText, t } from './i18n.js';
import { send } from './send.js';
import { pairUsbReader } from './usb-pairing.js';

function render(settings: Settings): void {
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="cardSource"]')) radio.checked = radio.value === settings.cardSource;
  byId<HTMLInputElement>('auto-login').checked = settings.autoLogin;
  byId<HTMLInputElement>('pin-cache').value = String(settings.pinCacheMinutes);
  const device = settings.usbDevice;
  byId('usb-paired').textContent = device ? t('usbPairedWith', device.productName ?? `${device.vendorId.toString(16)}:${device.productId.toString(16)}`) : t('usbNotPaired');
}

async function save(patch: Partial<Settings>, status: HTMLElement): Promise<void> {
  const reply = await send<'setSettings'>({ type: 'setSettings', settings: patch });
  if (!reply.ok) return setStatus(status, errorText(reply.error.code, reply.error.message), 'error');
  render(reply.result.settings);
  setStatus(status, t('saved'), 'ok');
}

/** Loads the settings and wires the controls. */
export async function initSettingsSection(onSourceChanged: () => void): Promise<void> {
  const reply = await send<'getSettings'>({ type: 'getSettings' });
  if (reply.ok) render(reply.result.settings);
  const sourceStatus = byId('source-status');
  const loginStatus = byId('login-status');
  byId('card-source').addEventListener('change', (event) => {
    const value = (event.target as HTMLInputElement).value;
    if (value === 'software' || value === 'webusb' || value === 'native') void save({ cardSource: value }, sourceStatus).then(onSourceChanged);
  });
  byId('usb-pair').addEventListener('click', () => {
    pairUsbReader().then(
      (usbDevice) => save({ usbDevice, cardSource: 'webusb' }, sourceStatus).then(onSourceChanged),
      (error: unknown) => setStatus(sourceStatus, t('usbPairFailed', error instanceof Error ? error.message : String(error)), 'error'),
    );
  });
  byId('auto-login').addEventListener('change', (event) => void save({ autoLogin: (event.target as HTMLInputElement).checked }, loginStatus));
  byId('pin-cache-save').addEventListener('click', () => {
    const minutes = Number(byId<HTMLInputElement>('pin-cache').value);
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > 240) return setStatus(loginStatus, t('pinCacheInvalid'), 'error');
    void save({ pinCacheMinutes: minutes }, loginStatus);
  });
}
