/**
 * A CA in its own process (the crash test kills it, the benchmark loads it): starts the CA from a key
 * store and a store URL given in the environment and prints `READY <url>` once it listens.
 *
 *   KYOTSU_CA_DIR          key store directory
 *   KYOTSU_CA_PASSPHRASE   its passphrase
 *   KYOTSU_CA_STORE        store URL (sqlite:… or postgres://…)
 */
import { passphraseFromEnv } from '../keys/key-store.js';
import { startCa } from '../start.js';

const dir = process.env.KYOTSU_CA_DIR;
const store = process.env.KYOTSU_CA_STORE;
if (!dir || !store) throw new Error('KYOTSU_CA_DIR and KYOTSU_CA_STORE must be set');
const ca = await startCa({ store, keyStore: { dir, passphrase: passphraseFromEnv() }, webhooks: false });
process.stdout.write(`READY ${ca.url}\n`);
process.on('SIGTERM', () => {
  void ca.close().then(() => process.exit(0));
});
