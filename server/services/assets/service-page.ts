/**
 * The little script of every demo service page (bundled by esbuild when the service starts): passkey
 * buttons, and the enrollment and certificate buttons that talk to the kyotsu extension.
 */
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { createKyotsu } from '../../../src/page-api.js';
import { cardLoginFailureText } from './card-login-errors.js';

function csrf(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
}

async function postJson<T>(path: string, body: unknown = {}): Promise<T> {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() }, body: JSON.stringify(body) });
  const data = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok) throw new Error(data.error?.message ?? `HTTP ${response.status}`);
  return data;
}

function show(text: string, kind: 'info' | 'error'): void {
  const box = document.getElementById('script-status') ?? document.body.appendChild(Object.assign(document.createElement('p'), { id: 'script-status' }));
  box.className = `flash ${kind}`;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.textContent = text;
}

async function passkeyLogin(): Promise<void> {
  const optionsJSON = await postJson<Parameters<typeof startAuthentication>[0]['optionsJSON']>('/api/passkeys/login/options');
  const response = await startAuthentication({ optionsJSON });
  const { redirect } = await postJson<{ redirect: string }>('/api/passkeys/login/verify', { response });
  window.location.assign(redirect);
}

async function passkeyRegister(): Promise<void> {
  const optionsJSON = await postJson<Parameters<typeof startRegistration>[0]['optionsJSON']>('/api/passkeys/register/options');
  const response = await startRegistration({ optionsJSON });
  await postJson('/api/passkeys/register/verify', { response });
  show('Passkey registered. You can now log in with it instead of your password.', 'info');
}

function wire(id: string, action: () => Promise<void>): void {
  document.getElementById(id)?.addEventListener('click', () => {
    action().catch((error: unknown) => show(error instanceof Error ? error.message : String(error), 'error'));
  });
}

/**
 * "Get your common certificate" (issue 6, flow 1) through the kyotsu page library: a new key on the card
 * (the extension asks the holder's consent and PIN in its own windows) → its CSR to this service, which has
 * the CA issue → the certificate written back to the card.
 */
async function enroll(): Promise<void> {
  const kyotsu = createKyotsu(window);
  await kyotsu.ready();
  show('Follow the kyotsu windows to make a new key on your card…', 'info');
  const { enrollmentId, csr } = await kyotsu.enroll.generateKey('ES256');
  // The card's CSR comes as PEM; the CA takes the base64 DER inside it.
  const der = csr.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  const issued = await postJson<{ serial: string; certificate: string }>('/api/certificate/issue', { csr: der });
  await kyotsu.enroll.writeCertificate(enrollmentId, issued.certificate);
  window.location.assign('/account');
}

/**
 * "Log in with your card" failed (the kyotsu content script fires `kyotsu-error` on the button and sets its
 * `data-kyotsu-error` code and `data-kyotsu-error-message`): say what happened and what to do, in an alert a screen reader announces.
 * A new click takes the old alert away.
 */
function showCardLoginErrors(): void {
  document.addEventListener('kyotsu-error', (event) => {
    const button = (event.target as Element | null)?.closest?.<HTMLElement>('[data-kyotsu-login]');
    if (!button) return; // the content script shows automatic-login failures itself
    // Read from the button's attributes, not the event's detail: an object made in the content script's
    // world may not be readable from the page's (Firefox refuses it without cloneInto).
    const code = button.dataset.kyotsuError ?? 'LOGIN_FAILED';
    const text = cardLoginFailureText(code, button.dataset.kyotsuErrorMessage ?? '');
    let alert = document.getElementById('card-login-error');
    if (!alert) {
      alert = Object.assign(document.createElement('div'), { id: 'card-login-error', className: 'flash error' });
      alert.setAttribute('role', 'alert');
      (button.closest('.card') ?? document.querySelector('main') ?? document.body).prepend(alert);
    }
    alert.dataset.code = code;
    alert.textContent = text;
  });
  document.addEventListener('click', (event) => {
    if ((event.target as Element | null)?.closest?.('[data-kyotsu-login]')) document.getElementById('card-login-error')?.remove();
  }, true);
}

showCardLoginErrors();
wire('enroll', enroll);
wire('passkey-login', passkeyLogin);
wire('passkey-register', passkeyRegister);
