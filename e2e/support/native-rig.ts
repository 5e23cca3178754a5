/**
 * The PC/SC side of the native-host browser tests: the cross-process pcscd lock every pcscd test takes,
 * pcscd with the vsmartcard vpcd readers, the software PIV card served into reader 1 as a vpcd client from
 * this process (so its own operation log is at hand), and a HOME of the test's own where the real
 * `kyotsu host install --user` writes the launcher and the host manifests the browsers started with that
 * HOME find:
 * - Firefox: `$HOME/.mozilla/native-messaging-hosts`;
 * - Chromium: `$HOME/.config/chromium/NativeMessagingHosts` — which Chromium on Linux reads as
 *   `<user-data-dir>/NativeMessagingHosts`, so the test's Chromium runs with `--user-data-dir` there
 *   (`chromiumProfile`), as a holder's Chromium with its default profile does.
 * Only the host processes the browsers start call PC/SC; the card never shares a process with them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { acquireFileLock, type ReleaseLock } from '../../bridge/interop/file-lock.js';
import { ensurePcscd, type PcscdHandle } from '../../bridge/interop/pcscd.js';
import { requireTool } from '../../bridge/interop/tools.js';
import { type CardRig, createCardRig, segmentCardLog } from '../../bridge/native-host/card-rig.js';
import { vpcdPort, vpcdReaderName } from '../../bridge/vpcd/ports.js';

/** Reader 1, as the other pcscd tests use, leaving reader 0 to a developer's `kyotsu card serve`. */
export const NATIVE_READER = 1;
/** The name PC/SC gives that reader. */
export const NATIVE_READER_NAME = vpcdReaderName(NATIVE_READER);
const PCSC_LOCK = join(tmpdir(), 'kyotsu-pcsc.lock');
const KYOTSU = resolve(import.meta.dirname, '../../bin/kyotsu.mjs');

/** pcscd, the card in the vpcd reader, and the HOME holding the installed host. */
export interface NativeRig {
  /** The card in the reader (its log, its certificates). */
  readonly card: CardRig;
  /** The HOME to start browsers with. */
  readonly home: string;
  /** The Chromium profile under that HOME whose NativeMessagingHosts holds the manifest. */
  readonly chromiumProfile: string;
  /** What the host processes logged (`--log`; every host the browsers started appends to it). */
  hostLog(): Promise<string>;
  /** Stops pcscd and starts it again, under the running hosts (only a pcscd this rig started). */
  restartPcscd(): Promise<void>;
  /** Removes the card, stops the pcscd this rig started, releases the lock, removes the HOME. */
  close(): Promise<void>;
}

/** Takes the pcscd lock, makes sure pcscd runs, inserts a fresh card, and installs the host for `browsers`. */
export async function startNativeRig(browsers: readonly ('chromium' | 'firefox')[]): Promise<NativeRig> {
  for (const tool of ['pcscd', 'flock']) requireTool(tool);
  const release: ReleaseLock = await acquireFileLock(PCSC_LOCK, 5 * 60_000);
  let pcscd: PcscdHandle | undefined;
  let card: CardRig | undefined;
  let home: string | undefined;
  const close = async (): Promise<void> => {
    await card?.remove();
    await pcscd?.stop();
    await release();
    if (home) await rm(home, { recursive: true, force: true });
  };
  try {
    pcscd = await ensurePcscd(NATIVE_READER);
    card = await createCardRig(vpcdPort(NATIVE_READER), 8_000_000 + Math.floor(Math.random() * 1_000_000));
    await card.insert();
    home = await mkdtemp(join(tmpdir(), 'kyotsu-native-home-'));
    const log = join(home, 'host.log');
    // The real installer, as a holder runs it: per user, under this HOME.
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.XDG_CONFIG_HOME;
    delete env.XDG_DATA_HOME;
    await promisify(execFile)(process.execPath, [KYOTSU, 'host', 'install', '--user', ...browsers.flatMap((browser) => ['--browser', browser]), '--log', log], { env });
    const rigHome = home;
    const rigCard = card;
    return {
      card: rigCard,
      home: rigHome,
      chromiumProfile: join(rigHome, '.config', 'chromium'),
      hostLog: () => readFile(log, 'utf8').catch(() => '(no host log)'),
      async restartPcscd() {
        if (!pcscd?.started) throw new Error('pcscd was already running when this test began, so it may not restart it: stop it (systemctl stop pcscd.socket pcscd) and run again');
        await pcscd.stop();
        pcscd = await ensurePcscd(NATIVE_READER);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The GENERAL AUTHENTICATE instruction (SP 800-73-4 part 2, 3.2.4): one per login. */
const INS_GENERAL_AUTHENTICATE = 0x87;
/** VERIFY (SP 800-73-4 part 2, 3.2.1). */
const INS_VERIFY = 0x20;

/**
 * Checks the card's own log since `since` (an index into it) for overlapping card operations: cut at every
 * power-on or reset (each PC/SC transaction of the host ends with one), every piece that signs must be one
 * whole login — a single GENERAL AUTHENTICATE, every status word a success (but the PIN-tries query's). Returns the
 * logins it saw (when each one's first and last APDU started and ended, on the card's clock in ms), or
 * throws saying which piece mixed operations.
 */
export function loginsWithoutOverlap(card: CardRig, since: number): { start: number; end: number }[] {
  const segments = segmentCardLog(card.card.log.slice(since), card.powerOns);
  const logins: { start: number; end: number }[] = [];
  for (const segment of segments) {
    const ins = segment.entries.map((entry) => entry.ins.toString(16).padStart(2, '0').toUpperCase()).join(' ');
    const signs = segment.entries.filter((entry) => entry.ins === INS_GENERAL_AUTHENTICATE).length;
    if (signs === 0) continue;
    if (signs !== 1) throw new Error(`two logins in one card session (they overlapped): ${ins}`);
    // VERIFY without data asks how many PIN tries are left (SP 800-73-4 part 2, 3.2.1): 63Cx is its answer.
    const failed = segment.entries.filter((entry) => entry.sw !== 0x9000 && entry.sw >>> 8 !== 0x61 && !(entry.ins === INS_VERIFY && entry.sw >>> 4 === 0x63c));
    if (failed.length > 0) throw new Error(`a login whose APDUs failed (${failed.map((entry) => entry.sw.toString(16)).join(', ')}): ${ins}`);
    logins.push({ start: segment.entries[0]!.startedAt, end: segment.entries[segment.entries.length - 1]!.endedAt });
  }
  return logins;
}
