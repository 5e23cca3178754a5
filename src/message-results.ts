/**
 * The result types of the extension message protocol (src/messages.ts): what each request resolves to
 * when it succeeds. Plain JSON shapes only, so they survive `runtime.sendMessage` and `postMessage`.
 */

/** Where the extension reaches the card. */
export type CardSourceKind = 'software' | 'webusb' | 'native';
/** Every card source, for validation and for the options page. */
export const CARD_SOURCE_KINDS: readonly CardSourceKind[] = ['software', 'webusb', 'native'];

/** Key algorithms a page may ask the card to generate for enrollment (SP 800-78-4 Table 3-1). */
export type EnrollAlgorithm = 'ES256' | 'ES384' | 'RS256';
/** Every enroll algorithm, for validation. */
export const ENROLL_ALGORITHMS: readonly EnrollAlgorithm[] = ['ES256', 'ES384', 'RS256'];

/** The common certificate as a page receives it (with the holder's consent). */
export interface CertificateView {
  /** Base64 DER. */
  readonly certificate: string;
  /** The same certificate as PEM. */
  readonly pem: string;
  /** Serial number, lower-case hex. */
  readonly serial: string;
  /** Subject distinguished name in RFC 4514 form. */
  readonly subject: string;
  readonly issuer: string;
  /** notAfter, ISO 8601. */
  readonly notAfter: string;
}

/** A participating service as the options page lists it. */
export interface ProviderView {
  readonly origin: string;
  readonly serviceId: string;
  readonly displayName: string;
  /** `pending` until the user approves it; only approved providers get automatic login and the certificate. */
  readonly status: 'pending' | 'approved';
  /** First and last time (ms since epoch) a tab navigated to it. */
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/** User settings (storage.local). */
export interface Settings {
  /** PIN cache idle lifetime in minutes; 0 turns the cache off. */
  readonly pinCacheMinutes: number;
  readonly cardSource: CardSourceKind;
  /** The paired WebUSB reader, when one is paired. */
  readonly usbDevice: UsbDeviceId | null;
  /** Log in automatically on navigation to an approved provider. */
  readonly autoLogin: boolean;
}

/** Identifies a paired USB reader across sessions (WebUSB gives no stable id beyond these). */
export interface UsbDeviceId {
  readonly vendorId: number;
  readonly productId: number;
  readonly serialNumber: string | null;
  readonly productName: string | null;
}

/** One card operation in the activity log. */
export interface ActivityEntry {
  /** ms since epoch. */
  readonly time: number;
  readonly origin: string | null;
  readonly service: string | null;
  /** Serial (hex) of the certificate used, when known. */
  readonly serial: string | null;
  readonly operation: 'authenticate' | 'enroll' | 'write-certificate' | 'change-pin' | 'unblock-pin';
  /** `ok`, or the stable error code it failed with. */
  readonly result: string;
  readonly automatic: boolean;
  /** Names the entry (background/activity.ts), so the service's verdict lands on its own signature. */
  readonly id?: string;
  /** What the service did with the signed token, as the tab's content script saw it; absent until reported. */
  readonly verdict?: ServiceVerdict;
}

/**
 * The service's answer to a login token the card signed: logged in, asks the holder to register the
 * certificate first (qualify), or refused with the service's stable code (`CERTIFICATE_REVOKED`, …).
 */
export interface ServiceVerdict {
  readonly outcome: ServiceVerdictOutcome;
  /** The service's error code when `refused`; null otherwise. */
  readonly code: string | null;
}
/** How a service answered a login token. */
export type ServiceVerdictOutcome = 'logged-in' | 'qualify-required' | 'refused';
/** The outcomes, for validation. */
export const SERVICE_VERDICT_OUTCOMES: readonly ServiceVerdictOutcome[] = ['logged-in', 'qualify-required', 'refused'];

/** What the options page shows about the card. */
export interface CardStatus {
  readonly source: CardSourceKind;
  readonly present: boolean;
  /** PIN tries left (null when unknown, e.g. no card). */
  readonly pinRetries: number | null;
  readonly certificate: { readonly serial: string; readonly subject: string; readonly notAfter: string } | null;
}

/**
 * What is missing on the way to a card through the native host, first thing first (null: a card is ready):
 * the host is not installed / does not allow this extension / failed to start / speaks another protocol
 * version; pcscd is not running; no reader; no card.
 */
export type NativeHostProblem =
  | 'host-not-installed'
  | 'host-forbidden'
  | 'host-failed'
  | 'protocol-mismatch'
  | 'pcscd-not-running'
  | 'no-reader'
  | 'no-card';

/** What the options page shows about the native host: the exact problem, the host's version and its readers. */
export interface NativeHostStatus {
  readonly problem: NativeHostProblem | null;
  /** One English sentence (the page localises `problem`). */
  readonly message: string;
  readonly hostVersion: string | null;
  readonly readers: readonly { readonly name: string; readonly card: 'present' | 'empty' | 'mute' | 'unavailable'; readonly busy: boolean }[];
}

/** What the PIN window shows. Never contains the PIN. */
export interface PinPromptView {
  readonly origin: string | null;
  readonly serviceName: string | null;
  readonly purpose: 'authenticate' | 'enroll' | 'write-certificate' | 'card-status';
  readonly retriesLeft: number | null;
}

/** The answer to a PIN submission, after the card checked it. */
export type PinSubmitResult =
  | { readonly outcome: 'accepted' }
  | { readonly outcome: 'wrong'; readonly retriesLeft: number }
  | { readonly outcome: 'blocked' };

/** What a consent window asks about. */
export interface ConsentView {
  readonly origin: string;
  readonly serviceName: string | null;
  /** `provider`: let this service use the card (log in, read the certificate); `enroll`: replace the card's key. */
  readonly kind: 'provider' | 'enroll';
}

/** How an automatic login ended at the service: logged in, or anything else (refused, qualify first, failed). */
export type AutoLoginOutcome = 'logged-in' | 'not-logged-in';
/** The outcomes, for validation. */
export const AUTO_LOGIN_OUTCOMES: readonly AutoLoginOutcome[] = ['logged-in', 'not-logged-in'];
/**
 * What the content script does about automatic login: `login` (this tab logs in now), `reload` (another
 * tab's automatic login at this origin just ended: reload to see its result), `none`, `not-kept` (the last
 * automatic login here ended logged in, yet this page shows no session: the service did not keep it; tell the
 * holder, and no more automatic logins here until the service shows a live session).
 */
export type AutoLoginAction = 'login' | 'reload' | 'none' | 'not-kept';

/** What the content script learns about its page's origin when it starts. */
export interface PageHello {
  /** The origin publishes a valid discovery document. Non-participating pages get no page API at all. */
  readonly participating: boolean;
  readonly approved: boolean;
  readonly serviceName: string | null;
  /** From the discovery document (same origin as the page): where `data-kyotsu-login` gets a challenge and posts the token. */
  readonly challengeEndpoint: string | null;
  readonly loginEndpoint: string | null;
}

/**
 * A status notice the background sends to a tab's content script while that tab waits, so the page can
 * say what is happening. `operationId` lets a cancel name the operation.
 */
export type Notice =
  | { readonly kind: 'card-busy'; readonly operationId: string }
  | { readonly kind: 'insert-card'; readonly operationId: string }
  | { readonly kind: 'pin-requested'; readonly operationId: string }
  | { readonly kind: 'cleared'; readonly operationId: string };

/**
 * One region of the portal's statement page as the content script read it from the page (issue 8). Page
 * data: the background only picks among these and checks each origin is a participating provider.
 */
export interface StatementRegionRef {
  /** The service's ID at the CA (its discovery document's `serviceId`). */
  readonly serviceId: string;
  readonly origin: string;
  /** Where the service serves the statement JSON; must be on `origin`. */
  readonly statementUrl: string;
}

/** One line of a service's statement. Amounts in minor units of `currency`. */
export interface StatementChargeView {
  readonly at: string;
  readonly description: string;
  readonly amountMinor: number;
}

/** A service's statement as the extension read it (GET /api/statement, checked field by field). */
export interface StatementView {
  readonly displayName: string;
  readonly holder: string;
  readonly currency: string;
  readonly balanceMinor: number;
  readonly charges: readonly StatementChargeView[];
}

/**
 * What became of one region: its statement; a failure with a sentence a person understands (and a stable
 * code); "not enrolled" (the certificate is not qualified there) with the link to qualify.
 */
export type StatementRegionResult =
  | { readonly serviceId: string; readonly state: 'ok'; readonly statement: StatementView }
  | { readonly serviceId: string; readonly state: 'failed'; readonly code: string; readonly message: string }
  | { readonly serviceId: string; readonly state: 'not-enrolled'; readonly qualifyUrl: string | null }
  /** No session there and automatic login is off: the holder clicks to log in (one signature for all such regions). */
  | { readonly serviceId: string; readonly state: 'login-required' };

/** Why a statement region failed (the region also carries a sentence for people). Stable codes. */
export const StatementFailureCode = {
  /** The service did not answer (stopped, unreachable, too slow). */
  SERVICE_UNREACHABLE: 'SERVICE_UNREACHABLE',
  /** The service answered with a refusal; its own message is shown. */
  SERVICE_REFUSED: 'SERVICE_REFUSED',
  /** The service's statement was not in the expected form. */
  STATEMENT_MALFORMED: 'STATEMENT_MALFORMED',
  /** The region names an origin that is not a participating kyotsu service (or not the service it claims). */
  NOT_A_SERVICE: 'NOT_A_SERVICE',
  /** The login with the card did not happen (PIN cancelled, no card, …); the card's own code is in `details`. */
  CARD_LOGIN_FAILED: 'CARD_LOGIN_FAILED',
} as const;
