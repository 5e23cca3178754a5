/**
 * The consent window (an extension page in its own popup window): asks the holder whether a service may
 * use the card (`provider`) or may put a new key on it (`enroll`). Closing the window refuses.
 */
import { errorText, localize, t } from './i18n.js';
import { holdKeepAlive, send } from './send.js';

const requestId = new URLSearchParams(location.search).get('request') ?? '';
const status = document.getElementById('status') as HTMLElement;

function end(message: string): void {
  status.textContent = message;
  document.querySelectorAll('button').forEach((button) => (button.disabled = true));
}

async function answer(allow: boolean): Promise<void> {
  const reply = await send<'consentAnswer'>({ type: 'consentAnswer', requestId, allow });
  if (reply.ok) window.close();
  else end(errorText(reply.error.code, reply.error.message));
}

async function start(): Promise<void> {
  localize();
  holdKeepAlive(() => end(t('error_BACKGROUND_RESTARTED')));
  document.getElementById('allow')!.addEventListener('click', () => void answer(true));
  document.getElementById('deny')!.addEventListener('click', () => void answer(false));
  const reply = await send<'consentInfo'>({ type: 'consentInfo', requestId });
  if (!reply.ok) return end(errorText(reply.error.code, reply.error.message));
  const { kind, origin, serviceName } = reply.result;
  const name = serviceName ?? origin;
  document.getElementById('heading')!.textContent = t(`consentTitle_${kind}`, name);
  document.getElementById('who')!.textContent = origin;
  document.getElementById('explain')!.textContent = t(`consentExplain_${kind}`, name);
  document.getElementById('allow')!.focus();
}

void start();
