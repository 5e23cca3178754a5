/**
 * Privilege tiers: which classified sender may send which request. Checked by the router after the sender
 * is classified and the body parsed, before any handler (and so before anything touches the card).
 *
 * - content script (a participating web page): the page tier of src/page-channel.ts, plus `hello`, plus
 *   `statementGather` (the content script's own request; the handler admits only an approved portal);
 * - the PIN window (`/pin.html`, an extension page): only its own prompt requests;
 * - the consent window (`/consent.html`): only its own consent requests;
 * - any other extension page (the options page): the options tier and `ping`.
 */
import { type Request } from '../src/message-requests.js';
import { CONTENT_SCRIPT_REQUEST_TYPES } from '../src/page-channel.js';
import { type ClassifiedSender } from './sender.js';

/** The PIN window's page inside the extension. */
export const PIN_PAGE = '/pin.html';
/** The consent window's page inside the extension. */
export const CONSENT_PAGE = '/consent.html';

/** Requests only the PIN window may send. */
export const PIN_WINDOW_REQUEST_TYPES: readonly Request['type'][] = ['pinPromptInfo', 'pinSubmit', 'pinCancel'];
/** Requests only the consent window may send. */
export const CONSENT_WINDOW_REQUEST_TYPES: readonly Request['type'][] = ['consentInfo', 'consentAnswer'];
/**
 * The content script's report of what a service answered to its tab's login (background/activity.ts): its
 * own request, never in the page tier, so never relayed from a page.
 */
export const VERDICT_REQUEST_TYPES: readonly Request['type'][] = ['loginVerdict'];
/** Requests of the options page (any extension page other than the prompt windows' own requests). */
export const OPTIONS_REQUEST_TYPES: readonly Request['type'][] = [
  'ping',
  'listProviders',
  'approveProvider',
  'forgetProvider',
  'getSettings',
  'setSettings',
  'listActivity',
  'cardStatus',
  'nativeHostStatus',
  'changePin',
  'unblockPin',
];

/**
 * The content script's own statement-page request (issue 8). Never in the page tier, so the content script
 * never relays it from a page; the handler further requires the sender's origin to be an approved portal.
 */
export const STATEMENT_REQUEST_TYPES: readonly Request['type'][] = ['statementGather'];

/** True when this sender's tier includes this request type. */
export function mayRequest(sender: ClassifiedSender, type: Request['type']): boolean {
  if (VERDICT_REQUEST_TYPES.includes(type)) return sender.context === 'content-script';
  switch (sender.context) {
    case 'content-script':
      return CONTENT_SCRIPT_REQUEST_TYPES.includes(type) || STATEMENT_REQUEST_TYPES.includes(type);
    case 'extension-page':
      if (PIN_WINDOW_REQUEST_TYPES.includes(type)) return sender.page === PIN_PAGE;
      if (CONSENT_WINDOW_REQUEST_TYPES.includes(type)) return sender.page === CONSENT_PAGE;
      return OPTIONS_REQUEST_TYPES.includes(type);
    case 'unknown':
      return false;
  }
}
