/**
 * The demo world: the CA and the four services, each on its own port with its own SQLite file under one
 * data folder, registered with the CA. Used by `npm start` and by the end-to-end tests.
 *
 * Service credentials are shown by the CA only once, at registration, so they are kept (0600) in the data
 * folder and reused on the next start.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { initKeyStore, loadKeyStore } from '../ca/keys/key-store.js';
import { type ServiceCredentials } from '../ca/service-registry.js';
import { type RunningCa, startCa } from '../ca/start.js';
import { CA_PORT, CATALOG, type CatalogEntry } from './catalog.js';
import { type RunningService, startService } from './service.js';

/** Options of {@link startWorld}. */
export interface WorldOptions {
  /** Folder for the SQLite files, CA keys and service credentials (created if missing). */
  readonly dataDir: string;
  /** Passphrase of the CA key store (at least 12 characters). */
  readonly caPassphrase: string;
  /** Use the catalog's fixed ports (npm start) or free ephemeral ones (tests). */
  readonly ports: 'catalog' | 'ephemeral';
  /** Which services to start (default all). */
  readonly services?: readonly string[];
  /** CA webhook retry tuning for tests. */
  readonly webhookBaseDelayMs?: number;
}

/** A running world. */
export interface World {
  readonly ca: RunningCa;
  readonly services: Readonly<Record<string, RunningService>>;
  /** Origins by service ID (also for services not started, e.g. to register them at the CA). */
  readonly origins: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function credentialsFor(ca: RunningCa, dataDir: string, entry: CatalogEntry, origin: string): Promise<ServiceCredentials> {
  const file = join(dataDir, `${entry.config.id}.credentials.json`);
  if (existsSync(file)) {
    const saved = JSON.parse(await readFile(file, 'utf8')) as ServiceCredentials & { origin: string };
    if (saved.origin === origin) return saved;
    throw new Error(`${entry.config.id} is registered at the CA for ${saved.origin}, not ${origin}; remove ${dataDir} to start afresh`);
  }
  const credentials = await ca.registerService({
    id: entry.config.id,
    displayName: entry.config.theme.displayName,
    origins: [origin],
    portal: entry.config.kind === 'portal',
    webhookUrl: `${origin}/api/ca-notices`,
  });
  await writeFile(file, JSON.stringify({ ...credentials, origin }), { mode: 0o600 });
  await chmod(file, 0o600);
  return credentials;
}

/** Starts the CA and the services. */
export async function startWorld(options: WorldOptions): Promise<World> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const keyDir = join(options.dataDir, 'ca-keys');
  const keys = existsSync(join(keyDir, 'ca-key.json')) ? await loadKeyStore(keyDir, options.caPassphrase) : await initKeyStore(keyDir, options.caPassphrase);
  const caPort = options.ports === 'catalog' ? CA_PORT : await freePort();
  const ca = await startCa({
    store: `sqlite:${join(options.dataDir, 'ca.sqlite')}`,
    keys,
    publicUrl: `http://localhost:${caPort}`,
    listen: { host: '127.0.0.1', port: caPort },
    ...(options.webhookBaseDelayMs !== undefined ? { webhooks: { baseDelayMs: options.webhookBaseDelayMs, maxDelayMs: options.webhookBaseDelayMs * 20 } } : {}),
  });
  const origins: Record<string, string> = {};
  const services: Record<string, RunningService> = {};
  try {
    for (const entry of CATALOG) {
      const port = options.ports === 'catalog' ? entry.port : await freePort();
      origins[entry.config.id] = `http://localhost:${port}`;
      if (options.services && !options.services.includes(entry.config.id)) continue;
      const credentials = await credentialsFor(ca, options.dataDir, entry, origins[entry.config.id]!);
      services[entry.config.id] = await startService({
        config: entry.config,
        dbPath: join(options.dataDir, `${entry.config.id}.sqlite`),
        port,
        ca: { url: ca.url, apiToken: credentials.apiToken, webhookSecret: credentials.webhookSecret },
      });
    }
  } catch (error) {
    await Promise.all(Object.values(services).map((s) => s.close()));
    await ca.close();
    throw error;
  }
  return {
    ca,
    services,
    origins,
    close: async () => {
      await Promise.all(Object.values(services).map((s) => s.close()));
      await ca.close();
    },
  };
}
