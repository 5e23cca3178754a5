/**
 * Where browsers on Linux look for native-messaging host manifests, per user and system-wide, and where
 * `kyotsu host install` puts the launcher the manifests point to.
 *
 * Chrome: developer.chrome.com/docs/extensions/develop/concepts/native-messaging#native-messaging-host-location
 * (Chromium and Edge follow the same scheme under their own names); Firefox:
 * developer.mozilla.org/docs/Mozilla/Add-ons/WebExtensions/Native_manifests#linux.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NATIVE_HOST_NAME } from '../../../src/extension-ids.js';

/** Browsers kyotsu installs the host for. */
export const BROWSERS = ['chrome', 'chromium', 'edge', 'firefox'] as const;
export type Browser = (typeof BROWSERS)[number];

/** Per user (in the home directory) or for every user of the machine. */
export type Scope = 'user' | 'system';

/** The manifest flavour a browser reads: Chrome-family `allowed_origins` or Firefox `allowed_extensions`. */
export function manifestFlavour(browser: Browser): 'chrome' | 'firefox' {
  return browser === 'firefox' ? 'firefox' : 'chrome';
}

/** Paths the installer works with; `root` prefixes system paths (a staging directory, like DESTDIR). */
export interface InstallPaths {
  readonly home: string;
  readonly configHome: string;
  readonly dataHome: string;
  readonly root: string;
}

/** The paths of this user and machine (HOME, XDG_CONFIG_HOME, XDG_DATA_HOME), with an optional root. */
export function installPaths(env: NodeJS.ProcessEnv = process.env, root = '/'): InstallPaths {
  const home = env.HOME ?? homedir();
  return {
    home,
    configHome: env.XDG_CONFIG_HOME || join(home, '.config'),
    dataHome: env.XDG_DATA_HOME || join(home, '.local', 'share'),
    root,
  };
}

/** The directory a browser reads host manifests from, in a scope. */
export function manifestDirectory(browser: Browser, scope: Scope, paths: InstallPaths): string {
  if (scope === 'user') {
    switch (browser) {
      case 'chrome':
        return join(paths.configHome, 'google-chrome', 'NativeMessagingHosts');
      case 'chromium':
        return join(paths.configHome, 'chromium', 'NativeMessagingHosts');
      case 'edge':
        return join(paths.configHome, 'microsoft-edge', 'NativeMessagingHosts');
      case 'firefox':
        return join(paths.home, '.mozilla', 'native-messaging-hosts');
    }
  }
  switch (browser) {
    case 'chrome':
      return join(paths.root, 'etc', 'opt', 'chrome', 'native-messaging-hosts');
    case 'chromium':
      return join(paths.root, 'etc', 'chromium', 'native-messaging-hosts');
    case 'edge':
      return join(paths.root, 'etc', 'opt', 'edge', 'native-messaging-hosts');
    case 'firefox':
      return join(paths.root, 'usr', 'lib', 'mozilla', 'native-messaging-hosts');
  }
}

/** The manifest file of the kyotsu host for a browser and scope. */
export function manifestPath(browser: Browser, scope: Scope, paths: InstallPaths): string {
  return join(manifestDirectory(browser, scope, paths), `${NATIVE_HOST_NAME}.json`);
}

/** Launcher file name. */
export const LAUNCHER_NAME = 'kyotsu-pcsc-host';

/**
 * Where the launcher lives: as the browser sees it (`path` in the manifest) and where it is written
 * (`file`: the same, under `root` for system installs).
 */
export function launcherLocation(scope: Scope, paths: InstallPaths): { readonly path: string; readonly file: string } {
  if (scope === 'user') {
    const path = join(paths.dataHome, 'kyotsu', LAUNCHER_NAME);
    return { path, file: path };
  }
  const path = join('/usr', 'local', 'lib', 'kyotsu', LAUNCHER_NAME);
  return { path, file: join(paths.root, path) };
}

/** Where a manifest's `path` is on this machine (under `root` for system manifests). */
export function onMachine(path: string, scope: Scope, paths: InstallPaths): string {
  return scope === 'system' ? join(paths.root, path) : path;
}
