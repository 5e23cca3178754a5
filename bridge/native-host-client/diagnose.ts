/**
 * "Why can't kyotsu see my card?" — the most common support question of browser–card bridges, answered
 * in one call: is the native host installed for this browser, does it start, is pcscd running, is there a
 * reader, is there a card. The extension's options page shows `problem` (localised) and `readers`.
 */
import { KyotsuError } from '../../src/errors.js';
import { NativeHostErrorCode } from '../../src/native-host-errors.js';
import { type ReaderInfo } from '../../src/native-host-protocol.js';
import { NativeHostClient, type NativeHostClientOptions } from './client.js';
import { type NativePort } from './port.js';

/** What is missing, first thing first; null when a card is ready. */
export type NativeSetupProblem =
  /** No native-messaging manifest for this browser: `kyotsu host install`. */
  | 'host-not-installed'
  /** A manifest exists but does not list this extension's ID: `kyotsu host install` again. */
  | 'host-forbidden'
  /** The host was found but failed to start or answer (see the browser's log for its stderr). */
  | 'host-failed'
  /** Host and extension speak different protocol versions: update the older one. */
  | 'protocol-mismatch'
  /** The PC/SC service is not running (pcscd). */
  | 'pcscd-not-running'
  /** PC/SC runs but sees no reader. */
  | 'no-reader'
  /** Readers, but none holds a card. */
  | 'no-card';

/** The outcome of a check. */
export interface NativeSetupReport {
  readonly problem: NativeSetupProblem | null;
  /** One English sentence for logs and the CLI; the UI localises `problem`. */
  readonly message: string;
  readonly hostVersion: string | null;
  readonly readers: readonly ReaderInfo[];
}

function failure(problem: NativeSetupProblem, message: string): NativeSetupReport {
  return { problem, message, hostVersion: null, readers: [] };
}

/** What a failed `open` means for the user. */
function problemOf(error: unknown): NativeSetupReport {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof KyotsuError)) return failure('host-failed', message);
  switch (error.code) {
    case NativeHostErrorCode.HOST_NOT_FOUND:
      return failure('host-not-installed', message);
    case NativeHostErrorCode.HOST_FORBIDDEN:
      return failure('host-forbidden', message);
    case NativeHostErrorCode.PROTOCOL_MISMATCH:
      return failure('protocol-mismatch', message);
    default:
      return failure('host-failed', message);
  }
}

/** Checks the whole path to a card through an already open client. */
export async function diagnoseClient(client: NativeHostClient): Promise<NativeSetupReport> {
  const hostVersion = client.hello.hostVersion;
  let readers: readonly ReaderInfo[];
  try {
    readers = await client.listReaders();
  } catch (error) {
    if (error instanceof KyotsuError && error.code === NativeHostErrorCode.PCSC_UNAVAILABLE) {
      return { problem: 'pcscd-not-running', message: error.message, hostVersion, readers: [] };
    }
    throw error;
  }
  if (readers.length === 0) return { problem: 'no-reader', message: 'PC/SC runs but sees no card reader: plug one in', hostVersion, readers };
  if (!readers.some((reader) => reader.card === 'present')) {
    return { problem: 'no-card', message: `No card in ${readers.map((reader) => `'${reader.name}'`).join(', ')}: insert your card`, hostVersion, readers };
  }
  return { problem: null, message: 'A card is ready', hostVersion, readers };
}

/** Opens a port with `connect` (e.g. `() => browser.runtime.connectNative(NATIVE_HOST_NAME)`), checks, and closes it. */
export async function diagnoseNativeHost(connect: () => NativePort, options: NativeHostClientOptions = {}): Promise<NativeSetupReport> {
  let client: NativeHostClient;
  try {
    client = await NativeHostClient.open(connect(), options);
  } catch (error) {
    return problemOf(error);
  }
  try {
    return await diagnoseClient(client);
  } finally {
    client.close();
  }
}
