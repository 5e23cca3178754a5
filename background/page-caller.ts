/**
 * Turns a page request's sender into a `Caller` for the card operations: the origin is the browser's
 * (`sender`), the page must be a participating provider, and a provider the holder has not approved yet is
 * approved through the consent window (or the request is refused with `CONSENT_DENIED`). The operation is
 * registered for its tab, so closing the tab or cancelling abandons it; `end` always runs.
 */
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';
import { type Notice } from '../src/message-results.js';
import { type Caller } from './card-job.js';
import { type ConsentPrompts } from './consent-prompt.js';
import { type ProviderRecord, type ProviderRegistry } from './providers.js';
import { type ClassifiedSender } from './sender.js';
import { type TabOperations } from './tab-operations.js';

/** What `withPageCaller` needs. */
export interface PageCallerDeps {
  readonly providers: ProviderRegistry;
  readonly consents: ConsentPrompts;
  readonly tabs: TabOperations;
  /** Sends a notice to a tab's content script (best effort). */
  readonly notify: (tabId: number, notice: Notice) => void;
}

/**
 * Runs `work` for a page request from a participating, approved provider. `receivedAt`: when the request
 * arrived, if the handler awaited anything first (so a navigation in between abandons it; tab-operations.ts).
 */
export async function withPageCaller<T>(
  deps: PageCallerDeps,
  sender: ClassifiedSender,
  work: (caller: Caller, provider: ProviderRecord) => Promise<T>,
  receivedAt?: number,
): Promise<T> {
  const { origin, tabId } = sender;
  if (sender.context !== 'content-script' || origin === null || tabId === null) {
    throw new ExtensionError(ExtensionErrorCode.NOT_A_PROVIDER, 'Only a participating service page may use the card');
  }
  const from = deps.tabs.requestFrom(sender.documentId ?? null);
  const operation = deps.tabs.begin(tabId, receivedAt === undefined ? from : { ...from, receivedAt });
  try {
    let provider = await deps.providers.recognise(origin);
    if (provider === null) throw new ExtensionError(ExtensionErrorCode.NOT_A_PROVIDER, `${origin} is not a participating kyotsu service`);
    const caller: Caller = {
      signal: operation.signal,
      origin,
      serviceName: provider.document.displayName,
      automatic: false,
      notify: (kind) => deps.notify(tabId, { kind, operationId: operation.id }),
    };
    if (provider.status !== 'approved') {
      const allowed = await deps.consents.ask({ origin, serviceName: caller.serviceName, kind: 'provider' }, operation.signal);
      if (!allowed) throw new ExtensionError(ExtensionErrorCode.CONSENT_DENIED, `You did not allow ${caller.serviceName ?? origin} to use your card`);
      await deps.providers.approve(origin);
      provider = { ...provider, status: 'approved' };
    }
    return await work(caller, provider);
  } finally {
    operation.end();
  }
}
