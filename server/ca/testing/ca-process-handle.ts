/**
 * Starts testing/ca-process.ts as a child process and waits for it to listen. The child runs as
 * `node --import tsx ca-process.ts` — what `npx tsx` does, minus its wrapper processes — so that a
 * SIGKILL reaches the CA process itself rather than a launcher.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ENTRY = join(import.meta.dirname, 'ca-process.ts');

/** A CA running in a child process. */
export interface CaProcess {
  readonly process: ChildProcess;
  readonly url: string;
  /** Resolves with the signal or exit code once the child is gone. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** What the child wrote to stderr so far (for failure messages). */
  readonly stderr: () => string;
  /** SIGTERM (a clean stop) unless it already exited; resolves once it has. */
  stop(): Promise<void>;
}

/** Spawns the CA with `env` (KYOTSU_CA_DIR, KYOTSU_CA_PASSPHRASE, KYOTSU_CA_STORE) and waits for `READY`. */
export async function startCaProcess(env: Record<string, string>): Promise<CaProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = /^READY (\S+)$/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then((status) => reject(new Error(`CA process exited (${String(status)}) before it was ready:\n${stderr}`)));
  });
  return {
    process: child,
    url,
    exited,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
