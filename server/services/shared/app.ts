/**
 * The Fastify application every demo service starts from: form parsing, the session on every request,
 * CSRF on every state-changing request, and errors a person can read (HTML pages) or a program can
 * read (JSON under /api/).
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { parseCookies, serializeCookie } from './cookies.js';
import { type ServiceDb } from './db.js';
import { csrfMatches, type Session, SESSION_LIFETIME_MS, SessionStore } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The visitor's session (created on first need). */
    session: Session | null;
    /** The raw bytes of a JSON body, for signature checks (webhooks). */
    rawBody: Buffer | null;
  }
  interface FastifyContextConfig {
    /** Skip the CSRF check: only for requests authenticated another way (signed webhooks). */
    csrfExempt?: boolean;
  }
}

/** What the factory needs. */
export interface AppOptions {
  readonly serviceId: string;
  readonly db: ServiceDb;
  readonly secureCookies: boolean;
  readonly now?: () => number;
}

/** A refusal with an HTTP status and a stable code, shown to people and programs alike. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Session helpers bound to one service. */
export interface SessionControl {
  readonly store: SessionStore;
  /** Loads or starts the visitor's session and sets the cookie when new. */
  ensure(request: FastifyRequest, reply: FastifyReply): Session;
  /** Replaces the visitor's session (login, logout) and sets the cookie. */
  replace(reply: FastifyReply, request: FastifyRequest, next: Session | null): void;
}

/** Builds the app and its session control. */
export function createServiceApp(options: AppOptions): { app: FastifyInstance; sessions: SessionControl } {
  // A stopped service stops now: browsers keep connections alive for minutes, and a demo service's close
  // (npm start's Ctrl-C, a test stopping one service) must not wait for them.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, forceCloseConnections: true });
  const store = new SessionStore(options.db, options.now);
  const cookieName = `kyotsu_${options.serviceId.replace(/[^A-Za-z0-9]/g, '_')}_sid`;
  const setCookie = (reply: FastifyReply, value: string, maxAgeSeconds: number): void => {
    void reply.header('set-cookie', serializeCookie(cookieName, value, { secure: options.secureCookies, sameSite: 'Lax', maxAgeSeconds }));
  };

  const sessions: SessionControl = {
    store,
    ensure(request, reply) {
      if (request.session) return request.session;
      const session = store.create();
      setCookie(reply, session.id, SESSION_LIFETIME_MS / 1000);
      request.session = session;
      return session;
    },
    replace(reply, request, next) {
      if (next) setCookie(reply, next.id, SESSION_LIFETIME_MS / 1000);
      else {
        if (request.session) store.destroy(request.session.id);
        setCookie(reply, '', 0);
      }
      request.session = next;
    },
  };

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      done(null, (body as Buffer).length === 0 ? {} : JSON.parse((body as Buffer).toString('utf8')));
    } catch {
      done(new HttpError(400, 'INVALID_JSON', 'The request body is not valid JSON.'), undefined);
    }
  });
  app.decorateRequest('session', null);
  app.decorateRequest('rawBody', null);
  app.addHook('onRequest', (request, _reply, done) => {
    request.session = store.get(parseCookies(request.headers.cookie).get(cookieName));
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(request.method) || request.routeOptions.config.csrfExempt) return done();
    const submitted = request.headers['x-csrf-token'] ?? (request.body as Record<string, unknown> | undefined)?._csrf;
    if (!request.session || !csrfMatches(request.session, submitted)) {
      return done(new HttpError(403, 'CSRF_TOKEN_INVALID', 'This form has expired or did not come from this site. Reload the page and try again.'));
    }
    done();
  });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error instanceof HttpError ? error.status : (error.statusCode ?? 500);
    const code = error instanceof HttpError ? error.code : status === 413 ? 'BODY_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
    const message = status >= 500 && !(error instanceof HttpError) ? 'Something went wrong on our side.' : error.message;
    if (status >= 500) console.error(`[${options.serviceId}] ${request.method} ${request.url}: ${error.stack ?? error.message}`);
    const wantsJson = request.url.startsWith('/api/') || request.url.startsWith('/.well-known/') || !(request.headers.accept ?? '').includes('text/html');
    if (wantsJson) return reply.status(status).send({ error: { code, message } });
    return reply.status(status).type('text/html; charset=utf-8').send(`<!doctype html><meta charset="utf-8"><title>Error</title><p role="alert">${message.replace(/[&<>"']/g, '')}</p><p><a href="/">Back</a></p>`);
  });
  return { app, sessions };
}
