/**
 * The background's request handlers: one per protocol request type, each delegating to the state machine
 * that owns the work. The router has already classified the sender and checked its tier; handlers take
 * the origin from the classified sender only.
 */
import { fromBase64 } from '../src/bytes.js';
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';
import { type NativeHostStatus, type StatementRegionResult } from '../src/message-results.js';
import { PROTOCOL_VERSION } from '../src/messages.js';
import { type ActivityLog } from './activity.js';
import { type AutoLogins } from './auto-login.js';
import { type Caller } from './card-job.js';
import { type ConsentPrompts } from './consent-prompt.js';
import { authenticate, type AuthenticateDeps } from './op-authenticate.js';
import { type CardAdminDeps, cardStatus, changePin, readCertificate, unblockPin } from './op-card-admin.js';
import { type Enrollments } from './op-enroll.js';
import { type PageCallerDeps, withPageCaller } from './page-caller.js';
import { type PinPrompts } from './pin-prompt.js';
import { type Handlers } from './router.js';
import { type ClassifiedSender } from './sender.js';
import { type SettingsStore } from './settings.js';
import { type StatementGatherings } from './statement-gather.js';

/** Everything the handlers delegate to. */
export interface HandlerServices extends PageCallerDeps {
  readonly card: AuthenticateDeps & CardAdminDeps;
  readonly enrollments: Enrollments;
  readonly settings: SettingsStore;
  readonly activity: ActivityLog;
  readonly pins: PinPrompts;
  readonly consents: ConsentPrompts;
  readonly autoLogins: AutoLogins;
  /** The native host's setup as the options page shows it. */
  readonly nativeHostStatus: () => Promise<NativeHostStatus>;
  readonly extensionVersion: string;
  /** The statement page's gathering (issue 8) and how a region's result reaches the portal tab. */
  readonly statements: StatementGatherings;
  readonly sendStatementRegion: (tabId: number, gatherId: string, result: StatementRegionResult) => void;
}

/** The automatic login this content script was granted, or a refusal: only the holding tab may sign. */
function heldAutoLogin(s: HandlerServices, sender: ClassifiedSender): { origin: string; tabId: number } {
  const { origin, tabId } = sender;
  if (sender.context !== 'content-script' || origin === null || tabId === null || !s.autoLogins.holds(origin, tabId)) {
    throw new ExtensionError(ExtensionErrorCode.NOT_A_PROVIDER, 'This tab holds no automatic login');
  }
  return { origin, tabId };
}

/** The card deps for a page's login: its signature's activity entry awaits the tab's report of the service's verdict. */
function cardForTab(s: HandlerServices, sender: ClassifiedSender): HandlerServices['card'] {
  return sender.tabId === null ? s.card : { ...s.card, activity: s.activity.forTab(sender.tabId) };
}

/** A caller for the options page: no tab, no notices, not cancellable from a page. */
function optionsCaller(): Caller {
  return { signal: new AbortController().signal, origin: null, serviceName: null, automatic: false, notify: () => undefined };
}

/** Builds the handlers over the services. */
export function createHandlers(s: HandlerServices): Handlers {
  return {
    ping: (_request, sender) =>
      Promise.resolve({
        type: 'pong',
        protocolVersion: PROTOCOL_VERSION,
        extensionVersion: s.extensionVersion,
        senderContext: sender.context,
        senderOrigin: sender.origin,
      }),
    hello: async (_request, sender) => {
      const provider = sender.origin === null ? null : await s.providers.recognise(sender.origin);
      return {
        participating: provider !== null,
        approved: provider?.status === 'approved',
        serviceName: provider?.document.displayName ?? null,
        challengeEndpoint: provider?.document.challengeEndpoint ?? null,
        loginEndpoint: provider?.document.loginEndpoint ?? null,
      };
    },
    authenticate: (request, sender) =>
      withPageCaller(s, sender, async (caller) => ({ token: await authenticate(cardForTab(s, sender), caller, request.challengeNonce) })),
    getCertificate: (_request, sender) => withPageCaller(s, sender, (caller) => readCertificate(s.card, caller)),
    enrollGenerateKey: (request, sender) =>
      withPageCaller(s, sender, async (caller) => {
        // Replacing the card's key is destructive: the holder confirms every time.
        const allowed = await s.consents.ask({ origin: caller.origin ?? '', serviceName: caller.serviceName, kind: 'enroll' }, caller.signal);
        if (!allowed) throw new ExtensionError(ExtensionErrorCode.CONSENT_DENIED, 'You did not allow a new key on your card');
        return s.enrollments.generateKey(caller, request.algorithm);
      }),
    enrollWriteCertificate: (request, sender) =>
      withPageCaller(s, sender, (caller) => s.enrollments.writeCertificate(caller, request.enrollmentId, fromBase64(request.certificate))),
    autoLoginBegin: async (request, sender) => {
      const { origin, tabId } = sender;
      if (sender.context !== 'content-script' || origin === null || tabId === null) return { action: 'none' };
      return { action: await s.autoLogins.begin(origin, tabId, request.sessionActive) };
    },
    autoLoginSign: (request, sender) => {
      heldAutoLogin(s, sender);
      // The provider is approved (AutoLogins checked), so no consent window: no click, no question.
      return withPageCaller(s, sender, async (caller) => ({
        token: await authenticate(cardForTab(s, sender), { ...caller, automatic: true }, request.challengeNonce),
      }));
    },
    autoLoginEnd: (request, sender) => {
      const { origin, tabId } = heldAutoLogin(s, sender);
      return Promise.resolve({ recorded: s.autoLogins.end(origin, tabId, request.outcome === 'logged-in') });
    },
    statementGather: async (request, sender) => {
      // Before anything is awaited: a navigation of the tab after this moment abandons the gathering (tab-operations.ts).
      const { receivedAt } = s.tabs.requestFrom(sender.documentId ?? null);
      // Only an approved portal's own page may gather (background/tiers.ts keeps pages from relaying this).
      const provider = sender.origin === null ? null : await s.providers.recognise(sender.origin);
      const tabId = sender.tabId;
      if (sender.context !== 'content-script' || tabId === null || provider?.status !== 'approved' || provider.document.portal !== true) {
        throw new ExtensionError(ExtensionErrorCode.NOT_A_PROVIDER, 'Only an approved kyotsu portal may gather statements');
      }
      const caUrl = provider.document.caUrl;
      // Signing without a click follows the automatic-login setting; a click on the page always may.
      const mayLogin = request.interactive || (await s.settings.get()).autoLogin;
      return withPageCaller(s, sender, async (caller) => ({
        // Logins signed with no click are automatic ones (activity log, options page), as at a single service.
        regions: await s.statements.run({ ...caller, automatic: !request.interactive }, request.regions, (result) => s.sendStatementRegion(tabId, request.gatherId, result), caUrl, mayLogin),
      }), receivedAt);
    },
    loginVerdict: async (request, sender) => {
      const { origin, tabId } = sender;
      if (sender.context !== 'content-script' || origin === null || tabId === null) return { recorded: false };
      return { recorded: await s.activity.recordVerdict(tabId, origin, request.verdict) };
    },
    cancel: (request, sender) => Promise.resolve({ cancelled: sender.tabId === null ? 0 : s.tabs.cancel(sender.tabId, request.operationId) }),
    listProviders: async () => ({ providers: await s.providers.list() }),
    approveProvider: async (request) => ({ provider: await s.providers.approve(request.origin) }),
    forgetProvider: async (request) => ({ forgotten: await s.providers.forget(request.origin) }),
    getSettings: async () => ({ settings: await s.settings.get() }),
    setSettings: async (request) => ({ settings: await s.settings.set(request.settings) }),
    listActivity: async () => ({ entries: await s.activity.list() }),
    cardStatus: () => cardStatus(s.card, optionsCaller()),
    nativeHostStatus: () => s.nativeHostStatus(),
    changePin: async (request) => {
      await changePin(s.card, optionsCaller(), request.currentPin, request.newPin);
      return { changed: true };
    },
    unblockPin: async (request) => {
      await unblockPin(s.card, optionsCaller(), request.puk, request.newPin);
      return { unblocked: true };
    },
    pinPromptInfo: (request) => Promise.resolve(s.pins.info(request.requestId)),
    pinSubmit: (request) => s.pins.submit(request.requestId, request.pin),
    pinCancel: async (request) => ({ cancelled: await s.pins.cancel(request.requestId) }),
    consentInfo: (request) => Promise.resolve(s.consents.info(request.requestId)),
    consentAnswer: async (request) => ({ recorded: await s.consents.answer(request.requestId, request.allow) }),
  };
}
