/**
 * Login with the common certificate: the extension asks for a challenge (bound to this browser's session),
 * the card signs it, and the token is posted back from the page's own origin. The posted body IS the
 * token's JSON text, so the verifier sees the exact bytes (size limit, duplicate keys). A token may be a
 * single login (`web-eid:1.0`) or this service's token of a batch signed once for several services
 * (`kyotsu-batch:1`, docs/batch-login.md): both get the same answers and the same refusals.
 */
import { type FastifyRequest } from 'fastify';
import { AuthError, AuthErrorCode } from '../../../src/protocol/errors.js';
import { ChallengeService } from '../../rp/challenge/service.js';
import { SqliteChallengeStore } from '../../rp/challenge/sqlite-store.js';
import { verifyAnyLogin } from '../../rp/batch/login.js';
import { verifyAnyAuthToken } from '../../rp/batch/verify-any-auth-token.js';
import { AuthTokenVerifier } from '../../rp/verifier.js';
import { requireCa, type ServiceContext } from '../context.js';
import { HttpError } from '../shared/app.js';
import { sameOriginOrExtension } from '../shared/request-origin.js';
import { completeLogin } from './login-complete.js';

/** What a person is told when a card login is refused. */
function refusal(error: AuthError): HttpError {
  switch (error.code) {
    case AuthErrorCode.CERTIFICATE_REVOKED:
      return new HttpError(401, error.code, 'Your common certificate has been invalidated and can no longer be used. Log in with your password to get a new one.');
    case AuthErrorCode.CERTIFICATE_NOT_PERMITTED:
      return new HttpError(401, error.code, 'Your common certificate may not be used at this service. Log in with your password to register it again.');
    case AuthErrorCode.CERTIFICATE_EXPIRED:
      return new HttpError(401, error.code, 'Your common certificate has expired. Log in with your password to get a new one.');
    case AuthErrorCode.CHALLENGE_UNKNOWN:
    case AuthErrorCode.CHALLENGE_EXPIRED:
      return new HttpError(401, error.code, 'The login took too long or was already used. Please try again.');
    case AuthErrorCode.REVOCATION_CHECK_FAILED:
      return new HttpError(503, error.code, 'The certificate authority could not confirm your certificate right now. Please try again shortly.');
    default:
      return new HttpError(401, error.code, `The card login was not accepted (${error.code}).`);
  }
}

/** Registers POST /api/auth/challenge and POST /api/auth/login. */
export function cardLoginRoutes(ctx: ServiceContext, trustAnchors: () => readonly Uint8Array[]): void {
  const challenges = new ChallengeService({ store: new SqliteChallengeStore(ctx.db) });
  let verifier: AuthTokenVerifier | null = null;
  const getVerifier = (): AuthTokenVerifier => {
    const ca = requireCa(ctx);
    verifier ??= new AuthTokenVerifier({
      origin: ctx.origin(),
      trustAnchors: trustAnchors(),
      service: ctx.config.id,
      revocation: ctx.config.checkMode === 'ca-check' ? { type: 'ca-check', caUrl: ca.access.url, apiToken: ca.access.apiToken } : 'none',
    });
    return verifier;
  };
  const guardOrigin = (request: FastifyRequest): void => {
    if (!sameOriginOrExtension(request, ctx.origin())) throw new HttpError(403, 'CROSS_ORIGIN_REFUSED', 'Card logins are accepted only from this site.');
  };

  // The nonce is useless to anyone but this session, and the token binds origin and nonce, so these two
  // need no CSRF token (the content script has none); other sites are still refused by Origin.
  ctx.app.post('/api/auth/challenge', { config: { csrfExempt: true } }, async (request, reply) => {
    guardOrigin(request);
    requireCa(ctx);
    const session = ctx.sessions.ensure(request, reply);
    const challenge = await challenges.createChallenge();
    ctx.sessions.replace(reply, request, ctx.sessions.store.setData(session, { ...session.data, nonce: challenge.nonce }));
    return { nonce: challenge.nonce, expiresAt: new Date(challenge.expiresAt).toISOString() };
  });

  ctx.app.post('/api/auth/login', { config: { csrfExempt: true } }, async (request, reply) => {
    guardOrigin(request);
    const session = request.session;
    const nonce = session?.data.nonce;
    if (session) {
      const { nonce: _used, ...rest } = session.data;
      ctx.sessions.replace(reply, request, ctx.sessions.store.setData(session, rest));
    }
    const token = request.rawBody ?? new Uint8Array();
    let serial: string;
    let holderName: string;
    let qualifiedAtCa = true;
    try {
      const verified = await verifyAnyLogin({ challenges, verifier: getVerifier(), token, nonce: nonce || undefined });
      serial = verified.serial;
      holderName = verified.subject.commonName ?? verified.subject.distinguishedName;
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      if (error.code !== AuthErrorCode.CERTIFICATE_NOT_PERMITTED || error.details?.reason !== 'NOT_QUALIFIED') throw refusal(error);
      // Not listed here yet. The verifier checks the signature before asking the CA, so this holder has
      // proven the card's key; verifying once more without revocation gives the holder name to confirm
      // (and keeps this path safe even with a verifier that asks the CA first).
      const proven = await verifyAnyAuthToken(token, { origin: ctx.origin(), challengeNonce: nonce ?? '', trustAnchors: trustAnchors(), revocation: 'none' }).catch((cause: unknown) => {
        throw cause instanceof AuthError ? refusal(cause) : cause;
      });
      serial = proven.serial;
      holderName = proven.subject.commonName ?? proven.subject.distinguishedName;
      qualifiedAtCa = false;
    }
    // Check-omitted mode: the CA was not asked, so the CA's invalidation notices are what refuses.
    if (ctx.db.prepare('SELECT 1 FROM invalidated_serials WHERE serial = ?').get(serial)) {
      throw refusal(new AuthError(AuthErrorCode.CERTIFICATE_REVOKED, 'the CA has invalidated this certificate'));
    }
    const user = ctx.users.bySerial(serial);
    // In ca-check mode the CA's list is authoritative: a serial it does not list here never logs anyone in.
    if (user && !qualifiedAtCa) ctx.users.dropSerial(serial);
    if (!user || !qualifiedAtCa) {
      // A proven holder this service does not know yet: one login its own way, then an explicit confirmation.
      const current = ctx.sessions.ensure(request, reply);
      // The token and its (consumed) nonce stay with the serial: the CA qualifies only with this proof.
      const data = { ...current.data, pendingSerial: serial, pendingName: holderName, pendingAt: String(Date.now()), pendingToken: new TextDecoder().decode(token), pendingNonce: nonce ?? '' };
      ctx.sessions.replace(reply, request, ctx.sessions.store.setData(current, data));
      return { status: 'qualify-required', redirect: '/login' };
    }
    return { status: 'logged-in', redirect: completeLogin(ctx, request, reply, user.id, 'certificate') };
  });
}
