/**
 * `kyotsu host install | uninstall | status`, run as the CLI in a temporary HOME and a temporary root for
 * system paths — never the machine's real browser directories. The host's libpcsclite is pointed at a PC/SC
 * socket that does not exist, so `status` deterministically finds pcscd missing whatever runs here.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID, NATIVE_HOST_NAME } from '../../src/extension-ids.js';

const KYOTSU = resolve(import.meta.dirname, '../../bin/kyotsu.mjs');
let work = '';
let home = '';
let root = '';

function kyotsu(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [KYOTSU, 'host', ...args], {
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: '', XDG_DATA_HOME: '', PCSCLITE_CSOCK_NAME: join(work, 'no-pcscd.comm'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

const userManifest = {
  chrome: () => join(home, '.config', 'google-chrome', 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`),
  chromium: () => join(home, '.config', 'chromium', 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`),
  edge: () => join(home, '.config', 'microsoft-edge', 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`),
  firefox: () => join(home, '.mozilla', 'native-messaging-hosts', `${NATIVE_HOST_NAME}.json`),
};
const userLauncher = (): string => join(home, '.local', 'share', 'kyotsu', 'kyotsu-pcsc-host');
const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'kyotsu-host-cli-'));
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('kyotsu host', () => {
  it('install --user writes a manifest for every browser and an executable launcher, allowing only kyotsu', async () => {
    home = join(work, 'home-1');
    root = join(work, 'root-1');
    const result = await kyotsu(['install', '--root', root]);
    assert.equal(result.code, 0, result.stderr);
    const launcher = userLauncher();
    assert.ok(statSync(launcher).mode & 0o100, 'the launcher is executable');
    assert.match(readFileSync(launcher, 'utf8'), /exec '.*node.*' --import tsx bridge\/native-host\/main\.ts "\$@"/);
    for (const browser of ['chrome', 'chromium', 'edge'] as const) {
      assert.deepEqual(json(userManifest[browser]()), {
        name: NATIVE_HOST_NAME,
        description: 'kyotsu: smart-card readers (PC/SC) for the kyotsu browser extension',
        path: launcher,
        type: 'stdio',
        allowed_origins: [`chrome-extension://${CHROME_EXTENSION_ID}/`],
      });
    }
    const firefox = json(userManifest.firefox());
    assert.deepEqual(firefox.allowed_extensions, [FIREFOX_EXTENSION_ID]);
    assert.equal(firefox.path, launcher);
    assert.equal(existsSync(join(root, 'etc')), false, 'nothing system-wide');
  });

  it('status starts the installed host as a browser would and names exactly what is missing', async () => {
    const result = await kyotsu(['status', '--root', root]);
    assert.equal(result.code, 1, 'pcscd is missing, so not ready');
    for (const browser of ['chrome', 'chromium', 'edge', 'firefox']) {
      assert.match(result.stdout, new RegExp(`${browser}\\s+user\\s+installed: .* starts \\(host [^,]+, protocol 1\\)`));
      assert.match(result.stdout, new RegExp(`${browser}\\s+system not installed`));
    }
    assert.match(result.stdout, /Missing:\n {2}- pcscd is not running/);
    assert.doesNotMatch(result.stdout, /host not installed/);
  });

  it('status flags a manifest that allows another extension, and one whose launcher is gone', async () => {
    const chrome = userManifest.chrome();
    writeFileSync(chrome, JSON.stringify({ ...json(chrome), allowed_origins: ['chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/'] }));
    const firefox = userManifest.firefox();
    writeFileSync(firefox, JSON.stringify({ ...json(firefox), path: join(work, 'nowhere', 'kyotsu-pcsc-host') }));
    const result = await kyotsu(['status', '--user', '--browser', 'chrome', '--browser', 'firefox']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /chrome\s+user\s+BROKEN: .* does not allow kyotsu's extension ID \(chrome-extension:\/\/ldkpobnojehgmllgpafapffefphmbkgg\/ missing from "allowed_origins"\)/);
    assert.match(result.stdout, /firefox\s+user\s+BROKEN: .* points to .*nowhere\/kyotsu-pcsc-host, which does not exist/);
    assert.match(result.stdout, /host not installed for chrome, firefox/);
    // Installing again repairs both.
    assert.equal((await kyotsu(['install', '--browser', 'chrome', '--browser', 'firefox'])).code, 0);
    assert.doesNotMatch((await kyotsu(['status', '--user'])).stdout, /BROKEN/);
  });

  it('uninstall removes a browser’s manifest, and the launcher with the last one; status then says where it is missing', async () => {
    assert.equal((await kyotsu(['uninstall', '--browser', 'chromium'])).code, 0);
    assert.equal(existsSync(userManifest.chromium()), false);
    assert.equal(existsSync(userLauncher()), true, 'other browsers still use the launcher');
    assert.match((await kyotsu(['status', '--user', '--root', root])).stdout, /host not installed for chromium \(run: kyotsu host install --browser chromium\)/);
    assert.equal((await kyotsu(['uninstall'])).code, 0);
    for (const manifest of Object.values(userManifest)) assert.equal(existsSync(manifest()), false);
    assert.equal(existsSync(userLauncher()), false);
    assert.match((await kyotsu(['status', '--root', root])).stdout, /host not installed for chrome, chromium, edge, firefox \(run: kyotsu host install\)/);
  });

  it('install --system writes to the system directories (under --root) and the manifest names the final launcher path', async () => {
    home = join(work, 'home-2');
    root = join(work, 'root-2');
    const result = await kyotsu(['install', '--system', '--root', root, '--extension-id', 'bcdefghijklmnopabcdefghijklmnopa']);
    assert.equal(result.code, 0, result.stderr);
    const chrome = json(join(root, 'etc/opt/chrome/native-messaging-hosts', `${NATIVE_HOST_NAME}.json`));
    assert.equal(chrome.path, '/usr/local/lib/kyotsu/kyotsu-pcsc-host');
    assert.deepEqual(chrome.allowed_origins, [`chrome-extension://${CHROME_EXTENSION_ID}/`, 'chrome-extension://bcdefghijklmnopabcdefghijklmnopa/']);
    for (const dir of ['etc/chromium/native-messaging-hosts', 'etc/opt/edge/native-messaging-hosts', 'usr/lib/mozilla/native-messaging-hosts']) {
      assert.ok(existsSync(join(root, dir, `${NATIVE_HOST_NAME}.json`)), dir);
    }
    assert.ok(statSync(join(root, 'usr/local/lib/kyotsu/kyotsu-pcsc-host')).mode & 0o100);
    assert.equal(existsSync(join(home, '.config')), false, 'nothing per user');
    const status = await kyotsu(['status', '--system', '--root', root, '--browser', 'edge']);
    assert.match(status.stdout, /edge\s+system installed: .* starts/);
  });

  it('honours XDG_CONFIG_HOME for the Chrome family and refuses bad arguments with usage', async () => {
    home = join(work, 'home-3');
    const config = join(work, 'xdg-config');
    assert.equal((await kyotsu(['install', '--browser', 'chromium'], { XDG_CONFIG_HOME: config })).code, 0);
    assert.ok(existsSync(join(config, 'chromium', 'NativeMessagingHosts', `${NATIVE_HOST_NAME}.json`)));
    const bad = await kyotsu(['install', '--browser', 'safari']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown browser 'safari'/);
    assert.equal((await kyotsu(['install', '--extension-id', 'not-an-id'])).code, 2);
    assert.equal((await kyotsu(['install', '--user', '--system'])).code, 2);
  });
});
