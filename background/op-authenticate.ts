/**
 * Login: the card signs the relying party's challenge for the origin the BROWSER reported (never one
 * from page data) and the result is a `web-eid:1.0` token (src/protocol/token-builder.ts). Under one turn
 * of the reader lock: SELECT, read the 9A certificate, VERIFY PIN, GENERAL AUTHENTICATE.
 * Every attempt that reached the card lands in the activity log once (joined callers share it).
 */
import { ExtensionError, ExtensionErrorCode } from '../src/extension-errors.js';
import { toErrorObject } from '../src/errors.js';
import { type AuthToken } from '../src/protocol/auth-token.js';
import { buildAuthToken } from '../src/protocol/token-builder.js';
import { type ActivityLog } from './activity.js';
import { type Caller, type CardJobDeps, runCardJob } from './card-job.js';
import { readLoginKey } from './login-key.js';
import { unlockCard, type UnlockDeps } from './pin-unlock.js';

/** What login needs. */
export interface AuthenticateDeps extends CardJobDeps, UnlockDeps {
  readonly activity: ActivityLog;
  /** URL naming this extension and its version, the token's `appVersion`. */
  readonly appVersion: string;
}

/** Signs `nonce` for `caller.origin`. Callers asking for the same origin and nonce at once share one signature. */
export async function authenticate(deps: AuthenticateDeps, caller: Caller, nonce: string): Promise<AuthToken> {
  const origin = caller.origin;
  if (origin === null) throw new ExtensionError(ExtensionErrorCode.NOT_A_PROVIDER, 'Only a web page can log in');
  return runCardJob(deps, caller, `authenticate ${origin} ${nonce}`, async (session, signal) => {
    let serial: string | null = null;
    try {
      const { certificate, algorithm } = await readLoginKey(session, (read) => (serial = read));
      await unlockCard(deps, session, caller, 'authenticate', signal);
      const token = await buildAuthToken({
        origin,
        nonce,
        certificate,
        algorithm,
        appVersion: deps.appVersion,
        sign: (request) => session.signDigest(request.algorithm, request.digest),
      });
      await record(deps, caller, origin, serial, 'ok');
      return token;
    } catch (error) {
      await record(deps, caller, origin, serial, toErrorObject(error).code);
      throw error;
    }
  });
}

function record(deps: AuthenticateDeps, caller: Caller, origin: string, serial: string | null, result: string): Promise<unknown> {
  return deps.activity.record({ time: deps.clock.now(), origin, service: caller.serviceName, serial, operation: 'authenticate', result, automatic: caller.automatic });
}
