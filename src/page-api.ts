/**
 * The page library (like web-eid.js): what a participating service's page uses to talk to kyotsu.
 *
 *     const kyotsu = createKyotsu();
 *     await kyotsu.ready();
 *     const token = await kyotsu.authenticate(nonce);      // web-eid:1.0 token for THIS page's origin
 *     const cert = await kyotsu.getCertificate();          // with the holder's consent
 *     const { enrollmentId, csr } = await kyotsu.enroll.generateKey('ES256');
 *     await kyotsu.enroll.writeCertificate(enrollmentId, issuedBase64Der);
 *
 * Requests travel as `window.postMessage` envelopes (src/page-channel.ts) to kyotsu's content script, which
 * answers only on participating origins. The page never says which origin it is: the browser does.
 * Failures reject with `KyotsuPageError`, whose `code` is the stable code from the extension
 * (`PIN_CANCELLED`, `PIN_BLOCKED`, `CONSENT_DENIED`, …) or `EXTENSION_UNAVAILABLE` / `EXTENSION_TIMEOUT`.
 */
import { type ErrorObject, KyotsuError } from './errors.js';
import { ExtensionErrorCode } from './extension-errors.js';
import { type Request } from './message-requests.js';
import { type Notice } from './message-results.js';
import { type ResultMap } from './messages.js';
import { isPageNoticeEnvelope, isPageReadyEnvelope, isPageReplyEnvelope, type PageRequestEnvelope } from './page-channel.js';

/** An error from kyotsu, rebuilt on the page side from its wire form. */
export class KyotsuPageError extends KyotsuError {
  constructor(error: ErrorObject) {
    super(error.code, error.message, error.details ? { ...error.details } : undefined);
    this.name = 'KyotsuPageError';
  }
}

/** Default time to wait for the content script to announce itself. */
export const READY_TIMEOUT_MS = 3_000;
/** Default time a request may take (it may wait for a PIN, a consent or a card). */
export const REQUEST_TIMEOUT_MS = 5 * 60_000;

/** The page API. */
export interface KyotsuPage {
  /** Resolves when kyotsu is present on this page; rejects `EXTENSION_UNAVAILABLE` otherwise. */
  ready(timeoutMs?: number): Promise<void>;
  /** Signs the relying party's challenge nonce; resolves to a `web-eid:1.0` token. */
  authenticate(challengeNonce: string): Promise<ResultMap['authenticate']['token']>;
  /** The common certificate (PEM, base64 DER, serial, subject). */
  getCertificate(): Promise<ResultMap['getCertificate']>;
  readonly enroll: {
    generateKey(algorithm?: 'ES256' | 'ES384' | 'RS256'): Promise<ResultMap['enrollGenerateKey']>;
    writeCertificate(enrollmentId: string, certificateBase64Der: string): Promise<ResultMap['enrollWriteCertificate']>;
  };
  /** Abandons this page's pending requests. */
  cancel(): Promise<void>;
  /** Hears status notices ("card in use — waiting", "insert your card"); returns an unsubscribe function. */
  onNotice(listener: (notice: Notice) => void): () => void;
}

/** Creates the page API on `win` (the page's own window). */
export function createKyotsu(win: Window = window, requestTimeoutMs = REQUEST_TIMEOUT_MS): KyotsuPage {
  let counter = 0;
  const prefix = Math.random().toString(36).slice(2, 10);

  function request<T extends Request['type']>(body: Extract<Request, { type: T }>): Promise<ResultMap[T]> {
    const id = `${prefix}-${++counter}`;
    return new Promise<ResultMap[T]>((resolve, reject) => {
      const timer = setTimeout(() => {
        win.removeEventListener('message', onMessage);
        reject(new KyotsuPageError({ code: ExtensionErrorCode.EXTENSION_TIMEOUT, message: 'kyotsu did not answer in time' }));
      }, requestTimeoutMs);
      function onMessage(event: MessageEvent<unknown>): void {
        if (event.source !== win || !isPageReplyEnvelope(event.data) || event.data.id !== id) return;
        win.removeEventListener('message', onMessage);
        clearTimeout(timer);
        const reply = event.data.reply;
        if (reply.ok) resolve(reply.result as ResultMap[T]);
        else reject(new KyotsuPageError(reply.error));
      }
      win.addEventListener('message', onMessage);
      const envelope: PageRequestEnvelope = { source: 'kyotsu-page', id, request: body };
      win.postMessage(envelope, win.location.origin);
    });
  }

  return {
    ready(timeoutMs = READY_TIMEOUT_MS) {
      if (win.document.documentElement.dataset.kyotsu === 'ready') return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          win.removeEventListener('message', onMessage);
          reject(new KyotsuPageError({ code: ExtensionErrorCode.EXTENSION_UNAVAILABLE, message: 'kyotsu is not available on this page' }));
        }, timeoutMs);
        function onMessage(event: MessageEvent<unknown>): void {
          if (event.source !== win || !isPageReadyEnvelope(event.data)) return;
          win.removeEventListener('message', onMessage);
          clearTimeout(timer);
          resolve();
        }
        win.addEventListener('message', onMessage);
      });
    },
    authenticate: async (challengeNonce) => (await request<'authenticate'>({ type: 'authenticate', challengeNonce })).token,
    getCertificate: () => request<'getCertificate'>({ type: 'getCertificate' }),
    enroll: {
      generateKey: (algorithm = 'ES256') => request<'enrollGenerateKey'>({ type: 'enrollGenerateKey', algorithm }),
      writeCertificate: (enrollmentId, certificate) => request<'enrollWriteCertificate'>({ type: 'enrollWriteCertificate', enrollmentId, certificate }),
    },
    cancel: async () => {
      await request<'cancel'>({ type: 'cancel', operationId: null });
    },
    onNotice(listener) {
      const onMessage = (event: MessageEvent<unknown>): void => {
        if (event.source === win && isPageNoticeEnvelope(event.data)) listener(event.data.notice);
      };
      win.addEventListener('message', onMessage);
      return () => win.removeEventListener('message', onMessage);
    },
  };
}
