/** "PIN": change the PIN, and unblock a blocked PIN with the PUK. Values go to the card and nowhere else. */
import { byId, setStatus } from './dom.js';
import { errorText, t } from './i18n.js';
import { send } from './send.js';

function field(form: HTMLFormElement, name: string): string {
  return (form.elements.namedItem(name) as HTMLInputElement).value;
}

function wire(form: HTMLFormElement, run: () => Promise<{ ok: boolean; message: string }>, after: () => void): void {
  const status = form.querySelector<HTMLElement>('.form-status')!;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (field(form, 'newPin') !== field(form, 'repeatPin')) return setStatus(status, t('pinsDiffer'), 'error');
    setStatus(status, t('working'), 'busy');
    void run().then(({ ok, message }) => {
      form.reset(); // nothing typed stays in the page
      setStatus(status, message, ok ? 'ok' : 'error');
      after();
    });
  });
}

/** Wires the two forms; `after` refreshes what they change (card status, activity). */
export function initPinSection(after: () => void): void {
  const change = byId<HTMLFormElement>('change-pin');
  wire(change, async () => {
    const reply = await send<'changePin'>({ type: 'changePin', currentPin: field(change, 'currentPin'), newPin: field(change, 'newPin') });
    return reply.ok ? { ok: true, message: t('pinChanged') } : { ok: false, message: errorText(reply.error.code, reply.error.message, reply.error.details) };
  }, after);
  const unblock = byId<HTMLFormElement>('unblock-pin');
  wire(unblock, async () => {
    const reply = await send<'unblockPin'>({ type: 'unblockPin', puk: field(unblock, 'puk'), newPin: field(unblock, 'newPin') });
    return reply.ok ? { ok: true, message: t('pinUnblocked') } : { ok: false, message: errorText(reply.error.code, reply.error.message, reply.error.details) };
  }, after);
}
