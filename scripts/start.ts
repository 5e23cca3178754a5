/**
 * `npm start`: builds the extension, then runs the demo world — the CA and the four participating
 * services on localhost with demo data (SQLite files under ./data, created on first run) — and prints the
 * URLs, the demo users and how to load the extension. Ctrl-C stops everything cleanly.
 */
import { resolve } from 'node:path';
import { PASSPHRASE_ENV } from '../server/ca/keys/key-store.js';
import { CATALOG } from '../server/services/catalog.js';
import { DEMO_USERS, demoPassword } from '../server/services/seed.js';
import { startWorld } from '../server/services/world.js';
import { buildAll } from './build.js';

const ROOT = resolve(import.meta.dirname, '..');
const DEMO_PASSPHRASE = 'kyotsu demo CA passphrase';

await buildAll();
const dist = resolve(ROOT, 'dist');
const passphrase = process.env[PASSPHRASE_ENV] ?? DEMO_PASSPHRASE;
const dataDir = resolve(ROOT, process.env.KYOTSU_DATA_DIR ?? 'data');
const world = await startWorld({ dataDir, caPassphrase: passphrase, ports: 'catalog' });

const rows = CATALOG.map((entry) => `  ${entry.config.theme.displayName.padEnd(18)} ${world.origins[entry.config.id]}${entry.config.checkMode === 'omitted' ? '   (check-omitted mode)' : ''}`);
const users = DEMO_USERS.map((u) => `  ${u.id.padEnd(8)} ${u.name.padEnd(15)} password at each service: ${demoPassword(u.id, '<service id>')}, e.g. ${demoPassword(u.id, 'bank-a')}`);
console.log(`
kyotsu demo is running (data in ${dataDir}).

Certificate authority  ${world.ca.url}   (CRL ${world.ca.url}/crl, OCSP ${world.ca.url}/ocsp)
${rows.join('\n')}

Demo users (service ids: ${CATALOG.map((e) => e.config.id).join(', ')}):
${users.join('\n')}
Software card: PIN 123456, PUK 12345678.
${process.env[PASSPHRASE_ENV] ? '' : `The CA key is sealed under a demo passphrase; set ${PASSPHRASE_ENV} for your own.\n`}
Load the extension:
  Chrome:  chrome://extensions → Developer mode → Load unpacked → ${dist}/chrome
  Firefox: about:debugging#/runtime/this-firefox → Load Temporary Add-on… → ${dist}/firefox/manifest.json
  Store zips: ${dist}/kyotsu-chrome.zip, ${dist}/kyotsu-firefox.zip

Press Ctrl-C to stop.`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the services and the CA…`);
  world.close().then(
    () => {
      console.log('stopped.');
      process.exit(0);
    },
    (error: unknown) => {
      console.error('error while stopping:', error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
