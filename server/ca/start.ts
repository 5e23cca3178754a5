/**
 * `startCa(...)`: the programmatic way to run the CA (tests, the demo launcher, `kyotsu ca serve`).
 * It opens the store and keys, starts the HTTP server and the webhook dispatcher, and returns a handle
 * with `registerService` — the one admin path for registering services besides `kyotsu ca service add`.
 */
import type { AddressInfo } from 'node:net';
import { CertificateAuthority } from './authority.js';
import { buildCaApp } from './http/app.js';
import { loadKeyStore, type CaKeys } from './keys/key-store.js';
import { registerService, type ServiceCredentials, type ServiceRegistration } from './service-registry.js';
import { openStore } from './store/open-store.js';
import type { CaStore } from './store/types.js';
import { WebhookDispatcher, type DispatcherOptions } from './webhooks/dispatcher.js';

/** Options of {@link startCa}. */
export interface StartCaOptions {
  /** A store, or a URL for {@link openStore} (`sqlite:path`, a path, or `postgres://…`). A URL-opened store is closed by `close()`. */
  readonly store: CaStore | string;
  /** Ready keys (tests), or … */
  readonly keys?: CaKeys;
  /** … a key store directory and its passphrase (usually from KYOTSU_CA_PASSPHRASE). */
  readonly keyStore?: { readonly dir: string; readonly passphrase: string };
  /** Base URL put into certificates (AIA/CRL DP); default the listening URL. */
  readonly publicUrl?: string;
  /** Where to listen; default 127.0.0.1 and an ephemeral port. */
  readonly listen?: { readonly host?: string; readonly port?: number };
  readonly certificateValidityDays?: number;
  readonly crlValiditySeconds?: number;
  readonly ocspValiditySeconds?: number;
  /** Request body limit in bytes; default 64 KiB. */
  readonly bodyLimit?: number;
  /** Webhook dispatcher tuning; `false` disables it (deliveries stay queued). */
  readonly webhooks?: DispatcherOptions | false;
  readonly clock?: () => Date;
  /** Server-side error log; default console.error. */
  readonly logError?: (error: unknown) => void;
}

/** A running CA. */
export interface RunningCa {
  /** Where it listens, e.g. `http://127.0.0.1:43567`. */
  readonly url: string;
  /** The base URL in issued certificates. */
  readonly publicUrl: string;
  /** DER of the CA certificate (the trust anchor for relying parties). */
  readonly caCertificate: Uint8Array;
  readonly authority: CertificateAuthority;
  readonly store: CaStore;
  /** Registers a service; returns its API token and webhook secret (shown only here). */
  registerService(registration: ServiceRegistration): Promise<ServiceCredentials>;
  /** Stops HTTP and webhooks; closes the store if `startCa` opened it. */
  close(): Promise<void>;
}

/** Starts the CA. */
export async function startCa(options: StartCaOptions): Promise<RunningCa> {
  let keys = options.keys;
  if (!keys) {
    if (!options.keyStore) throw new TypeError('startCa needs keys or keyStore');
    keys = await loadKeyStore(options.keyStore.dir, options.keyStore.passphrase);
  }
  const ownsStore = typeof options.store === 'string';
  const store = typeof options.store === 'string' ? await openStore(options.store) : options.store;
  const dispatcher = options.webhooks === false ? undefined : new WebhookDispatcher(store, { ...options.webhooks, ...(options.clock ? { clock: options.clock } : {}) });

  // The public URL may depend on the port, known only after listen: the authority reads it lazily.
  let publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? '';
  const authority = new CertificateAuthority({
    store,
    keys,
    publicUrl: () => publicUrl,
    ...(options.certificateValidityDays !== undefined ? { certificateValidityDays: options.certificateValidityDays } : {}),
    ...(options.crlValiditySeconds !== undefined ? { crlValiditySeconds: options.crlValiditySeconds } : {}),
    ...(options.ocspValiditySeconds !== undefined ? { ocspValiditySeconds: options.ocspValiditySeconds } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    onInvalidated: () => dispatcher?.kick(),
  });
  const app = buildCaApp(authority, {
    ...(options.bodyLimit !== undefined ? { bodyLimit: options.bodyLimit } : {}),
    ...(options.logError ? { logError: options.logError } : {}),
  });
  try {
    await app.listen({ host: options.listen?.host ?? '127.0.0.1', port: options.listen?.port ?? 0 });
  } catch (error) {
    await dispatcher?.stop();
    if (ownsStore) await store.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host}:${address.port}`;
  if (!publicUrl) publicUrl = url;
  dispatcher?.start();

  return {
    url,
    publicUrl,
    caCertificate: keys.caCertificateDer,
    authority,
    store,
    registerService: (registration) => registerService(store, registration, 'admin:api'),
    async close() {
      await app.close();
      await dispatcher?.stop();
      if (ownsStore) await store.close();
    },
  };
}
