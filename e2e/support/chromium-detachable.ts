/**
 * Chromium with the extension, driven by Playwright over a DevTools port the test can let go of.
 *
 * Why: Playwright attaches to every target, the extension's service worker included, and Chromium never
 * stops a worker that DevTools is attached to — under `launchChromium` the MV3 idle timeout (30 s) simply
 * does not exist (checked: an idle worker there lives for the whole run; here it is gone after ~30 s).
 * So this launcher starts Chromium itself with `--remote-debugging-port=0`, lets Playwright `connect()`
 * (connectOverCDP) and `disconnect()` (which only closes the DevTools connection: Chromium, its windows and
 * the extension keep running with nothing attached), and watches the worker meanwhile through the DevTools
 * HTTP endpoint (`/json/list` lists targets without attaching to them).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Worker } from 'playwright-core';
import { CHROME_TEST_BUILD, type ChromiumWithExtension, QUIET_FLAGS } from './chromium.js';

/** A DevTools target as `/json/list` reports it. */
interface ListedTarget {
  readonly id: string;
  readonly type: string;
  readonly url: string;
}

/** A running Chromium that Playwright can attach to and detach from. */
export interface DetachableChromium {
  readonly extensionId: string;
  /** Attaches Playwright (to every target, the worker included, while connected). */
  connect(): Promise<ChromiumWithExtension>;
  /** Detaches Playwright: from now on no DevTools client is attached to anything. */
  disconnect(): Promise<void>;
  /** The extension's running service worker targets (ids), seen without attaching. Empty: the worker is stopped. */
  workerTargets(): Promise<string[]>;
  close(): Promise<void>;
}

async function devToolsPort(profile: string, child: ChildProcess): Promise<number> {
  for (let waited = 0; waited < 15_000; waited += 50) {
    if (child.exitCode !== null) throw new Error(`Chromium exited (${child.exitCode}) before opening its DevTools port`);
    try {
      const [port] = readFileSync(join(profile, 'DevToolsActivePort'), 'utf8').split('\n');
      if (port && /^\d+$/.test(port)) return Number(port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('Chromium opened no DevTools port within 15 s');
}

/**
 * Waits until no process of the group `pid` leads is left (Chromium's helpers outlive the browser for a
 * moment); after 10 s the stragglers are killed, after 15 s it gives up.
 */
async function groupGone(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  const alive = (): boolean => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw error;
    }
  };
  for (let waited = 0; alive(); waited += 100) {
    if (waited === 10_000) process.kill(-pid, 'SIGKILL');
    if (waited === 15_000) throw new Error(`Chromium's processes (group ${pid}) did not exit`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Launches headless Chromium with the extension at `extensionDir`, not yet attached to anything. */
export async function launchDetachableChromium(extensionDir = CHROME_TEST_BUILD): Promise<DetachableChromium> {
  const profile = mkdtempSync(join(tmpdir(), 'kyotsu-chromium-'));
  const child = spawn(
    '/usr/bin/chromium',
    ['--headless', '--remote-debugging-port=0', `--user-data-dir=${profile}`, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`, '--no-sandbox', ...QUIET_FLAGS, 'about:blank'],
    // Its own process group: closing ends the browser AND its helper processes, which otherwise go on
    // writing into the profile after the browser has exited (seen: ENOTEMPTY removing it).
    { stdio: 'ignore', detached: true },
  );
  const port = await devToolsPort(profile, child);
  const list = async (): Promise<ListedTarget[]> => (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as ListedTarget[];

  let extensionId = '';
  for (let waited = 0; !extensionId; waited += 100) {
    const worker = (await list()).find((target) => target.type === 'service_worker' && target.url.startsWith('chrome-extension://'));
    if (worker) extensionId = new URL(worker.url).host;
    else if (waited > 15_000) throw new Error('the extension started no service worker within 15 s');
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const workerUrl = `chrome-extension://${extensionId}/`;
  let connected: Browser | null = null;

  return {
    extensionId,
    async connect() {
      const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
      connected = browser;
      const context = browser.contexts()[0];
      if (!context) throw new Error('Chromium has no default context');
      return {
        context,
        extensionId,
        // The worker may be stopped while connected (it starts again on the next extension event).
        get worker(): Worker {
          const worker = context.serviceWorkers().find((w) => w.url().startsWith(workerUrl));
          if (!worker) throw new Error('the extension service worker is not running');
          return worker;
        },
        close: () => browser.close(),
      };
    },
    async disconnect() {
      await connected?.close();
      connected = null;
    },
    async workerTargets() {
      return (await list()).filter((target) => target.type === 'service_worker' && target.url.startsWith(workerUrl)).map((target) => target.id);
    },
    async close() {
      await connected?.close().catch(() => undefined);
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill();
        await exited;
      }
      await groupGone(child.pid);
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    },
  };
}
