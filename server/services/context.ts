/** Everything a demo service's routes share: its configuration, stores and session control. */
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { HttpError, type SessionControl } from './shared/app.js';
import { type CaClient } from './shared/ca-client.js';
import { type ServiceDb } from './shared/db.js';
import { type FrameContext, type Theme } from './shared/layout.js';
import { Ledger } from './shared/ledger.js';
import { type Session } from './shared/sessions.js';
import { type User, UserStore } from './shared/users.js';

/** How a service checks a certificate at each login. */
export type CheckMode = 'ca-check' | 'omitted';

/** A demo service's configuration. */
export interface ServiceConfig {
  /** Service ID at the CA. */
  readonly id: string;
  readonly kind: 'portal' | 'bank' | 'card';
  readonly theme: Theme;
  readonly checkMode: CheckMode;
}

/** What routes get. `origin()` is known once the server listens (tests use port 0). */
export interface ServiceContext {
  readonly config: ServiceConfig;
  readonly app: FastifyInstance;
  readonly db: ServiceDb;
  readonly sessions: SessionControl;
  readonly users: UserStore;
  readonly ledger: Ledger;
  /** The CA, once the service is registered with one (null: password and passkey only). */
  readonly ca: CaClient | null;
  origin(): string;
}

/** The CA, or a 503 saying the service is not connected to one. */
export function requireCa(ctx: ServiceContext): CaClient {
  if (!ctx.ca) throw new HttpError(503, 'NOT_REGISTERED', 'This service is not connected to a certificate authority.');
  return ctx.ca;
}

/** Builds the shared context. */
export function createContext(
  config: ServiceConfig,
  app: FastifyInstance,
  db: ServiceDb,
  sessions: SessionControl,
  ca: CaClient | null,
  origin: () => string,
): ServiceContext {
  return { config, app, db, sessions, users: new UserStore(db), ledger: new Ledger(db), ca, origin };
}

/** Leaves a message for the visitor's next page. */
export function setFlash(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, kind: 'info' | 'error', text: string): void {
  const session = ctx.sessions.ensure(request, reply);
  ctx.sessions.replace(reply, request, ctx.sessions.store.setData(session, { ...session.data, flash: JSON.stringify({ kind, text }) }));
}

/** The logged-in user, or a 401 with a clear message. */
export function requireUser(ctx: ServiceContext, request: FastifyRequest): { user: User; session: Session } {
  const session = request.session;
  const user = session?.userId ? ctx.users.get(session.userId) : null;
  if (!session || !user) throw new HttpError(401, 'NOT_LOGGED_IN', 'Please log in first.');
  return { user, session };
}

/**
 * The frame context for a page. It uses the visitor's session if there is one and never starts one, so an
 * anonymous visit to a page without a form leaves no session row behind; a page with a form for anonymous
 * visitors uses {@link formFrame}.
 */
export function frame(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, title: string, flash?: FrameContext['flash']): FrameContext {
  let session = request.session;
  if (!session) return { theme: ctx.config.theme, title, userName: null, csrf: null, flash: flash ?? null, certificatePending: false };
  if (session.data.flash && !flash) {
    flash = JSON.parse(session.data.flash) as FrameContext['flash'];
    const { flash: _shown, ...rest } = session.data;
    session = ctx.sessions.store.setData(session, rest);
    request.session = session;
  }
  const user = session.userId ? ctx.users.get(session.userId) : null;
  const certificatePending = typeof session.data.pendingSerial === 'string';
  return { theme: ctx.config.theme, title, userName: user?.name ?? null, csrf: session.csrf, flash: flash ?? null, certificatePending };
}

/** {@link frame} for a page whose form needs a CSRF token: starts the visitor's session if there is none. */
export function formFrame(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, title: string, flash?: FrameContext['flash']): FrameContext {
  ctx.sessions.ensure(request, reply);
  return frame(ctx, request, reply, title, flash);
}
