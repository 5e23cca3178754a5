/**
 * The consent prompt: asks the holder, in a window the extension owns (consent.html), whether a service
 * may use the card (`provider`: log in and read the common certificate) or may replace the card's key
 * (`enroll`). Closing the window is a refusal. One cleanup path per request: `end`.
 */
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';
import { type ConsentView } from '../src/message-results.js';
import { type PromptWindows } from './prompt-windows.js';

interface Pending {
  readonly view: ConsentView;
  readonly settle: (allow: boolean | Error) => void;
}

/** All pending consent requests of this background. */
export class ConsentPrompts {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly windows: PromptWindows,
    private readonly pageUrl: (requestId: string) => string,
    private readonly newId: () => string,
  ) {}

  /** Asks; resolves to the holder's answer (false when the window is closed). `signal` withdraws the question. */
  ask(view: ConsentView, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.reject(aborted());
    const requestId = this.newId();
    return new Promise<boolean>((resolve, reject) => {
      const onAbort = (): void => void this.end(requestId, aborted());
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(requestId, {
        view,
        settle: (answer) => {
          signal.removeEventListener('abort', onAbort);
          if (answer instanceof Error) reject(answer);
          else resolve(answer);
        },
      });
      this.windows.open(requestId, this.pageUrl(requestId), () => void this.end(requestId, false)).catch((error: unknown) =>
        this.end(requestId, error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  /** What the consent window shows. */
  info(requestId: string): ConsentView {
    const pending = this.pending.get(requestId);
    if (!pending) throw notFound();
    return pending.view;
  }

  /** The holder's answer from the window. */
  async answer(requestId: string, allow: boolean): Promise<boolean> {
    if (!this.pending.has(requestId)) throw notFound();
    await this.end(requestId, allow);
    return true;
  }

  /** Number of open consent windows. */
  get size(): number {
    return this.pending.size;
  }

  private async end(requestId: string, answer: boolean | Error): Promise<void> {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.pending.delete(requestId);
    pending.settle(answer);
    await this.windows.close(requestId);
  }
}

const notFound = () => new ExtensionError(ExtensionErrorCode.PROMPT_NOT_FOUND, 'This consent request has ended');
const aborted = () => new ExtensionError(ExtensionErrorCode.OPERATION_ABORTED, 'The request was cancelled');
