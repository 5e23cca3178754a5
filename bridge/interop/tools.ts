/**
 * Running the third-party tools the interoperability tests use (OpenSC, yubico-piv-tool, openssl, pcscd):
 * found on PATH or failing with the Debian package to install, run without a shell, bounded in time.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The Debian package that provides each tool (the list .ci/apt-packages.txt installs). */
export const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  pcscd: 'pcscd',
  'pkcs15-tool': 'opensc',
  'pkcs11-tool': 'opensc',
  'opensc-tool': 'opensc',
  'yubico-piv-tool': 'yubico-piv-tool',
  openssl: 'openssl',
  flock: 'util-linux',
};

/** Absolute path of `name` on PATH (plus /usr/sbin and /sbin, where pcscd lives), or `undefined`. */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'].filter(Boolean);
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'EACCES') throw error;
    }
  }
  return undefined;
}

/** Like `findTool`, but throws a message naming the package to install. */
export function requireTool(name: string): string {
  const path = findTool(name);
  if (path === undefined) {
    const pkg = TOOL_PACKAGES[name] ?? name;
    throw new Error(`${name} is not installed: apt-get install -y ${pkg} (every package the tests need is in .ci/apt-packages.txt)`);
  }
  return path;
}

/** Where Debian and others put OpenSC's PKCS#11 module (package opensc-pkcs11). */
const PKCS11_MODULE_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so',
  '/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so',
  '/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so',
  '/usr/lib/aarch64-linux-gnu/pkcs11/opensc-pkcs11.so',
  '/usr/lib64/opensc-pkcs11.so',
  '/usr/lib/opensc-pkcs11.so',
];

/** Path of OpenSC's PKCS#11 module; throws naming the package when it is missing. */
export function requireOpenscPkcs11Module(): string {
  const found = PKCS11_MODULE_CANDIDATES.find((path) => existsSync(path));
  if (found === undefined) throw new Error(`OpenSC's PKCS#11 module is not installed (looked in ${PKCS11_MODULE_CANDIDATES.join(', ')}): apt-get install -y opensc-pkcs11`);
  return found;
}

/** Outcome of one tool run. */
export interface ToolResult {
  /** Exit code; `null` when killed by a signal (for example at the timeout). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The command line, for failure messages. */
  readonly commandLine: string;
}

/** Options of `runTool`. */
export interface RunToolOptions {
  /** Kill the tool (SIGKILL, by its pid) after this many ms; default 60 000. */
  readonly timeoutMs?: number;
  readonly cwd?: string;
  /** Bytes for the tool's stdin (closed at once when absent). */
  readonly input?: string | Uint8Array;
}

/** Runs `tool` with `args` (no shell) and collects its output; never rejects for a non-zero exit. */
export function runTool(tool: string, args: readonly string[], options: RunToolOptions = {}): Promise<ToolResult> {
  const path = requireTool(tool);
  const commandLine = [tool, ...args.map((arg) => (/^[\w./:=@+-]+$/.test(arg) ? arg : `'${arg}'`))].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(path, [...args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${commandLine}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, commandLine });
    });
    child.stdin.end(options.input);
  });
}

/** Runs the tool and throws (with its output) unless it exits 0. */
export async function runToolOk(tool: string, args: readonly string[], options: RunToolOptions = {}): Promise<ToolResult> {
  const result = await runTool(tool, args, options);
  if (result.code !== 0) {
    throw new Error(`${result.commandLine} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`);
  }
  return result;
}
