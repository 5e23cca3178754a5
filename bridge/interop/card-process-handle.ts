/**
 * Parent side of bridge/interop/card-process.ts: starts the software card in its own process, collects
 * the APDU traces it reports, and stops it (SIGTERM to its pid, which removes the card from the reader).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';
import { type ApduTrace } from '../vpcd/redact.js';

/** One line of the card process's stdout. */
export type CardProcessEvent =
  | { readonly type: 'connected' }
  | { readonly type: 'apdu'; readonly trace: ApduTrace }
  | { readonly type: 'log'; readonly level: string; readonly message: string; readonly code: string | null }
  | { readonly type: 'mark'; readonly id: string };

const ENTRY = resolve(import.meta.dirname, 'card-process.ts');

/** A running card process. */
export interface CardProcess {
  /** Every APDU exchanged so far, in order. */
  readonly traces: readonly ApduTrace[];
  /** Log lines at info/warn/error so far (typed error code appended). */
  readonly logs: readonly string[];
  /** Resolves when every event the card emitted before this call has been received. */
  sync(): Promise<void>;
  /** Removes the card and ends the process; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts a fresh software card with `serial` served to vpcd on `port`; resolves once it is connected to vpcd. */
export async function startCardProcess(port: number, serial: number, timeoutMs = 15_000): Promise<CardProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', ENTRY, '--port', String(port), '--serial', String(serial)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const traces: ApduTrace[] = [];
  const logs: string[] = [];
  let stderr = '';
  const marks = new Map<string, () => void>();
  let connected: (() => void) | undefined;
  let markCount = 0;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as CardProcessEvent;
    switch (event.type) {
      case 'apdu':
        traces.push(event.trace);
        break;
      case 'log':
        logs.push(`${event.level}: ${event.message}${event.code ? ` [${event.code}]` : ''}`);
        break;
      case 'connected':
        connected?.();
        break;
      case 'mark':
        marks.get(event.id)?.();
        marks.delete(event.id);
        break;
    }
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the card process did not reach vpcd on port ${port} within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    connected = () => {
      clearTimeout(timer);
      done();
    };
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`the card process exited (${code}) before reaching vpcd\n${stderr}`));
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    await exited;
    throw error;
  });

  return {
    traces,
    logs,
    sync(): Promise<void> {
      const id = String(++markCount);
      const marked = new Promise<void>((done) => {
        marks.set(id, done);
        child.stdin.write(`mark ${id}\n`);
      });
      const died = exited.then((code) => {
        throw new Error(`the card process exited (${code})\n${stderr}`);
      });
      return Promise.race([marked, died]);
    },
    async stop(): Promise<number | null> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
