/**
 * The PIN window (an extension page in its own popup window, never inside a web page). Shows which
 * service asks and how many tries are left; sends the PIN the holder typed to the background once per
 * submission and shows the card's answer. The PIN is never stored, logged or kept after submitting.
 * While open it keeps the background alive (`holdKeepAlive`), so a slow holder does not lose the login.
 */
import { type PinPromptView, type PinSubmitResult } from '../src/message-results.js';
import { errorText, localize, t } from './i18n.js';
import { holdKeepAlive, send } from './send.js';

const requestId = new URLSearchParams(location.search).get('request') ?? '';
const form = document.getElementById('pin-form') as HTMLFormElement;
const input = document.getElementById('pin') as HTMLInputElement;
const status = document.getElementById('status') as HTMLElement;
const retries = document.getElementById('retries') as HTMLElement;

function showRetries(left: number | null): void {
  retries.textContent = left === null ? '' : t('pinRetriesLeft', String(left));
  retries.dataset.low = String(left !== null && left <= 1);
}

function end(message: string): void {
  status.textContent = message;
  form.querySelectorAll('input, button[type=submit]').forEach((element) => ((element as HTMLInputElement).disabled = true));
}

function show(view: PinPromptView): void {
  document.getElementById('who')!.textContent = view.serviceName ? `${view.serviceName} — ${view.origin ?? ''}` : (view.origin ?? t('pinForSettings'));
  document.getElementById('purpose')!.textContent = t(`pinPurpose_${view.purpose.replace(/-/g, '_')}`);
  showRetries(view.retriesLeft);
}

function answered(result: PinSubmitResult): void {
  if (result.outcome === 'accepted') {
    status.textContent = t('pinAccepted');
    window.close();
  } else if (result.outcome === 'wrong') {
    status.textContent = t('pinWrong');
    showRetries(result.retriesLeft);
    input.focus();
  } else {
    showRetries(0);
    end(t('pinBlocked'));
  }
}

async function submit(event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const pin = input.value;
  input.value = ''; // the PIN is not kept in the page after it is sent
  status.textContent = t('pinChecking');
  const reply = await send<'pinSubmit'>({ type: 'pinSubmit', requestId, pin });
  if (reply.ok) answered(reply.result);
  else end(errorText(reply.error.code, reply.error.message, reply.error.details));
}

async function start(): Promise<void> {
  localize();
  holdKeepAlive(() => end(t('error_BACKGROUND_RESTARTED')));
  form.addEventListener('submit', (event) => void submit(event));
  document.getElementById('cancel')!.addEventListener('click', () => {
    void send<'pinCancel'>({ type: 'pinCancel', requestId }).finally(() => window.close());
  });
  const reply = await send<'pinPromptInfo'>({ type: 'pinPromptInfo', requestId });
  if (!reply.ok) return end(errorText(reply.error.code, reply.error.message));
  show(reply.result);
  input.focus();
}

void start();
