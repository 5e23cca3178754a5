/**
 * `runtime.connectNative` for Node: starts the host program as a browser would (a child process speaking
 * native messaging on its stdin/stdout) and gives a `runtime.Port`-like object over it, so the client, the
 * tests and the benchmark use the real host exactly as the extension does. `writeRaw` sends bytes the
 * browser never would (broken framing, oversized messages) to test the host's defences.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { MAX_HOST_MESSAGE_BYTES } from '../../src/native-host-protocol.js';
import { type NativePort } from '../native-host-client/port.js';
import { encodeNativeMessage, NativeMessageReader } from './framing.js';

/** The host program's entry. */
export const HOST_ENTRY = resolve(import.meta.dirname, 'main.ts');

/** A port to a host process. */
export interface PipePort extends NativePort {
  /** The host's process id. */
  readonly pid: number;
  /** Writes bytes to the host's stdin as they are. */
  writeRaw(bytes: Uint8Array): void;
  /** What the host wrote to stderr so far (its log, unless KYOTSU_HOST_LOG points elsewhere). */
  stderr(): string;
  /** Resolves with the exit code once the host process has ended. */
  readonly exited: Promise<number | null>;
}

/** Options for starting the host. */
export interface PipePortOptions {
  /** Extra environment (e.g. KYOTSU_HOST_LOG_LEVEL=debug). */
  readonly env?: NodeJS.ProcessEnv;
  /** The command to run instead of `node --import tsx main.ts` (e.g. an installed launcher). */
  readonly command?: readonly string[];
  /** Arguments a browser passes (Chrome: the caller's origin). */
  readonly args?: readonly string[];
}

/** Starts a host process and returns a port to it, as `runtime.connectNative` does. */
export function openPipePort(options: PipePortOptions = {}): PipePort {
  const [command, ...commandArgs] = options.command ?? [process.execPath, '--import', 'tsx', HOST_ENTRY];
  if (command === undefined) throw new Error('empty host command');
  const child: ChildProcessWithoutNullStreams = spawn(command, [...commandArgs, ...(options.args ?? ['chrome-extension://test/'])], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const messageListeners: ((message: unknown) => void)[] = [];
  const disconnectListeners: ((port: NativePort) => void)[] = [];
  let stderr = '';
  let error: { message: string } | null = null;
  let disconnected = false;
  const reader = new NativeMessageReader(MAX_HOST_MESSAGE_BYTES);

  const port: PipePort = {
    pid: child.pid ?? -1,
    get error() {
      return error;
    },
    onMessage: { addListener: (listener) => void messageListeners.push(listener) },
    onDisconnect: { addListener: (listener) => void disconnectListeners.push(listener) },
    postMessage(message: unknown): void {
      // Like a browser port: posting on a closed port throws.
      if (disconnected) throw new Error('Attempting to use a disconnected port object');
      child.stdin.write(encodeNativeMessage(message));
    },
    writeRaw(bytes: Uint8Array): void {
      child.stdin.write(bytes);
    },
    disconnect(): void {
      // The browser closes the host's stdin; the host releases its cards and exits.
      disconnected = true;
      child.stdin.end();
    },
    stderr: () => stderr,
    exited: new Promise((done) => child.once('exit', (code) => done(code))),
  };

  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    for (const frame of reader.push(chunk)) {
      if (frame.kind === 'oversized') {
        // Chrome closes the port when a host sends more than 1 MB.
        error = { message: `Native host sent a ${frame.length}-byte message` };
        child.kill('SIGTERM');
        continue;
      }
      const message: unknown = JSON.parse(new TextDecoder().decode(frame.body));
      for (const listener of messageListeners) listener(message);
    }
  });
  // EPIPE after the host exited: the exit below reports the disconnect; keep the words for diagnosis.
  child.stdin.on('error', (writeError) => (stderr += `[stdin: ${writeError.message}]\n`));
  child.once('exit', (code, signal) => {
    const wasDisconnected = disconnected;
    disconnected = true;
    // A port the extension closed itself fires no onDisconnect (as in browsers).
    if (wasDisconnected) return;
    error ??= { message: `Native host has exited (${signal ?? `code ${code}`}).` };
    for (const listener of disconnectListeners) listener(port);
  });
  child.once('error', (spawnError) => {
    error = { message: `Failed to start native messaging host (${spawnError.message}).` };
  });
  return port;
}
