/**
 * The requests of the extension message protocol (see src/messages.ts for replies and `parseRequest`,
 * src/message-parsers.ts for validation). Grouped by the privilege tier allowed to send them.
 */
import type * as R from './message-results.js';

// ---- Page tier: sent by the content script on behalf of a participating web page. ----
/** A liveness check. */
export interface PingRequest { readonly type: 'ping' }
/** The content script's first message: is this origin participating? */
export interface HelloRequest { readonly type: 'hello' }
/** Sign a login challenge for the sender's origin (Web eID `authenticate`). */
export interface AuthenticateRequest { readonly type: 'authenticate'; readonly challengeNonce: string }
/** Read the common certificate (needs the holder's consent for this service). */
export interface GetCertificateRequest { readonly type: 'getCertificate' }
/** Enrollment step 1: generate a new key on the card and return a CSR (needs consent and the PIN). */
export interface EnrollGenerateKeyRequest { readonly type: 'enrollGenerateKey'; readonly algorithm: R.EnrollAlgorithm }
/** Enrollment step 2: write the certificate the CA issued for that key to the card. */
export interface EnrollWriteCertificateRequest {
  readonly type: 'enrollWriteCertificate';
  readonly enrollmentId: string;
  /** Base64 DER. */
  readonly certificate: string;
}
// ---- Content-script tier: the content script's own automatic login (never relayed from a page). ----
/**
 * A page of an approved provider finished loading: may this tab log in by itself? `sessionActive` is the
 * service's own signal (`<meta name="kyotsu-session" content="active">`) that the tab's session is logged in.
 */
export interface AutoLoginBeginRequest { readonly type: 'autoLoginBegin'; readonly sessionActive: boolean }
/** Sign the challenge of the automatic login this tab was granted by `autoLoginBegin`. */
export interface AutoLoginSignRequest { readonly type: 'autoLoginSign'; readonly challengeNonce: string }
/** How the automatic login this tab was granted ended at the service. */
export interface AutoLoginEndRequest { readonly type: 'autoLoginEnd'; readonly outcome: R.AutoLoginOutcome }
/**
 * What the service answered to the token this tab last had the card sign (one-click or automatic login):
 * written onto that signature's activity entry. Content script only; the background ties it to the tab
 * and origin of `sender`, so a page can never rewrite another origin's entries.
 */
export interface LoginVerdictRequest { readonly type: 'loginVerdict'; readonly verdict: R.ServiceVerdict }

/**
 * The portal's statement page (content script of a portal only, never relayed from a page): gather these
 * regions' statements, logging in where needed with one card signature. Each region's result also arrives
 * on its own as a `statementRegion` message to the tab, tagged with `gatherId`, as soon as it is known.
 */
export interface StatementGatherRequest {
  readonly type: 'statementGather';
  /** 128 random bits, lower-case hex, chosen by the content script. */
  readonly gatherId: string;
  readonly regions: readonly R.StatementRegionRef[];
  /**
   * True only when the holder clicked for it (a trusted click the content script saw). With automatic login
   * off, the background signs only for an interactive gathering; otherwise regions needing a login say so.
   */
  readonly interactive: boolean;
}

/** Abandon this tab's pending operations (one, or all when `operationId` is absent). */
export interface CancelRequest { readonly type: 'cancel'; readonly operationId: string | null }

// ---- Options tier: only from the extension's own pages. ----
export interface ListProvidersRequest { readonly type: 'listProviders' }
export interface ApproveProviderRequest { readonly type: 'approveProvider'; readonly origin: string }
export interface ForgetProviderRequest { readonly type: 'forgetProvider'; readonly origin: string }
export interface GetSettingsRequest { readonly type: 'getSettings' }
/** Changes some settings; absent fields stay as they are. */
export interface SetSettingsRequest { readonly type: 'setSettings'; readonly settings: Partial<R.Settings> }
export interface ListActivityRequest { readonly type: 'listActivity' }
export interface CardStatusRequest { readonly type: 'cardStatus' }
/** What is missing on the way to a card through the native host, and its readers (the options page). */
export interface NativeHostStatusRequest { readonly type: 'nativeHostStatus' }
/** CHANGE REFERENCE DATA for the PIN (SP 800-73-4 Part 2 §3.2.2). */
export interface ChangePinRequest { readonly type: 'changePin'; readonly currentPin: string; readonly newPin: string }
/** RESET RETRY COUNTER: unblock the PIN with the PUK and set a new PIN (SP 800-73-4 Part 2 §3.2.3). */
export interface UnblockPinRequest { readonly type: 'unblockPin'; readonly puk: string; readonly newPin: string }

// ---- Prompt tier: only from the extension's own PIN window (pin.html) / consent window (consent.html). ----
export interface PinPromptInfoRequest { readonly type: 'pinPromptInfo'; readonly requestId: string }
export interface PinSubmitRequest { readonly type: 'pinSubmit'; readonly requestId: string; readonly pin: string }
export interface PinCancelRequest { readonly type: 'pinCancel'; readonly requestId: string }
export interface ConsentInfoRequest { readonly type: 'consentInfo'; readonly requestId: string }
export interface ConsentAnswerRequest { readonly type: 'consentAnswer'; readonly requestId: string; readonly allow: boolean }

/** Every request any context may send to the background. */
export type Request =
  | PingRequest | HelloRequest | AuthenticateRequest | GetCertificateRequest | EnrollGenerateKeyRequest
  | EnrollWriteCertificateRequest | CancelRequest | AutoLoginBeginRequest | AutoLoginSignRequest | AutoLoginEndRequest
  | StatementGatherRequest
  | ListProvidersRequest | ApproveProviderRequest | ForgetProviderRequest | GetSettingsRequest | SetSettingsRequest
  | ListActivityRequest | CardStatusRequest | NativeHostStatusRequest | ChangePinRequest | UnblockPinRequest
  | PinPromptInfoRequest | PinSubmitRequest | PinCancelRequest | ConsentInfoRequest | ConsentAnswerRequest
  | LoginVerdictRequest;

