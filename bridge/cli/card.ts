/**
 * `kyotsu card …`: the software PIV card on the command line.
 *
 *   kyotsu card serve  [--state FILE] [--reader N | --port P] [--host H] [--verbose]
 *   kyotsu card init   [--state FILE] [--serial N] [--force]
 *   kyotsu card status [--state FILE]
 *
 * `serve` inserts the card into vsmartcard's virtual PC/SC reader (vpcd) until SIGINT/SIGTERM, so every
 * PC/SC program (OpenSC, yubico-piv-tool, browsers' native hosts) sees an inserted PIV card. The state file
 * holds the card's private keys in clear (mode 0600): it is a test and demo card, not a vault. Do not run
 * `status` or a second `serve` on a state file that a running `serve` is using.
 */
import { X509Certificate } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../../src/cli-errors.js';
import { runCommandGroup } from '../../src/cli-group.js';
import { KyotsuError } from '../../src/errors.js';
import { Slot } from '../../src/piv/constants.js';
import { PivSession } from '../piv/session.js';
import { type SoftCardStore } from '../softcard/card-store.js';
import { FileCardStore } from '../softcard/file-store.js';
import { SoftPivCard } from '../softcard/soft-piv-card.js';
import { connectDirect } from '../transport/direct.js';
import { VpcdClient } from '../vpcd/client.js';
import { type VpcdLogLevel } from '../vpcd/log.js';
import { VPCD_DEFAULT_HOST, vpcdPort, vpcdReaderName } from '../vpcd/ports.js';

/** Where `--state` points when not given (data/ is git-ignored and lint-ignored). */
export const DEFAULT_STATE_FILE = 'data/card.json';

const USAGE = `usage: kyotsu card <command> [options]

  serve   insert the software PIV card into the virtual PC/SC reader (vsmartcard-vpcd) until killed
          --state FILE   card state file, created if missing (default ${DEFAULT_STATE_FILE})
          --reader N     vpcd reader number: port 35963+N, "Virtual PCD 00 0N" in PC/SC (default 0)
          --port P       vpcd TCP port (overrides --reader)
          --host H       vpcd host (default ${VPCD_DEFAULT_HOST})
          --verbose      log every APDU (PIN, PUK, keys and management key redacted)
  init    create a factory-fresh card (PIN 123456, PUK 12345678, default management key); prints its serial
          --state FILE   --serial N   --force (replace an existing card)
  status  show the card's serial, PIN tries left and certificates
          --state FILE`;

function integer(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > max) throw new UsageError(`--${name} must be a whole number from 0 to ${max}`);
  return Number(value);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function openCard(statePath: string, serial?: number): Promise<SoftPivCard> {
  await mkdir(dirname(statePath), { recursive: true });
  return SoftPivCard.create({ store: new FileCardStore(statePath), ...(serial === undefined ? {} : { serial }) });
}

/** Serves the card to vpcd until SIGINT or SIGTERM; then removes it (closes the socket) and returns 0. */
async function serve(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      state: { type: 'string', default: DEFAULT_STATE_FILE },
      reader: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string', default: VPCD_DEFAULT_HOST },
      verbose: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const reader = integer('reader', values.reader, 0xff) ?? 0;
  const port = integer('port', values.port, 0xffff) ?? vpcdPort(reader);
  const statePath = resolve(values.state);
  const card = await openCard(statePath);
  const verbose = values.verbose;
  const log = (level: VpcdLogLevel, message: string, error?: Error): void => {
    if (level === 'debug' && !verbose) return;
    const code = error instanceof KyotsuError ? ` [${error.code}]` : '';
    console.error(`kyotsu card: ${level === 'debug' ? '' : `${level}: `}${message}${code}`);
  };
  const client = new VpcdClient({ card, host: values.host, port, log });
  const where = values.port === undefined ? `reader ${reader} ("${vpcdReaderName(reader)}") at ${values.host}:${port}` : `${values.host}:${port}`;
  console.error(`kyotsu card: serving software PIV card ${card.serial} (state ${statePath}) to vpcd ${where}; Ctrl-C removes it`);

  const signal = await new Promise<NodeJS.Signals>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    client.start();
  });
  console.error(`kyotsu card: ${signal}: removing the card`);
  await client.stop();
  return 0;
}

/** Creates a factory-fresh card in the state file and prints its serial. */
async function init(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      state: { type: 'string', default: DEFAULT_STATE_FILE },
      serial: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const statePath = resolve(values.state);
  const serial = integer('serial', values.serial, 0xffffffff);
  if (!values.force && (await exists(statePath))) {
    console.error(`kyotsu card: ${statePath} already holds a card (use --force to replace it and its keys)`);
    return 1;
  }
  await mkdir(dirname(statePath), { recursive: true });
  const file = new FileCardStore(statePath);
  // A store that reads as empty makes a factory-fresh card, whose first save replaces the file atomically.
  const fresh: SoftCardStore = { load: () => Promise.resolve(undefined), save: (state) => file.save(state) };
  const card = await SoftPivCard.create({ store: fresh, ...(serial === undefined ? {} : { serial }) });
  console.log(String(card.serial));
  return 0;
}

const SLOTS: readonly [string, Slot][] = [
  ['9A PIV Authentication', Slot.AUTHENTICATION],
  ['9C Digital Signature', Slot.SIGNATURE],
  ['9D Key Management', Slot.KEY_MANAGEMENT],
  ['9E Card Authentication', Slot.CARD_AUTHENTICATION],
];

/** Prints serial, version, PIN tries and the certificates, read through the card's own APDUs. */
async function status(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { state: { type: 'string', default: DEFAULT_STATE_FILE } }, strict: true });
  const statePath = resolve(values.state);
  if (!(await exists(statePath))) {
    console.error(`kyotsu card: no card at ${statePath} (create one with: kyotsu card init --state ${values.state})`);
    return 1;
  }
  const connection = await connectDirect(await openCard(statePath));
  try {
    const session = await PivSession.open(connection);
    const version = await session.getVersion();
    const pin = await session.pinStatus();
    console.log(`state:    ${statePath}`);
    console.log(`serial:   ${(await session.getSerial()) ?? 'unknown'}`);
    console.log(`version:  ${version ? `${version.major}.${version.minor}.${version.patch}` : 'unknown'}`);
    console.log(`PIN:      ${pin.verified ? 'verified' : pin.retriesLeft === 0 ? 'blocked' : `${pin.retriesLeft} tries left`}`);
    for (const [name, slot] of SLOTS) {
      const der = await session.readCertificate(slot);
      const text = der === null ? 'no certificate' : describeCertificate(der);
      console.log(`${name.padEnd(23)} ${text}`);
    }
  } finally {
    await connection.close();
  }
  return 0;
}

function describeCertificate(der: Uint8Array): string {
  try {
    const certificate = new X509Certificate(der);
    return `${certificate.subject.replace(/\n/g, ', ')} (until ${certificate.validTo})`;
  } catch (error) {
    return `certificate that does not parse (${der.length} bytes: ${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Entry point of `kyotsu card`; returns the process exit code. */
export function run(args: readonly string[]): Promise<number> {
  return runCommandGroup({ name: 'card', usage: USAGE, commands: { serve, init, status } }, args);
}
