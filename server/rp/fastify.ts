/**
 * A thin Fastify plugin over the framework-agnostic library: one route issues a challenge and binds it to
 * the browser, one route takes a posted token, consumes the bound challenge and verifies. What "logged in"
 * means stays with the service (`onLogin`).
 *
 *     await app.register(kyotsuRelyingParty, { prefix: '/kyotsu', challenges, verifier, onLogin });
 *     // POST /kyotsu/challenge → { nonce, expiresAt }      (binds the nonce to this browser)
 *     // POST /kyotsu/login     body: the token's JSON text → whatever onLogin returns
 *
 * Binding: by default the nonce goes into an HttpOnly, SameSite=Strict cookie scoped to the login route, so
 * a token can only be redeemed by the browser that fetched the challenge (Web eID: "the authentication
 * token is received from the same browser to which the corresponding challenge nonce was issued"); a
 * service with sessions passes `bindChallenge` / `boundChallenge` to keep it in the session instead.
 * The login body is read as raw text inside this plugin's scope (a scoped content-type parser), so the
 * verifier sees the exact bytes: its size limit and duplicate-key check apply to what was sent.
 */
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { toErrorObject } from '../../src/errors.js';
import { AuthError, AuthErrorCode } from '../../src/protocol/errors.js';
import { type Challenge, type ChallengeService } from './challenge/service.js';
import { verifyLogin } from './login.js';
import { type AuthTokenVerifier } from './verifier.js';
import { type VerifiedAuthToken } from './verify/types.js';

/** Options of `kyotsuRelyingParty`. */
export interface KyotsuRelyingPartyOptions {
  readonly challenges: ChallengeService;
  readonly verifier: AuthTokenVerifier;
  /** Called after a successful verification; its result is the login reply body. */
  readonly onLogin: (request: FastifyRequest, reply: FastifyReply, identity: VerifiedAuthToken) => Promise<unknown>;
  /** Binds an issued nonce to this browser (default: the cookie). */
  readonly bindChallenge?: (request: FastifyRequest, reply: FastifyReply, challenge: Challenge) => void | Promise<void>;
  /** Reads, and forgets, the nonce bound to this browser (default: the cookie, cleared). */
  readonly boundChallenge?: (request: FastifyRequest, reply: FastifyReply) => string | undefined | Promise<string | undefined>;
  /** Route paths inside the plugin's prefix. */
  readonly challengePath?: string;
  readonly loginPath?: string;
  /** Name of the default binding cookie. */
  readonly cookieName?: string;
}

/** HTTP status for a refused login: 413 too large, 503 when a dependency could not answer, 500 for our own misconfiguration, else 401. */
export function statusForAuthError(code: string): number {
  switch (code) {
    case AuthErrorCode.TOKEN_TOO_LARGE:
      return 413;
    case AuthErrorCode.CHALLENGE_STORE_UNAVAILABLE:
    case AuthErrorCode.REVOCATION_CHECK_FAILED:
      return 503;
    case AuthErrorCode.VERIFIER_CONFIG_INVALID:
    case AuthErrorCode.ORIGIN_MALFORMED:
      return 500;
    default:
      return 401;
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index !== -1 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/** The plugin. Register it with a `prefix`; it is encapsulated, so its body parser touches no other route. */
export function kyotsuRelyingParty(fastify: FastifyInstance, options: KyotsuRelyingPartyOptions): Promise<void> {
  const challengePath = options.challengePath ?? '/challenge';
  const loginPath = options.loginPath ?? '/login';
  const cookieName = options.cookieName ?? 'kyotsu_challenge';
  const cookiePath = `${fastify.prefix}${loginPath}`;
  const secure = options.verifier.origin.startsWith('https:') ? '; Secure' : '';
  const lifetimeSeconds = Math.floor(options.challenges.lifetimeMs / 1000);

  const bindChallenge =
    options.bindChallenge ??
    ((_request: FastifyRequest, reply: FastifyReply, challenge: Challenge): void => {
      // RFC 6265 §4.1: base64 characters are all cookie-octets.
      void reply.header('set-cookie', `${cookieName}=${challenge.nonce}; Path=${cookiePath}; Max-Age=${lifetimeSeconds}; HttpOnly; SameSite=Strict${secure}`);
    });
  const boundChallenge =
    options.boundChallenge ??
    ((request: FastifyRequest, reply: FastifyReply): string | undefined => {
      void reply.header('set-cookie', `${cookieName}=; Path=${cookiePath}; Max-Age=0; HttpOnly; SameSite=Strict${secure}`);
      return readCookie(request.headers.cookie, cookieName);
    });

  // The token is verified from its exact text; 64 KB lets the verifier itself report TOKEN_TOO_LARGE.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));

  fastify.post(challengePath, async (request, reply) => {
    const challenge = await options.challenges.createChallenge();
    await bindChallenge(request, reply, challenge);
    void reply.header('cache-control', 'no-store');
    return { nonce: challenge.nonce, expiresAt: new Date(challenge.expiresAt).toISOString() };
  });

  fastify.post(loginPath, async (request, reply) => {
    void reply.header('cache-control', 'no-store');
    const nonce = await boundChallenge(request, reply);
    try {
      const identity = await verifyLogin({ challenges: options.challenges, verifier: options.verifier, token: typeof request.body === 'string' ? request.body : '', nonce });
      return await options.onLogin(request, reply, identity);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      return reply.code(statusForAuthError(error.code)).send({ error: toErrorObject(error) });
    }
  });
  return Promise.resolve();
}
