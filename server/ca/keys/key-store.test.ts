import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KyotsuError } from '../../../src/errors.js';
import { initKeyStore, loadKeyStore, passphraseFromEnv } from './key-store.js';

const passphrase = 'correct horse battery staple';

function hasCode(code: string) {
  return (error: unknown): boolean => error instanceof KyotsuError && error.code === code;
}

describe('CA key store', () => {
  it('init writes sealed keys that load back with the passphrase and sign', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyotsu-keys-'));
    try {
      const created = await initKeyStore(join(dir, 'ca'), passphrase, { commonName: 'Test CA', curve: 'P-256' });
      const files = (await readdir(join(dir, 'ca'))).sort();
      assert.deepEqual(files, ['ca-key.json', 'ca.crt', 'ocsp-key.json', 'ocsp.crt']);
      assert.equal((await stat(join(dir, 'ca', 'ca-key.json'))).mode & 0o777, 0o600);
      const sealed = await readFile(join(dir, 'ca', 'ca-key.json'), 'utf8');
      assert.doesNotMatch(sealed, /PRIVATE KEY|MIG/, 'no plaintext PKCS#8 in the file');
      const loaded = await loadKeyStore(join(dir, 'ca'), passphrase);
      assert.deepEqual(loaded.caCertificateDer, created.caCertificateDer);
      assert.equal(loaded.caKey.extractable, false);
      assert.ok(await loaded.ocspCertificate.verify(loaded.caCertificate));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a wrong passphrase, a short one, overwriting, a missing store and a tampered file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyotsu-keys-'));
    try {
      await initKeyStore(dir, passphrase, { curve: 'P-256' });
      await assert.rejects(loadKeyStore(dir, 'wrong passphrase!!'), hasCode('CA_PASSPHRASE_WRONG'));
      await assert.rejects(initKeyStore(dir, passphrase), hasCode('CA_KEYSTORE_EXISTS'));
      await assert.rejects(initKeyStore(join(dir, 'other'), 'short'), hasCode('CA_PASSPHRASE_MISSING'));
      await assert.rejects(loadKeyStore(join(dir, 'nowhere'), passphrase), hasCode('CA_KEYSTORE_MISSING'));
      const file = JSON.parse(await readFile(join(dir, 'ocsp-key.json'), 'utf8')) as { ciphertext: string };
      file.ciphertext = `A${file.ciphertext.slice(1)}` === file.ciphertext ? `B${file.ciphertext.slice(1)}` : `A${file.ciphertext.slice(1)}`;
      await writeFile(join(dir, 'ocsp-key.json'), JSON.stringify(file));
      await assert.rejects(loadKeyStore(dir, passphrase), hasCode('CA_PASSPHRASE_WRONG'));
      await writeFile(join(dir, 'ocsp-key.json'), 'not json');
      await assert.rejects(loadKeyStore(dir, passphrase), hasCode('CA_KEYSTORE_CORRUPT'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the passphrase from KYOTSU_CA_PASSPHRASE only', () => {
    assert.equal(passphraseFromEnv({ KYOTSU_CA_PASSPHRASE: 'x' }), 'x');
    assert.throws(() => passphraseFromEnv({}), hasCode('CA_PASSPHRASE_MISSING'));
  });
});
