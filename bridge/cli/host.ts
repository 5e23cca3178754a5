/**
 * `kyotsu host …`: installs, removes and checks the native-messaging PC/SC host for Chrome, Chromium, Edge
 * and Firefox.
 *
 *   kyotsu host install   [--user | --system] [--browser B] [--extension-id ID]… [--log FILE] [--root DIR]
 *   kyotsu host uninstall [--user | --system] [--browser B] [--root DIR]
 *   kyotsu host status    [--user | --system] [--browser B] [--extension-id ID]… [--root DIR]
 *
 * `status` says exactly what stands between the extension and a card — host not installed (for which
 * browser), manifest broken, launcher not starting, pcscd not running, no reader, no card — and exits 1
 * when anything is missing.
 */
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { Context } from 'smartcard';
import { CHROME_EXTENSION_ID, CHROME_EXTENSION_ID_PATTERN, chromeExtensionOrigin, FIREFOX_EXTENSION_ID, NATIVE_HOST_NAME } from '../../src/extension-ids.js';
import { UsageError } from '../../src/cli-errors.js';
import { runCommandGroup } from '../../src/cli-group.js';
import { NativeHostClient } from '../native-host-client/client.js';
import { launcherScript } from '../native-host/install/launcher.js';
import {
  type Browser,
  BROWSERS,
  installPaths,
  type InstallPaths,
  launcherLocation,
  manifestFlavour,
  manifestPath,
  onMachine,
  type Scope,
} from '../native-host/install/locations.js';
import { hostManifest, manifestProblems } from '../native-host/install/manifest.js';
import { isServiceGone, readerSnapshot } from '../native-host/pcsc-readers.js';
import { openPipePort } from '../native-host/pipe-port.js';

const USAGE = `usage: kyotsu host <command> [options]

  install    write the native-messaging manifests and the launcher they point to
  uninstall  remove them
  status     check the manifests, start the host, and check pcscd, readers and card

  --user               per user, in your home directory (default for install/uninstall)
  --system             for every user (/etc/…, /usr/lib/mozilla/…; needs root)
                       status checks both unless one is given
  --browser B          chrome, chromium, edge, firefox or all (default all); may be repeated
  --extension-id ID    also allow this Chrome extension ID (e.g. an unpacked build without the manifest key);
                       may be repeated. kyotsu's own IDs are always allowed:
                       Chrome/Chromium/Edge ${CHROME_EXTENSION_ID}, Firefox ${FIREFOX_EXTENSION_ID}
  --log FILE           install: make the host log to FILE (default: the browser's stderr)
  --root DIR           prefix for system paths (staging a package, tests)`;

/** A file the installer cannot write (for example a system path without root). */
class InstallError extends Error {}

interface Options {
  readonly scopes: readonly Scope[];
  readonly browsers: readonly Browser[];
  readonly ids: { readonly chrome: readonly string[]; readonly firefox: readonly string[] };
  readonly paths: InstallPaths;
  readonly log: string | undefined;
}

function parse(args: readonly string[], defaultScopes: readonly Scope[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      user: { type: 'boolean', default: false },
      system: { type: 'boolean', default: false },
      browser: { type: 'string', multiple: true },
      'extension-id': { type: 'string', multiple: true },
      log: { type: 'string' },
      root: { type: 'string', default: '/' },
    },
    strict: true,
  });
  if (values.user && values.system) throw new UsageError('give --user or --system, not both');
  const scopes: readonly Scope[] = values.user ? ['user'] : values.system ? ['system'] : defaultScopes;
  const requested = values.browser ?? ['all'];
  const browsers = new Set<Browser>();
  for (const name of requested) {
    if (name === 'all') BROWSERS.forEach((browser) => browsers.add(browser));
    else if ((BROWSERS as readonly string[]).includes(name)) browsers.add(name as Browser);
    else throw new UsageError(`unknown browser '${name}' (chrome, chromium, edge, firefox or all)`);
  }
  const extra = values['extension-id'] ?? [];
  for (const id of extra) if (!CHROME_EXTENSION_ID_PATTERN.test(id)) throw new UsageError(`'${id}' is not a Chrome extension ID (32 letters a–p)`);
  if (values.log !== undefined && !values.log.startsWith('/')) throw new UsageError('--log needs an absolute path');
  if (!values.root.startsWith('/')) throw new UsageError('--root needs an absolute path');
  return {
    scopes,
    browsers: BROWSERS.filter((browser) => browsers.has(browser)),
    ids: { chrome: [CHROME_EXTENSION_ID, ...extra.filter((id) => id !== CHROME_EXTENSION_ID)], firefox: [FIREFOX_EXTENSION_ID] },
    paths: installPaths(process.env, values.root),
    log: values.log,
  };
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

/** Writes a file, explaining a permission failure for system paths. */
async function writeInstalled(path: string, text: string, mode: number): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, { mode });
    await chmod(path, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EACCES' || (error as NodeJS.ErrnoException).code === 'EPERM') {
      throw new InstallError(`cannot write ${path}: permission denied (system-wide installs need root: sudo kyotsu host install --system)`);
    }
    throw error;
  }
}

async function install(options: Options): Promise<number> {
  for (const scope of options.scopes) {
    const launcher = launcherLocation(scope, options.paths);
    await writeInstalled(launcher.file, launcherScript({ logFile: options.log }), 0o755);
    console.log(`launcher  ${launcher.file}`);
    for (const browser of options.browsers) {
      const file = manifestPath(browser, scope, options.paths);
      const manifest = hostManifest(manifestFlavour(browser), launcher.path, options.ids);
      await writeInstalled(file, `${JSON.stringify(manifest, null, 2)}\n`, 0o644);
      console.log(`${browser.padEnd(9)} ${file}`);
    }
  }
  console.log(`\nallowed: ${options.ids.chrome.map(chromeExtensionOrigin).join(', ')} (Chrome, Chromium, Edge); ${options.ids.firefox.join(', ')} (Firefox)`);
  console.log('Restart the browser if it was running; then `kyotsu host status` checks everything.');
  return 0;
}

async function uninstall(options: Options): Promise<number> {
  for (const scope of options.scopes) {
    for (const browser of options.browsers) {
      const file = manifestPath(browser, scope, options.paths);
      if (await exists(file)) {
        await rm(file);
        console.log(`removed   ${file}`);
      }
    }
    // The launcher goes with the last manifest of its scope.
    const remaining = await Promise.all(BROWSERS.map((browser) => exists(manifestPath(browser, scope, options.paths))));
    const launcher = launcherLocation(scope, options.paths);
    if (!remaining.includes(true) && (await exists(launcher.file))) {
      await rm(launcher.file);
      console.log(`removed   ${launcher.file}`);
    }
  }
  return 0;
}

/** One browser's manifest in one scope: missing, broken (why), or fine (pointing to which launcher). */
type ManifestState = { readonly kind: 'missing' } | { readonly kind: 'broken'; readonly problems: readonly string[] } | { readonly kind: 'ok'; readonly launcher: string };

async function checkManifest(browser: Browser, scope: Scope, options: Options): Promise<ManifestState> {
  const file = manifestPath(browser, scope, options.paths);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'broken', problems: [`cannot be read: ${(error as Error).message}`] };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'broken', problems: [`is not JSON: ${(error as Error).message}`] };
  }
  const problems = manifestProblems(json, manifestFlavour(browser), options.ids);
  const path = (json as { path?: unknown }).path;
  if (problems.length === 0 && typeof path === 'string') {
    const launcher = onMachine(path, scope, options.paths);
    try {
      const info = await stat(launcher);
      if (!info.isFile() || (info.mode & 0o111) === 0) problems.push(`points to ${launcher}, which is not an executable file`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      problems.push(`points to ${launcher}, which does not exist`);
    }
    if (problems.length === 0) return { kind: 'ok', launcher };
  }
  return { kind: 'broken', problems };
}

/** Starts the launcher as a browser would and says hello; returns a problem, or null when it answers. */
async function checkLauncher(launcher: string): Promise<{ problem: string | null; detail: string }> {
  const port = openPipePort({ command: [launcher], args: [chromeExtensionOrigin(CHROME_EXTENSION_ID)] });
  try {
    const client = await NativeHostClient.open(port, { requestTimeoutMs: 30_000 });
    const { hostVersion, protocolVersion } = client.hello;
    client.close();
    await port.exited;
    return { problem: null, detail: `starts (host ${hostVersion}, protocol ${protocolVersion})` };
  } catch (error) {
    port.disconnect();
    await port.exited;
    const log = port.stderr().trim().split('\n').slice(-3).join(' | ');
    const reason = error instanceof Error ? error.message : String(error);
    return { problem: `the host at ${launcher} does not start`, detail: `does not start: ${reason}${log ? ` — its stderr: ${log}` : ''}` };
  }
}

/** pcscd, readers and cards as this process sees them. */
function checkPcsc(): { problems: string[]; lines: string[] } {
  let context: InstanceType<typeof Context>;
  try {
    context = new Context();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { problems: ['pcscd is not running (start it: systemctl start pcscd.socket, or pcscd -f)'], lines: [`pcscd     not running (${message})`] };
  }
  try {
    const readers = context.listReaders().map(readerSnapshot);
    const lines = ['pcscd     running'];
    if (readers.length === 0) return { problems: ['no card reader (plug one in)'], lines: [...lines, 'readers   none'] };
    for (const { info } of readers) lines.push(`reader    ${info.name}: ${info.card === 'present' ? 'card present' : info.card === 'empty' ? 'no card' : `card ${info.card}`}`);
    const problems = readers.some(({ info }) => info.card === 'present') ? [] : ['no card in any reader (insert your card)'];
    return { problems, lines };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (isServiceGone(error)) return { problems: ['pcscd is not running'], lines: [`pcscd     not running (${message})`] };
    throw error;
  } finally {
    context.close();
  }
}

async function status(options: Options): Promise<number> {
  const missing: string[] = [];
  const launchers = new Map<string, { problem: string | null; detail: string }>();
  console.log(`native-messaging host ${NATIVE_HOST_NAME}`);
  const notInstalled: Browser[] = [];
  for (const browser of options.browsers) {
    let installed = false;
    for (const scope of options.scopes) {
      const file = manifestPath(browser, scope, options.paths);
      const state = await checkManifest(browser, scope, options);
      const label = `${browser.padEnd(9)} ${scope.padEnd(6)}`;
      if (state.kind === 'missing') {
        console.log(`${label} not installed (${file})`);
        continue;
      }
      if (state.kind === 'broken') {
        console.log(`${label} BROKEN: ${file} ${state.problems.join('; ')}`);
        missing.push(`${browser} (${scope}) manifest ${file} ${state.problems.join('; ')}: run kyotsu host install${scope === 'system' ? ' --system' : ''}`);
        continue;
      }
      installed = true;
      if (!launchers.has(state.launcher)) launchers.set(state.launcher, await checkLauncher(state.launcher));
      const launched = launchers.get(state.launcher)!;
      console.log(`${label} installed: ${file} → ${state.launcher} ${launched.detail}`);
    }
    if (!installed) notInstalled.push(browser);
  }
  if (notInstalled.length > 0) missing.push(`host not installed for ${notInstalled.join(', ')} (run: kyotsu host install${notInstalled.length < BROWSERS.length ? ` ${notInstalled.map((browser) => `--browser ${browser}`).join(' ')}` : ''})`);
  for (const { problem } of launchers.values()) if (problem) missing.push(problem);

  const pcsc = checkPcsc();
  console.log('\nPC/SC');
  for (const line of pcsc.lines) console.log(line);
  missing.push(...pcsc.problems);

  console.log(missing.length === 0 ? '\nReady: the extension can reach a card.' : `\nMissing:\n${missing.map((line) => `  - ${line}`).join('\n')}`);
  return missing.length === 0 ? 0 : 1;
}

/** Entry point of `kyotsu host`; returns the process exit code. */
export function run(args: readonly string[]): Promise<number> {
  return runCommandGroup(
    {
      name: 'host',
      usage: USAGE,
      commands: {
        install: (rest) => install(parse(rest, ['user'])),
        uninstall: (rest) => uninstall(parse(rest, ['user'])),
        status: (rest) => status(parse(rest, ['user', 'system'])),
      },
      isReportedError: (error): error is InstallError => error instanceof InstallError,
    },
    args,
  );
}
