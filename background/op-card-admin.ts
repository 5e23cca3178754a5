/**
 * Card operations without a login: reading the common certificate (for a page, with consent checked by
 * the handler), the card status for the options page, and PIN management from the options page (change
 * the PIN; unblock it with the PUK). PIN changes clear the PIN cache and are logged (never the values).
 */
import { CardErrorCode, isCardError } from '../src/card-errors.js';
import { toErrorObject } from '../src/errors.js';
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';
import { type ActivityEntry, type CardStatus, type CertificateView } from '../src/message-results.js';
import { type ActivityLog } from './activity.js';
import { type Caller, type CardJobDeps, runCardJob } from './card-job.js';
import { type CardSession } from './card-session.js';
import { certificateView } from './certificate-view.js';
import { type PinCache } from './pin-cache.js';

/** What these operations need. */
export interface CardAdminDeps extends CardJobDeps {
  readonly activity: ActivityLog;
  readonly pinCache: PinCache;
}

/** The common certificate on the card. Throws `NO_CERTIFICATE` when slot 9A is empty. */
export function readCertificate(deps: CardAdminDeps, caller: Caller): Promise<CertificateView> {
  return runCardJob(deps, caller, `certificate ${caller.origin ?? ''}`, async (session) => {
    const der = await session.readAuthCertificate();
    if (der === null) throw new ExtensionError(ExtensionErrorCode.NO_CERTIFICATE, 'The card holds no common certificate yet');
    return certificateView(der);
  });
}

/** Card, certificate and PIN tries, for the options page. A missing card is "not present", not an error. */
export async function cardStatus(deps: CardAdminDeps, caller: Caller): Promise<CardStatus> {
  const source = (await deps.source()).kind;
  try {
    return await runCardJob(deps, caller, 'card-status', async (session) => {
      const der = await session.readAuthCertificate();
      const view = der === null ? null : certificateView(der);
      return {
        source,
        present: true,
        pinRetries: await session.pinRetries(),
        certificate: view && { serial: view.serial, subject: view.subject, notAfter: view.notAfter },
      };
    });
  } catch (error) {
    if (isCardError(error, CardErrorCode.NO_CARD) || isCardError(error, CardErrorCode.CARD_REMOVED)) {
      return { source, present: false, pinRetries: null, certificate: null };
    }
    throw error;
  }
}

/** CHANGE REFERENCE DATA for the PIN. */
export function changePin(deps: CardAdminDeps, caller: Caller, currentPin: string, newPin: string): Promise<void> {
  return pinChange(deps, caller, 'change-pin', (session) => session.changePin(currentPin, newPin));
}

/** RESET RETRY COUNTER with the PUK. */
export function unblockPin(deps: CardAdminDeps, caller: Caller, puk: string, newPin: string): Promise<void> {
  return pinChange(deps, caller, 'unblock-pin', (session) => session.unblockPin(puk, newPin));
}

function pinChange(
  deps: CardAdminDeps,
  caller: Caller,
  operation: ActivityEntry['operation'],
  change: (session: CardSession) => Promise<void>,
): Promise<void> {
  return runCardJob(deps, caller, undefined, async (session) => {
    deps.pinCache.clear('pin-changed');
    const record = (result: string) =>
      deps.activity.record({ time: deps.clock.now(), origin: null, service: null, serial: null, operation, result, automatic: false });
    try {
      await change(session);
    } catch (error) {
      await record(toErrorObject(error).code);
      throw error;
    }
    await record('ok');
  });
}
