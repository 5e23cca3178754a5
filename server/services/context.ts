/** Everything a demo service's routes share: its configuration, stores and session control. */
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { HttpError, type SessionControl } from './shared/app.js';
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
  origin(): string;
}

/** Builds the shared context. */
export function createContext(config: ServiceConfig, app: FastifyInstance, db: ServiceDb, sessions: SessionControl, origin: () => string): ServiceContext {
  return { config, app, db, sessions, users: new UserStore(db), ledger: new Ledger(db), origin };
}

/** The logged-in user, or a 401 with a clear message. */
export function requireUser(ctx: ServiceContext, request: FastifyRequest): { user: User; session: Session } {
  const session = request.session;
  const user = session?.userId ? ctx.users.get(session.userId) : null;
  if (!session || !user) throw new HttpError(401, 'NOT_LOGGED_IN', 'Please log in first.');
  return { user, session };
}

/** The frame context for a page. */
export function frame(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, title: string, flash?: FrameContext['flash']): FrameContext {
  const session = ctx.sessions.ensure(request, reply);
  const user = session.userId ? ctx.users.get(session.userId) : null;
  return { theme: ctx.config.theme, title, userName: user?.name ?? null, csrf: session.csrf, flash: flash ?? null };
}
