/**
 * A cross-process exclusive lock for tests that share one system resource (pcscd and its vpcd readers):
 * the util-linux `flock(1)` holds the lock for as long as its child reads our stdin, so the lock is
 * released when we release it or when this process dies — never left stale.
 */
import { spawn } from 'node:child_process';

/** Releases a held lock; idempotent. */
export type ReleaseLock = () => Promise<void>;

/** Waits up to `timeoutMs` for the exclusive lock on `path` (created if missing) and returns its release. */
export function acquireFileLock(path: string, timeoutMs: number): Promise<ReleaseLock> {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  const holder = spawn('flock', ['--exclusive', '--timeout', String(seconds), path, 'sh', '-c', 'echo locked && exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  holder.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => holder.on('close', (code) => resolve(code)));
  return new Promise<ReleaseLock>((resolve, reject) => {
    holder.on('error', (error) => reject(new Error(`cannot run flock(1) (util-linux) for the lock ${path}: ${error.message}`)));
    holder.stdout.once('data', () => {
      let released = false;
      resolve(async () => {
        if (!released) {
          released = true;
          holder.stdin.end();
        }
        await exited;
      });
    });
    void exited.then((code) => {
      // Resolving after success is a no-op; this only reports a lock that was never taken.
      reject(new Error(`could not take the lock ${path} within ${seconds} s (flock exit ${code}${stderr ? `: ${stderr.trim()}` : ''}); another test run holds it`));
    });
  });
}
