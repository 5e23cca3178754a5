/**
 * Login at several services with ONE card signature (docs/batch-login.md; issue 8). Under one turn of the
 * reader lock — the same path as background/op-authenticate.ts: SELECT, read the 9A certificate, VERIFY PIN
 * (cache or PIN window), then exactly one GENERAL AUTHENTICATE — it builds one token per service:
 * - two or more services: `kyotsu-batch:1` tokens (src/protocol/batch/builder.ts, §5), one signature;
 * - one service: the ordinary `web-eid:1.0` token, which every relying party accepts.
 * The origins are the ones the background fetched the challenges from (§1, §10): never page data.
 * Every service in the attempt gets its own activity entry, with the attempt's result.
 */
import { toErrorObject } from '../src/errors.js';
import { serializeAuthToken } from '../src/protocol/auth-token.js';
import { buildBatchAuthTokens } from '../src/protocol/batch/builder.js';
import { serializeBatchAuthToken } from '../src/protocol/batch/batch-token.js';
import { buildAuthToken, type TokenSigner } from '../src/protocol/token-builder.js';
import { type Caller, runCardJob } from './card-job.js';
import { type AuthenticateDeps } from './op-authenticate.js';
import { readLoginKey } from './login-key.js';
import { unlockCard } from './pin-unlock.js';

/** One service to log in at: the origin its challenge came from, the nonce it issued, its name for the log. */
export interface ServiceLogin {
  readonly origin: string;
  readonly nonce: string;
  readonly serviceName: string | null;
}

/** A service's token as the JSON text to post to it, in the order of the logins. */
export interface ServiceToken {
  readonly origin: string;
  readonly tokenJson: string;
  readonly format: 'web-eid:1.0' | 'kyotsu-batch:1';
  /** This service's entry in the activity log, where the service's answer to the token is written (absent: none). */
  readonly activityId?: string;
}

/** Signs all `logins` with one card signature; `caller` is the page that asked (the portal). */
export async function authenticateMany(deps: AuthenticateDeps, caller: Caller, logins: readonly ServiceLogin[]): Promise<ServiceToken[]> {
  if (logins.length === 0) return [];
  return runCardJob(deps, caller, undefined, async (session, signal) => {
    let serial: string | null = null;
    try {
      const { certificate, algorithm } = await readLoginKey(session, (read) => (serial = read));
      await unlockCard(deps, session, caller, 'authenticate', signal);
      // The card signs once: GENERAL AUTHENTICATE over the digest (SP 800-73-4 Part 2 §3.2.4).
      const sign: TokenSigner = (request) => session.signDigest(request.algorithm, request.digest);
      const common = { certificate, algorithm, appVersion: deps.appVersion, sign };
      let tokens: ServiceToken[];
      if (logins.length === 1) {
        const [only] = logins as [ServiceLogin];
        const token = await buildAuthToken({ ...common, origin: only.origin, nonce: only.nonce });
        tokens = [{ origin: only.origin, tokenJson: serializeAuthToken(token), format: 'web-eid:1.0' }];
      } else {
        const built = await buildBatchAuthTokens({ ...common, logins: logins.map(({ origin, nonce }) => ({ origin, nonce })) });
        tokens = built.map(({ origin, token }) => ({ origin, tokenJson: serializeBatchAuthToken(token), format: 'kyotsu-batch:1' as const }));
      }
      const ids = await recordAll(deps, caller, logins, serial, 'ok');
      return tokens.map((token) => {
        const activityId = ids.get(token.origin);
        return activityId === undefined ? token : { ...token, activityId };
      });
    } catch (error) {
      await recordAll(deps, caller, logins, serial, toErrorObject(error).code);
      throw error;
    }
  });
}

/** One activity entry per service; each entry's id by the service's origin. */
async function recordAll(deps: AuthenticateDeps, caller: Caller, logins: readonly ServiceLogin[], serial: string | null, result: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const login of logins) {
    const stored = await deps.activity.record({ time: deps.clock.now(), origin: login.origin, service: login.serviceName, serial, operation: 'authenticate', result, automatic: caller.automatic });
    if (stored.id !== undefined) ids.set(login.origin, stored.id);
  }
  return ids;
}
