/**
 * The PIN prompt: asks the holder for the PIN in a window the extension owns (pin.html), for one card
 * operation at a time.
 *
 * The dialog never retries by itself. The operation waits for the user to submit (`nextPin`), tries that
 * PIN once on the card and reports the card's answer (`answer`); after a wrong PIN the window shows the
 * tries left and the operation waits again — only a new submission from the user leads to another VERIFY.
 * Closing the window or pressing Cancel rejects with `PIN_CANCELLED`. The PIN lives only in the PIN page
 * and in this process's memory for the moment of the VERIFY: never in storage, a page, or a log.
 *
 * One cleanup path per dialog: `finish`.
 */
import { KyotsuError, MessagingErrorCode, toErrorObject, fromErrorObject } from '../src/errors.js';
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';
import { type PinPromptView, type PinSubmitResult } from '../src/message-results.js';
import { type PromptWindows } from './prompt-windows.js';

/** What the operation does with a dialog. */
export interface PinDialog {
  readonly requestId: string;
  /** Waits for the user's next PIN. Rejects with `PIN_CANCELLED` (window closed / Cancel) or the abort error. */
  nextPin(): Promise<string>;
  /** Reports the card's answer to the last PIN; the window shows it. Updates the tries shown. */
  answer(result: PinSubmitResult): void;
  /** Closes the window; a submission still waiting for an answer gets `error` (or a generic end). */
  finish(error?: unknown): Promise<void>;
}

interface Pending {
  view: PinPromptView;
  pin: { resolve: (pin: string) => void; reject: (error: Error) => void } | null;
  queuedPin: string | null;
  submit: { resolve: (result: PinSubmitResult) => void; reject: (error: Error) => void } | null;
  ended: Error | null;
}

const notFound = () => new ExtensionError(ExtensionErrorCode.PROMPT_NOT_FOUND, 'This PIN request has ended');
const cancelled = () => new ExtensionError(ExtensionErrorCode.PIN_CANCELLED, 'PIN entry was cancelled');

/** All pending PIN dialogs of this background. */
export class PinPrompts {
  private readonly pending = new Map<string, Pending>();

  /** @param pageUrl the URL of the PIN page for a request id (`runtime.getURL('pin.html?request=…')`). */
  constructor(
    private readonly windows: PromptWindows,
    private readonly pageUrl: (requestId: string) => string,
    private readonly newId: () => string,
  ) {}

  /** Opens a PIN window for one operation. `signal` ends the dialog (its tab closed). */
  open(view: PinPromptView, signal: AbortSignal): PinDialog {
    const requestId = this.newId();
    const state: Pending = { view, pin: null, queuedPin: null, submit: null, ended: null };
    this.pending.set(requestId, state);
    const end = (error: Error): Promise<void> => this.end(requestId, state, error);
    const onAbort = (): void => void end(new ExtensionError(ExtensionErrorCode.OPERATION_ABORTED, 'The request was cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    this.windows.open(requestId, this.pageUrl(requestId), () => void end(cancelled())).catch((error: unknown) => end(asError(error)));
    return {
      requestId,
      nextPin: () => {
        if (state.ended) return Promise.reject(state.ended);
        if (state.queuedPin !== null) {
          const pin = state.queuedPin;
          state.queuedPin = null;
          return Promise.resolve(pin);
        }
        return new Promise<string>((resolve, reject) => (state.pin = { resolve, reject }));
      },
      answer: (result) => {
        if (result.outcome === 'wrong') state.view = { ...state.view, retriesLeft: result.retriesLeft };
        if (result.outcome === 'blocked') state.view = { ...state.view, retriesLeft: 0 };
        state.submit?.resolve(result);
        state.submit = null;
      },
      finish: (error?: unknown) => {
        signal.removeEventListener('abort', onAbort);
        return end(error === undefined ? notFound() : asError(error));
      },
    };
  }

  /** What the PIN window shows. */
  info(requestId: string): PinPromptView {
    return this.get(requestId).view;
  }

  /** A PIN from the window; resolves with the card's answer once the operation has tried it. */
  async submit(requestId: string, pin: string): Promise<PinSubmitResult> {
    const state = this.get(requestId);
    if (state.submit !== null || state.queuedPin !== null) {
      throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, 'a PIN is already being checked');
    }
    return await new Promise<PinSubmitResult>((resolve, reject) => {
      state.submit = { resolve, reject };
      if (state.pin) {
        state.pin.resolve(pin);
        state.pin = null;
      } else {
        state.queuedPin = pin;
      }
    });
  }

  /** Cancel from the window. */
  async cancel(requestId: string): Promise<boolean> {
    const state = this.pending.get(requestId);
    if (!state) return false;
    await this.end(requestId, state, cancelled());
    return true;
  }

  /** Number of open dialogs. */
  get size(): number {
    return this.pending.size;
  }

  private get(requestId: string): Pending {
    const state = this.pending.get(requestId);
    if (!state) throw notFound();
    return state;
  }

  private async end(requestId: string, state: Pending, error: Error): Promise<void> {
    if (state.ended) return;
    state.ended = error;
    state.queuedPin = null;
    this.pending.delete(requestId);
    state.pin?.reject(error);
    state.submit?.reject(error);
    state.pin = null;
    state.submit = null;
    await this.windows.close(requestId);
  }
}

function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  return fromErrorObject(toErrorObject(error));
}
