/** `kyotsu ca …` end to end on a temporary directory: init, service add, serve, issue, invalidate, status. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsr, generateEcKeyPair } from '../../src/pki/csr-builder.js';
import { fromPem, toPem } from '../../src/pki/pem.js';
import { parseCertificate } from '../../src/pki/certificate.js';
import { commonNameOf } from '../../src/pki/name.js';
import { run, type CliIo } from './cli.js';

const PASSPHRASE = 'a long enough passphrase';

function io(env: NodeJS.ProcessEnv, extra: Partial<CliIo> = {}): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { out: (line) => lines.push(line), err: (line) => errors.push(line), env, lines, errors, ...extra };
}

describe('kyotsu ca CLI', () => {
  it('init → service add → issue → status → invalidate, with the passphrase only from the environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyotsu-cli-'));
    const env = { KYOTSU_CA_DIR: join(dir, 'ca'), KYOTSU_CA_PASSPHRASE: PASSPHRASE };
    try {
      const missing = io({ KYOTSU_CA_DIR: join(dir, 'ca') });
      assert.equal(await run(['init'], missing), 1);
      assert.match(missing.errors.join('\n'), /CA_PASSPHRASE_MISSING: set KYOTSU_CA_PASSPHRASE/);

      const init = io(env);
      assert.equal(await run(['init', '--curve', 'P-256', '--name', 'CLI Test CA'], init), 0);
      assert.match(init.lines.join('\n'), /CLI Test CA \(ECDSA P-256\)/);
      assert.doesNotMatch([...init.lines, ...init.errors].join('\n'), new RegExp(PASSPHRASE), 'the passphrase is never printed');
      assert.equal(await run(['init'], io(env)), 1, 'init refuses to overwrite');

      const added = io(env);
      assert.equal(await run(['service', 'add', '--id', 'bank-a', '--name', 'Bank A', '--origin', 'https://bank-a.example'], added), 0);
      assert.match(added.lines.join('\n'), /KYOTSU_CA_API_TOKEN=kyotsu_[0-9a-f]{16}_/);
      const listed = io(env);
      await run(['service', 'list'], listed);
      assert.match(listed.lines.join('\n'), /^bank-a\tBank A\thttps:\/\/bank-a\.example/m);
      // Origins are unique across services: a second service at bank-a's origin would accept its logins as holder proof.
      const copycat = io(env);
      assert.equal(await run(['service', 'add', '--id', 'bank-z', '--name', 'Bank Z', '--origin', 'https://z.example', '--origin', 'https://bank-a.example'], copycat), 1);
      assert.match(copycat.errors.join('\n'), /SERVICE_ORIGIN_TAKEN: origin https:\/\/bank-a\.example is already registered to service 'bank-a'/);
      assert.doesNotMatch(copycat.lines.join('\n'), /KYOTSU_CA_API_TOKEN/);
      const relisted = io(env);
      await run(['service', 'list'], relisted);
      assert.deepEqual(relisted.lines.map((line) => line.split('\t')[0]), ['bank-a']);

      await writeFile(join(dir, 'req.pem'), toPem(await buildCsr({ keyPair: await generateEcKeyPair() }), 'CERTIFICATE REQUEST'));
      const issued = io(env);
      const args = ['issue', '--csr', join(dir, 'req.pem'), '--service', 'bank-a', '--name', 'Jiro Sato', '--email', 'jiro@example.jp'];
      assert.equal(await run([...args, '--out', join(dir, 'cert.pem')], issued), 0);
      const certificate = parseCertificate(fromPem(await readFile(join(dir, 'cert.pem'), 'utf8'), 'CERTIFICATE'));
      assert.equal(commonNameOf(certificate.subject), 'Jiro Sato');
      const serial = /serial ([0-9a-f]+)/.exec(issued.errors.join('\n'))![1]!;

      const status = io(env);
      assert.equal(await run(['status', '--serial', serial], status), 0);
      assert.match(status.lines.join('\n'), /status\s+valid/);
      assert.match(status.lines.join('\n'), /services\s+bank-a/);

      const invalidated = io(env);
      assert.equal(await run(['invalidate', '--serial', serial, '--reason', 'keyCompromise'], invalidated), 0);
      const after = io(env);
      await run(['status', '--serial', serial], after);
      assert.match(after.lines.join('\n'), /status\s+invalidated since .* \(keyCompromise\)/);
      const summary = io(env);
      assert.equal(await run(['status'], summary), 0);
      assert.match(summary.lines.join('\n'), /certificates 0 valid, 1 invalidated/);

      const wrong = io({ ...env, KYOTSU_CA_PASSPHRASE: 'not the passphrase' });
      assert.equal(await run(args, wrong), 1);
      assert.match(wrong.errors.join('\n'), /CA_PASSPHRASE_WRONG/);
      assert.equal(await run(['issue', '--bogus'], io(env)), 2);
      assert.equal(await run(['frobnicate'], io(env)), 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serve listens until told to stop and serves the CA certificate', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyotsu-cli-'));
    const env = { KYOTSU_CA_DIR: join(dir, 'ca'), KYOTSU_CA_PASSPHRASE: PASSPHRASE };
    try {
      assert.equal(await run(['init', '--curve', 'P-256'], io(env)), 0);
      let stop = (): void => undefined;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      let url = '';
      const served = run(['serve', '--port', '0'], io(env, { untilStopped: () => stopped, onListening: (listening) => (url = listening) }));
      while (!url) await new Promise((resolve) => setTimeout(resolve, 10));
      const response = await fetch(`${url}/ca.crt`);
      assert.deepEqual(new Uint8Array(await response.arrayBuffer()), new Uint8Array(await readFile(join(dir, 'ca', 'ca.crt'))));
      stop();
      assert.equal(await served, 0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
