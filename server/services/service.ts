/**
 * Starts one demo service (portal, bank or card company): its own Fastify server on its own port with
 * its own SQLite database, seeded with demo users.
 */
import { type AddressInfo } from 'node:net';
import { createContext, type ServiceConfig, type ServiceContext } from './context.js';
import { servicePageScript } from './assets/bundle.js';
import { accountRoutes } from './routes/account.js';
import { cardLoginRoutes } from './routes/card-login.js';
import { certificateRoutes } from './routes/certificate.js';
import { discoveryRoutes } from './routes/discovery.js';
import { noticeRoutes } from './routes/notices.js';
import { portalRoutes } from './routes/portal.js';
import { CaClient } from './shared/ca-client.js';
import { homeRoutes } from './routes/home.js';
import { passkeyRoutes } from './routes/passkeys.js';
import { qualifyRoutes } from './routes/qualify.js';
import { passwordRoutes } from './routes/password.js';
import { statementRoutes } from './routes/statement.js';
import { seedDemoData } from './seed.js';
import { createServiceApp } from './shared/app.js';
import { openServiceDb } from './shared/db.js';
import { startSweeping } from './shared/sweep.js';

/** Where and how to run a service. */
export interface StartOptions {
  readonly config: ServiceConfig;
  /** SQLite file, or `:memory:`. */
  readonly dbPath: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly now?: () => number;
  /** How often expired sessions and old processed notices are swept (default 10 minutes; also once at start). */
  readonly sweepIntervalMs?: number;
  /** The CA this service is registered with (its API token and webhook secret from registration). */
  readonly ca?: { readonly url: string; readonly apiToken: string; readonly webhookSecret: string };
}

/** A running service. */
export interface RunningService {
  readonly origin: string;
  readonly context: ServiceContext;
  close(): Promise<void>;
}

/** The CA's certificate (DER), the trust anchor for logins here. */
async function fetchCaCertificate(caUrl: string): Promise<Uint8Array> {
  const response = await fetch(`${caUrl.replace(/\/$/, '')}/ca.crt`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`cannot fetch the CA certificate from ${caUrl}/ca.crt: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Starts a service and resolves once it listens. */
export async function startService(options: StartOptions): Promise<RunningService> {
  const db = openServiceDb(options.dbPath);
  await seedDemoData(db, options.config);
  let origin = '';
  const { app, sessions } = createServiceApp({ serviceId: options.config.id, db, secureCookies: false, ...(options.now ? { now: options.now } : {}) });
  const ca = options.ca ? new CaClient({ url: options.ca.url, serviceId: options.config.id, apiToken: options.ca.apiToken }) : null;
  const trustAnchors = options.ca ? [await fetchCaCertificate(options.ca.url)] : [];
  const context = createContext(options.config, app, db, sessions, ca, () => origin);
  homeRoutes(context);
  passwordRoutes(context);
  statementRoutes(context);
  passkeyRoutes(context);
  accountRoutes(context);
  certificateRoutes(context);
  qualifyRoutes(context);
  noticeRoutes(context, () => options.ca?.webhookSecret ?? null);
  discoveryRoutes(context, () => trustAnchors);
  cardLoginRoutes(context, () => trustAnchors);
  if (options.config.kind === 'portal') portalRoutes(context);
  app.get('/assets/service.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(await servicePageScript()));
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  // Pages are served as http://localhost:PORT: a secure context, and a valid WebAuthn RP ID (an IP is not).
  origin = `http://localhost:${(app.server.address() as AddressInfo).port}`;
  const stopSweeping = startSweeping(db, { now: options.now ?? Date.now, label: options.config.id, ...(options.sweepIntervalMs ? { intervalMs: options.sweepIntervalMs } : {}) });
  return {
    origin,
    context,
    close: async () => {
      stopSweeping();
      await app.close();
      db.close();
    },
  };
}
