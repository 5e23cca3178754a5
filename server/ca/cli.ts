/**
 * `kyotsu ca …`: operate the certificate authority.
 *
 *   init        create the CA key + self-signed certificate and the OCSP signer (sealed under the passphrase)
 *   serve       run the CA's HTTP server (API, /ca.crt, /crl, /ocsp) and webhook delivery
 *   service     add | list — register services (prints the API token and webhook secret once)
 *   issue       issue a certificate from a CSR file as the operator, for a named service
 *   invalidate  invalidate a certificate as the operator (webhooks are queued)
 *   status      the CA, its counts and pending webhooks; or one certificate with --serial
 *
 * The passphrase comes only from KYOTSU_CA_PASSPHRASE and is never printed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isUsageError, UsageError } from '../../src/cli-errors.js';
import { KyotsuError } from '../../src/errors.js';
import { parseCertificate } from '../../src/pki/certificate.js';
import { commonNameOf } from '../../src/pki/name.js';
import { fromPem, toPem } from '../../src/pki/pem.js';
import { isRevocationReason } from '../../src/pki/revocation-reason.js';
import { CertificateAuthority } from './authority.js';
import { parseHolder } from './holder.js';
import { initKeyStore, loadKeyStore, passphraseFromEnv, PASSPHRASE_ENV } from './keys/key-store.js';
import { registerService } from './service-registry.js';
import { startCa } from './start.js';
import { openStore } from './store/open-store.js';
import type { CaStore } from './store/types.js';

/** Where output goes and which environment is read (injectable for tests). */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** Resolves when the server should stop (default: SIGINT or SIGTERM). */
  readonly untilStopped?: () => Promise<void>;
  /** Called once `serve` listens, with its URL. */
  readonly onListening?: (url: string) => void;
}

const defaultIo: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line), env: process.env };

const USAGE = `usage: kyotsu ca <command> [options]

  init        [--dir DIR] [--name CN] [--organization O] [--curve P-384|P-256] [--validity-days N] [--ocsp-validity-days N]
  serve       [--dir DIR] [--database URL] [--host H] [--port N] [--public-url URL] [--validity-days N]
  service add --id ID --name NAME --origin URL [--origin URL…] [--portal] [--webhook URL] [--dir DIR] [--database URL]
  service list [--dir DIR] [--database URL]
  issue       --csr FILE --service ID --name NAME --email E --address A [--out FILE] [--public-url URL] [--dir DIR] [--database URL]
  invalidate  --serial HEX [--reason REASON] [--dir DIR] [--database URL]
  status      [--serial HEX] [--dir DIR] [--database URL]

  DIR defaults to $KYOTSU_CA_DIR or data/ca; the database to $KYOTSU_CA_DATABASE or sqlite:DIR/ca.sqlite.
  The key passphrase is read from $${PASSPHRASE_ENV} (never from the command line).`;

const COMMON = {
  dir: { type: 'string' },
  database: { type: 'string' },
} as const;

function dirOf(values: { dir?: string | undefined }, env: NodeJS.ProcessEnv): string {
  return values.dir ?? env.KYOTSU_CA_DIR ?? join('data', 'ca');
}

function databaseOf(values: { database?: string | undefined }, dir: string, env: NodeJS.ProcessEnv): string {
  return values.database ?? env.KYOTSU_CA_DATABASE ?? `sqlite:${join(dir, 'ca.sqlite')}`;
}

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`--${name} must be a positive integer`);
  return Number(value);
}

function required(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

async function withStore<T>(url: string, work: (store: CaStore) => Promise<T>): Promise<T> {
  const store = await openStore(url);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

async function init(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON,
      name: { type: 'string' },
      organization: { type: 'string' },
      curve: { type: 'string' },
      'validity-days': { type: 'string' },
      'ocsp-validity-days': { type: 'string' },
    },
    strict: true,
  });
  const curve = values.curve ?? 'P-384';
  if (curve !== 'P-384' && curve !== 'P-256') throw new UsageError('--curve must be P-384 or P-256');
  const dir = dirOf(values, io.env);
  const caValidityDays = positiveInteger(values['validity-days'], 'validity-days');
  const ocspValidityDays = positiveInteger(values['ocsp-validity-days'], 'ocsp-validity-days');
  const keys = await initKeyStore(dir, passphraseFromEnv(io.env), {
    curve,
    ...(values.name ? { commonName: values.name } : {}),
    ...(values.organization ? { organization: values.organization } : {}),
    ...(caValidityDays ? { caValidityDays } : {}),
    ...(ocspValidityDays ? { ocspValidityDays } : {}),
  });
  const fingerprint = Buffer.from(await crypto.subtle.digest('SHA-256', keys.caCertificateDer.slice())).toString('hex');
  io.out(`created CA key store in ${dir}`);
  io.out(`  subject      ${commonNameOf(keys.caCertificate.subject) ?? '?'} (ECDSA ${curve})`);
  io.out(`  valid until  ${keys.caCertificate.notAfter.value.toISOString()}`);
  io.out(`  SHA-256      ${fingerprint}`);
  io.out(`  certificate  ${join(dir, 'ca.crt')} (DER)`);
  return 0;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function serve(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...COMMON, host: { type: 'string' }, port: { type: 'string' }, 'public-url': { type: 'string' }, 'validity-days': { type: 'string' } },
    strict: true,
  });
  const dir = dirOf(values, io.env);
  const port = values.port === undefined ? 8440 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be 0–65535');
  const certificateValidityDays = positiveInteger(values['validity-days'], 'validity-days');
  const publicUrl = values['public-url'] ?? io.env.KYOTSU_CA_PUBLIC_URL;
  const ca = await startCa({
    store: databaseOf(values, dir, io.env),
    keyStore: { dir, passphrase: passphraseFromEnv(io.env) },
    listen: { host: values.host ?? '127.0.0.1', port },
    ...(publicUrl ? { publicUrl } : {}),
    ...(certificateValidityDays ? { certificateValidityDays } : {}),
  });
  io.out(`kyotsu CA listening on ${ca.url} (public URL ${ca.publicUrl}, ${ca.store.kind} store)`);
  io.onListening?.(ca.url);
  await (io.untilStopped ?? waitForSignal)();
  await ca.close();
  return 0;
}

async function service(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values } = parseArgs({ args: rest, options: COMMON, strict: true });
    const dir = dirOf(values, io.env);
    await withStore(databaseOf(values, dir, io.env), async (store) => {
      for (const entry of await store.listServices()) {
        io.out(`${entry.id}\t${entry.displayName}\t${entry.origins.join(',')}\t${entry.portal ? 'portal' : '-'}\t${entry.webhookUrl ?? '-'}`);
      }
    });
    return 0;
  }
  if (sub !== 'add') throw new UsageError('service needs add or list');
  const { values } = parseArgs({
    args: rest,
    options: { ...COMMON, id: { type: 'string' }, name: { type: 'string' }, origin: { type: 'string', multiple: true }, portal: { type: 'boolean' }, webhook: { type: 'string' } },
    strict: true,
  });
  const dir = dirOf(values, io.env);
  const credentials = await withStore(databaseOf(values, dir, io.env), (store) =>
    registerService(
      store,
      {
        id: required(values.id, 'id'),
        displayName: required(values.name, 'name'),
        origins: values.origin ?? [],
        portal: values.portal ?? false,
        webhookUrl: values.webhook ?? null,
      },
      'admin:cli',
    ),
  );
  io.out(`registered service ${values.id}; keep these, they are not shown again:`);
  io.out(`KYOTSU_CA_API_TOKEN=${credentials.apiToken}`);
  io.out(`KYOTSU_CA_WEBHOOK_SECRET=${credentials.webhookSecret}`);
  return 0;
}

async function readCsr(path: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(path));
  const text = new TextDecoder().decode(bytes);
  return text.includes('-----BEGIN') ? fromPem(text, 'CERTIFICATE REQUEST') : bytes;
}

async function issue(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON,
      csr: { type: 'string' },
      service: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      address: { type: 'string' },
      out: { type: 'string' },
      'public-url': { type: 'string' },
      'validity-days': { type: 'string' },
    },
    strict: true,
  });
  const dir = dirOf(values, io.env);
  const holder = parseHolder({ name: values.name, email: values.email, address: values.address ?? '' });
  const csrDer = await readCsr(required(values.csr, 'csr'));
  const keys = await loadKeyStore(dir, passphraseFromEnv(io.env));
  const validity = positiveInteger(values['validity-days'], 'validity-days');
  const issued = await withStore(databaseOf(values, dir, io.env), (store) => {
    const authority = new CertificateAuthority({
      store,
      keys,
      publicUrl: values['public-url'] ?? io.env.KYOTSU_CA_PUBLIC_URL ?? 'http://127.0.0.1:8440',
      ...(validity ? { certificateValidityDays: validity } : {}),
    });
    return authority.issue({ kind: 'admin', name: 'cli' }, { csrDer, holder, issuingService: required(values.service, 'service') });
  });
  const pem = toPem(issued.certificateDer, 'CERTIFICATE');
  if (values.out) await writeFile(values.out, pem);
  else io.out(pem.trimEnd());
  io.err(`issued certificate serial ${issued.serial} for ${holder.name}`);
  return 0;
}

async function invalidate(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { ...COMMON, serial: { type: 'string' }, reason: { type: 'string' } }, strict: true });
  const reason = values.reason ?? 'unspecified';
  if (!isRevocationReason(reason)) throw new UsageError(`--reason '${reason}' is not a revocation reason`);
  const dir = dirOf(values, io.env);
  const serial = CertificateAuthority.serial(required(values.serial, 'serial'));
  const keys = await loadKeyStore(dir, passphraseFromEnv(io.env));
  const result = await withStore(databaseOf(values, dir, io.env), (store) =>
    new CertificateAuthority({ store, keys, publicUrl: 'http://unused' }).invalidate({ kind: 'admin', name: 'cli' }, serial, reason),
  );
  io.out(
    result.changed
      ? `invalidated ${serial} (${reason}); webhooks are queued and sent by the running CA`
      : `${serial} was already invalidated at ${result.record.invalidatedAt?.toISOString() ?? '?'}`,
  );
  return 0;
}

async function status(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { ...COMMON, serial: { type: 'string' } }, strict: true });
  const dir = dirOf(values, io.env);
  return withStore(databaseOf(values, dir, io.env), async (store) => {
    if (values.serial !== undefined) {
      const serial = CertificateAuthority.serial(values.serial);
      const record = await store.getCertificate(serial);
      if (!record) {
        io.err(`no certificate with serial ${serial}`);
        return 1;
      }
      io.out(`serial       ${record.serial}`);
      io.out(`holder       ${record.holderName} <${record.holderEmail}>`);
      io.out(`status       ${record.status}${record.invalidatedAt ? ` since ${record.invalidatedAt.toISOString()} (${record.invalidationReason ?? 'unspecified'})` : ''}`);
      io.out(`valid        ${record.notBefore.toISOString()} – ${record.notAfter.toISOString()}`);
      io.out(`issued by    ${record.issuedBy} at ${record.issuedAt.toISOString()}`);
      io.out(`services     ${(await store.listAvailableServices(serial))?.join(', ') || '(none)'}`);
      return 0;
    }
    const der = new Uint8Array(await readFile(join(dir, 'ca.crt')));
    const certificate = parseCertificate(der);
    const counts = await store.countCertificates();
    const pending = (await store.listDeliveries()).filter((delivery) => delivery.deliveredAt === null);
    io.out(`CA           ${commonNameOf(certificate.subject) ?? '?'} (${dir})`);
    io.out(`valid until  ${certificate.notAfter.value.toISOString()}`);
    io.out(`store        ${store.kind}`);
    io.out(`certificates ${counts.valid} valid, ${counts.invalidated} invalidated`);
    io.out(`services     ${(await store.listServices()).length}`);
    io.out(`webhooks     ${pending.length} pending`);
    return 0;
  });
}

const COMMANDS: Readonly<Record<string, (args: string[], io: CliIo) => Promise<number>>> = { init, serve, service, issue, invalidate, status };

/** Runs `kyotsu ca <command> …`; returns the exit code (0 ok, 1 failure, 2 usage). */
export async function run(args: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    io.err(`kyotsu ca: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await handler(rest, io);
  } catch (error) {
    if (isUsageError(error)) {
      io.err(`kyotsu ca ${command}: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof KyotsuError) {
      io.err(`kyotsu ca ${command}: ${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

