/**
 * pcscd for the interoperability tests: uses the one already running, or starts `pcscd --foreground
 * --auto-exit` as a child (so even an orphan quits after 60 s without clients) and stops it afterwards.
 * Either way the vsmartcard-vpcd readers must be there, or the tests fail saying what to install.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CardErrorCode, isCardError } from '../../src/card-errors.js';
import { listPcscReaders } from '../pcsc/pcsc-connection.js';
import { vpcdReaderName } from '../vpcd/ports.js';
import { requireTool } from './tools.js';

/** A running pcscd with the vpcd readers; `stop` ends it only if this process started it. */
export interface PcscdHandle {
  /** True when this process started pcscd (and `stop` will end it). */
  readonly started: boolean;
  /** pcscd's own output so far (only when started here). */
  output(): string;
  stop(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reader names, or `undefined` while pcscd is not answering. */
function readersNow(): string[] | undefined {
  try {
    return listPcscReaders();
  } catch (error) {
    if (isCardError(error, CardErrorCode.TRANSPORT_REFUSED)) return undefined;
    throw error;
  }
}

/**
 * Makes sure pcscd runs and lists vpcd reader `reader` ("Virtual PCD 00 0N"), waiting up to `timeoutMs`.
 * Throws a message naming the missing package when pcscd or the vpcd driver is absent.
 */
export async function ensurePcscd(reader: number, timeoutMs = 15_000): Promise<PcscdHandle> {
  const wanted = vpcdReaderName(reader);
  const pcscd = requireTool('pcscd');
  let child: ChildProcess | undefined;
  let output = '';
  if (readersNow() === undefined) {
    child = spawn(pcscd, ['--foreground', '--auto-exit'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  }
  const exited = child ? new Promise<void>((resolve) => child.once('exit', () => resolve())) : Promise.resolve();
  let childGone = false;
  void exited.then(() => (childGone = true));

  const stop = async (): Promise<void> => {
    if (!child || childGone) return;
    child.kill('SIGTERM');
    const killTimer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killTimer);
  };

  const deadline = Date.now() + timeoutMs;
  let readers: string[] | undefined;
  while (Date.now() < deadline) {
    readers = readersNow();
    if (readers?.includes(wanted)) return { started: child !== undefined, output: () => output, stop };
    if (child && childGone) break;
    await sleep(100);
  }
  await stop();
  if (readers === undefined) {
    throw new Error(`pcscd did not come up within ${timeoutMs} ms${output ? `; its output:\n${output}` : ''}`);
  }
  throw new Error(
    `pcscd runs but has no reader '${wanted}' (it lists: ${readers.join(', ') || 'none'}): install vsmartcard-vpcd ` +
      `(/usr/lib/pcsc/drivers/serial/libifdvpcd.so with /etc/reader.conf.d/vpcd) and restart pcscd`,
  );
}
