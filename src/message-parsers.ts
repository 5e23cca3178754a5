/**
 * One strict parser per request type (used by `parseRequest` in src/messages.ts). Each builds a fresh
 * request from the fields its type defines and nothing else.
 */
import { CardError, CardErrorCode } from './card-errors.js';
import { KyotsuError, MessagingErrorCode } from './errors.js';
import * as F from './message-fields.js';
import type * as Q from './message-requests.js';
import { isChallengeNonce } from './protocol/challenge.js';
import type * as R from './message-results.js';
import { MAX_STATEMENT_REGIONS } from './statement-layout.js';
import { AUTO_LOGIN_OUTCOMES, CARD_SOURCE_KINDS, ENROLL_ALGORITHMS, type Settings, type UsbDeviceId } from './message-results.js';
import { SERVICE_VERDICT_OUTCOMES, type ServiceVerdict } from './message-results.js';

/** Prompt and enrollment ids: 128 random bits, lower-case hex. */
const ID = /^[0-9a-f]{32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Largest certificate accepted from a page (DER, base64): far above any PIV certificate slot. */
const MAX_CERTIFICATE_BASE64 = 16 * 1024;

/** PIN: 6–8 digits, padded to 8 bytes with 0xFF on the card (SP 800-73-4 Part 2 §2.4.3). */
function pinField(body: F.Fields, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || !/^[0-9]{6,8}$/.test(value)) {
    throw new CardError(CardErrorCode.PIN_FORMAT_INVALID, 'The PIN must be 6 to 8 digits', { which: 'pin', field });
  }
  return value;
}

/** PUK: 6–8 printable ASCII characters (8 on standard PIV cards; YubiKeys allow 6–8). */
function pukField(body: F.Fields, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || !/^[\x20-\x7e]{6,8}$/.test(value)) {
    throw new CardError(CardErrorCode.PIN_FORMAT_INVALID, 'The PUK must be 6 to 8 characters', { which: 'puk', field });
  }
  return value;
}

/** The challenge nonce exactly as src/protocol/challenge.ts issues it (44 characters, 32 bytes). */
function nonceField(body: F.Fields): string {
  if (!isChallengeNonce(body.challengeNonce)) {
    throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, 'field "challengeNonce" must be 44 characters of base64 carrying 32 bytes', { field: 'challengeNonce' });
  }
  return body.challengeNonce;
}

function usbDevice(body: F.Fields): UsbDeviceId | null {
  if (body.usbDevice === null) return null;
  const device = F.objectField(body, 'usbDevice');
  const optionalText = (field: string): string | null => (device[field] === null ? null : F.stringField(device, field, 0, 128));
  return {
    vendorId: F.integerField(device, 'vendorId', 0, 0xffff),
    productId: F.integerField(device, 'productId', 0, 0xffff),
    serialNumber: optionalText('serialNumber'),
    productName: optionalText('productName'),
  };
}

function settingsPatch(body: F.Fields): Partial<Settings> {
  const settings = F.objectField(body, 'settings');
  const patch: { -readonly [K in keyof Settings]?: Settings[K] } = {};
  if (F.hasField(settings, 'pinCacheMinutes')) patch.pinCacheMinutes = F.integerField(settings, 'pinCacheMinutes', 0, 240);
  if (F.hasField(settings, 'cardSource')) patch.cardSource = F.enumField(settings, 'cardSource', CARD_SOURCE_KINDS);
  if (F.hasField(settings, 'usbDevice')) patch.usbDevice = usbDevice(settings);
  if (F.hasField(settings, 'autoLogin')) patch.autoLogin = F.booleanField(settings, 'autoLogin');
  if (Object.keys(patch).length === 0) throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, 'settings names no known setting');
  return patch;
}

/** The regions of a `statementGather`: each an origin and a statement URL on that origin (page data, checked again by the background). */
function statementRegions(body: F.Fields): R.StatementRegionRef[] {
  const value = body.regions;
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_STATEMENT_REGIONS) {
    throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, `field "regions" must list 1–${MAX_STATEMENT_REGIONS} regions`, { field: 'regions' });
  }
  return value.map((item: unknown) => {
    if (!F.isPlainObject(item)) throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, 'each region must be an object', { field: 'regions' });
    const origin = F.originField(item, 'origin');
    const statementUrl = F.stringField(item, 'statementUrl', 8, 2048);
    if (!URL.canParse(statementUrl) || new URL(statementUrl).origin !== origin) {
      throw new KyotsuError(MessagingErrorCode.BAD_MESSAGE, 'field "statementUrl" must be a URL on the region origin', { field: 'statementUrl' });
    }
    return { serviceId: F.stringField(item, 'serviceId', 1, 64, /^[A-Za-z0-9._-]+$/), origin, statementUrl };
  });
}

/** A service's verdict: a refusal carries the service's stable code (upper-case, digits, underscores), nothing else does. */
function serviceVerdict(body: F.Fields): ServiceVerdict {
  const verdict = F.objectField(body, 'verdict');
  const outcome = F.enumField(verdict, 'outcome', SERVICE_VERDICT_OUTCOMES);
  if (outcome !== 'refused') return { outcome, code: null };
  return { outcome, code: F.stringField(verdict, 'code', 1, 64, /^[A-Z][A-Z0-9_]*$/) };
}

const requestId = (body: F.Fields): string => F.stringField(body, 'requestId', 32, 32, ID);

/** The parser of every request type; the keys are exactly the protocol's request types. */
export const REQUEST_PARSERS: { readonly [T in Q.Request['type']]: (body: F.Fields) => Extract<Q.Request, { type: T }> } = {
  ping: () => ({ type: 'ping' }),
  hello: () => ({ type: 'hello' }),
  authenticate: (body) => ({ type: 'authenticate', challengeNonce: nonceField(body) }),
  getCertificate: () => ({ type: 'getCertificate' }),
  enrollGenerateKey: (body) => ({ type: 'enrollGenerateKey', algorithm: F.enumField(body, 'algorithm', ENROLL_ALGORITHMS) }),
  enrollWriteCertificate: (body) => ({
    type: 'enrollWriteCertificate',
    enrollmentId: F.stringField(body, 'enrollmentId', 32, 32, ID),
    certificate: F.stringField(body, 'certificate', 4, MAX_CERTIFICATE_BASE64, BASE64),
  }),
  cancel: (body) => ({
    type: 'cancel',
    operationId: F.hasField(body, 'operationId') && body.operationId !== null ? F.stringField(body, 'operationId', 32, 32, ID) : null,
  }),
  autoLoginBegin: (body) => ({ type: 'autoLoginBegin', sessionActive: F.booleanField(body, 'sessionActive') }),
  autoLoginSign: (body) => ({ type: 'autoLoginSign', challengeNonce: nonceField(body) }),
  loginVerdict: (body) => ({ type: 'loginVerdict', verdict: serviceVerdict(body) }),
  autoLoginEnd: (body) => ({ type: 'autoLoginEnd', outcome: F.enumField(body, 'outcome', AUTO_LOGIN_OUTCOMES) }),
  statementGather: (body) => ({
    type: 'statementGather',
    gatherId: F.stringField(body, 'gatherId', 32, 32, ID),
    regions: statementRegions(body),
    interactive: F.booleanField(body, 'interactive'),
  }),
  listProviders: () => ({ type: 'listProviders' }),
  approveProvider: (body) => ({ type: 'approveProvider', origin: F.originField(body, 'origin') }),
  forgetProvider: (body) => ({ type: 'forgetProvider', origin: F.originField(body, 'origin') }),
  getSettings: () => ({ type: 'getSettings' }),
  setSettings: (body) => ({ type: 'setSettings', settings: settingsPatch(body) }),
  listActivity: () => ({ type: 'listActivity' }),
  cardStatus: () => ({ type: 'cardStatus' }),
  nativeHostStatus: () => ({ type: 'nativeHostStatus' }),
  changePin: (body) => ({ type: 'changePin', currentPin: pinField(body, 'currentPin'), newPin: pinField(body, 'newPin') }),
  unblockPin: (body) => ({ type: 'unblockPin', puk: pukField(body, 'puk'), newPin: pinField(body, 'newPin') }),
  pinPromptInfo: (body) => ({ type: 'pinPromptInfo', requestId: requestId(body) }),
  pinSubmit: (body) => ({ type: 'pinSubmit', requestId: requestId(body), pin: pinField(body, 'pin') }),
  pinCancel: (body) => ({ type: 'pinCancel', requestId: requestId(body) }),
  consentInfo: (body) => ({ type: 'consentInfo', requestId: requestId(body) }),
  consentAnswer: (body) => ({ type: 'consentAnswer', requestId: requestId(body), allow: F.booleanField(body, 'allow') }),
};
