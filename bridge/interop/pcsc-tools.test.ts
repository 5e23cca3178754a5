/**
 * Interoperability: the software PIV card, inserted into vsmartcard's virtual PC/SC reader, is accepted by
 * tools we did not write — OpenSC (pkcs15-tool, pkcs11-tool with opensc-pkcs11.so), yubico-piv-tool and
 * openssl — and what they provision is usable by our own PIV session over PC/SC.
 *
 * Every test that touches pcscd lives in this one file: there is one pcscd and one reader, and test files
 * run two at a time. A cross-process lock keeps other runs off the reader; pcscd is started here when it
 * is not running and stopped again. A missing pcscd, vpcd driver or tool fails the tests with the package
 * to install.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CardErrorCode, isCardError } from '../../src/card-errors.js';
import { Algorithm, Slot } from '../../src/piv/constants.js';
import { fromPem } from '../../src/pki/pem.js';
import { connectPcsc } from '../pcsc/pcsc-connection.js';
import { PivSession } from '../piv/session.js';
import { vpcdPort, vpcdReaderName } from '../vpcd/ports.js';
import { ApduRecorder } from './apdu-recorder.js';
import { startCardProcess, type CardProcess } from './card-process-handle.js';
import { acquireFileLock, type ReleaseLock } from './file-lock.js';
import { ensurePcscd, type PcscdHandle } from './pcscd.js';
import { requireOpenscPkcs11Module, requireTool, runTool, runToolOk } from './tools.js';

/** Reader 1 ("Virtual PCD 00 01", port 35964), leaving reader 0 to a developer's `kyotsu card serve`. */
const READER = 1;
const READER_NAME = vpcdReaderName(READER);
/** Shared by every test run on this machine that uses pcscd. */
const PCSC_LOCK = join(tmpdir(), 'kyotsu-pcsc.lock');
const PIN = '123456';
const PUK = '12345678';
const REPO = resolve(import.meta.dirname, '../..');

let releaseLock: ReleaseLock | undefined;
let pcscd: PcscdHandle | undefined;
let work = '';

before(async () => {
  for (const tool of ['pcscd', 'pkcs15-tool', 'pkcs11-tool', 'yubico-piv-tool', 'openssl', 'flock']) requireTool(tool);
  requireOpenscPkcs11Module();
  work = mkdtempSync(join(tmpdir(), 'kyotsu-interop-'));
  releaseLock = await acquireFileLock(PCSC_LOCK, 5 * 60_000);
  pcscd = await ensurePcscd(READER);
});

after(async () => {
  await pcscd?.stop();
  await releaseLock?.();
  if (work) rmSync(work, { recursive: true, force: true });
});

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Opens our PIV session on the card in the vpcd reader over PC/SC, runs `use`, closes the connection. */
async function withSession<T>(use: (session: PivSession) => Promise<T>): Promise<T> {
  const connection = await connectPcsc(READER_NAME);
  try {
    return await use(await PivSession.open(connection));
  } finally {
    await connection.close();
  }
}

/** Waits until pcscd sees a card in the reader and it is the one with `serial`; fails if another card is there. */
async function waitForCard(serial: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const seen = await withSession((session) => session.getSerial());
      assert.equal(seen, serial, `another card (serial ${seen}) is in ${READER_NAME}: is a 'kyotsu card serve --reader ${READER}' running?`);
      return;
    } catch (error) {
      if (!isCardError(error, CardErrorCode.NO_CARD) || Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

/** Waits until pcscd reports the reader empty. */
async function waitForEmptyReader(timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await connectPcsc(READER_NAME, { share: 'shared' });
      await connection.close();
    } catch (error) {
      if (isCardError(error, CardErrorCode.NO_CARD)) return;
      // While vpcd notices the card is gone, pcscd briefly reports it unpowered/removed: keep polling.
      if (!isCardError(error, CardErrorCode.CARD_REMOVED) || Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`${READER_NAME} still holds a card after ${timeoutMs} ms`);
    await sleep(100);
  }
}

function file(name: string): string {
  return join(work, name);
}

function derOfPemFile(path: string): Uint8Array {
  return fromPem(readFileSync(path, 'utf8'), 'CERTIFICATE');
}

describe('software PIV card in the vpcd reader, used by OpenSC, yubico-piv-tool and openssl', () => {
  const serial = 7_000_000 + Math.floor(Math.random() * 1_000_000);
  let card: CardProcess | undefined;
  let recorder: ApduRecorder | undefined;
  const during = <T>(label: string, step: () => Promise<T>): Promise<T> => {
    if (!recorder) throw new Error('the card process did not start');
    return recorder.during(label, step);
  };
  const yubico = (label: string, ...args: string[]) => during(label, () => runTool('yubico-piv-tool', [`--reader=${READER_NAME}`, ...args]));
  const yubicoOk = (label: string, ...args: string[]) => during(label, () => runToolOk('yubico-piv-tool', [`--reader=${READER_NAME}`, ...args]));

  before(async () => {
    // The card runs in its own process: see bridge/interop/card-process.ts for why it cannot share ours.
    card = await startCardProcess(vpcdPort(READER), serial);
    recorder = new ApduRecorder(card);
    await waitForCard(serial);
  });

  after(async () => {
    await card?.stop();
  });

  it('yubico-piv-tool generates a P-256 key in 9A and imports the certificate a CA issued for it', async () => {
    await yubicoOk('yubico-piv-tool generate', '--action=generate', '--slot=9a', '--algorithm=ECCP256', `--output=${file('9a-pub.pem')}`);
    // yubico-piv-tool 2.2's own selfsign-certificate fails under OpenSSL 3 before talking to the card
    // (Yubico/yubico-piv-tool#388), so an openssl CA issues the certificate for the card's public key.
    await runToolOk('openssl', ['ecparam', '-genkey', '-name', 'prime256v1', '-noout', '-out', file('ca.key')]);
    await runToolOk('openssl', ['req', '-x509', '-new', '-key', file('ca.key'), '-subj', '/CN=kyotsu interop CA', '-days', '30', '-out', file('ca.pem')]);
    await runToolOk('openssl', [
      'x509', '-new', '-subj', '/CN=kyotsu interop 9A', '-force_pubkey', file('9a-pub.pem'),
      '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-days', '30', '-out', file('9a-cert.pem'),
    ]);
    await yubicoOk('yubico-piv-tool import-certificate', '--action=import-certificate', '--slot=9a', `--input=${file('9a-cert.pem')}`);

    const onCard = await withSession((session) => session.readCertificate(Slot.AUTHENTICATION));
    assert.deepEqual(onCard, derOfPemFile(file('9a-cert.pem')), 'our session reads back the certificate yubico-piv-tool wrote');
  });

  it('yubico-piv-tool -a status reads the card: version, serial, the 9A certificate, PIN tries', async () => {
    const { stdout } = await yubicoOk('yubico-piv-tool status', '--action=status');
    assert.match(stdout, new RegExp(`Serial Number:\\s+${serial}\\b`));
    assert.match(stdout, /Version:\s+\d+\.\d+\.\d+/);
    assert.match(stdout, /Slot 9a:\s+Algorithm:\s+ECCP256\s+Subject DN:\s+CN=kyotsu interop 9A/);
    assert.match(stdout, /PIN tries left:\s+3/);
  });

  it('OpenSC pkcs15-tool lists the 9A certificate and reads it back byte for byte', async () => {
    const listed = await during('pkcs15-tool --list-certificates', () =>
      runToolOk('pkcs15-tool', ['--reader', READER_NAME, '--list-certificates']),
    );
    assert.match(listed.stdout, /X\.509 Certificate \[Certificate for PIV Authentication\][\s\S]*?ID\s+: 01/);
    const read = await during('pkcs15-tool --read-certificate', () =>
      runToolOk('pkcs15-tool', ['--reader', READER_NAME, '--read-certificate', '01']),
    );
    assert.deepEqual(fromPem(read.stdout, 'CERTIFICATE'), derOfPemFile(file('9a-cert.pem')));
  });

  it('pkcs11-tool signs with the 9A key through OpenSC PKCS#11, and openssl verifies it with the certificate', async () => {
    const data = file('data.txt');
    writeFileSync(data, `kyotsu interop ${serial}\n`);
    await during('pkcs11-tool --sign', () =>
      runToolOk('pkcs11-tool', [
        '--module', requireOpenscPkcs11Module(), '--slot-description', READER_NAME,
        '--login', '--pin', PIN, '--sign', '--mechanism', 'ECDSA-SHA256', '--id', '01',
        '--signature-format', 'openssl', '--input-file', data, '--output-file', file('data.sig'),
      ]),
    );
    await runToolOk('openssl', ['x509', '-in', file('9a-cert.pem'), '-pubkey', '-noout', '-out', file('9a-cert-pub.pem')]);
    const verified = await runToolOk('openssl', ['dgst', '-sha256', '-verify', file('9a-cert-pub.pem'), '-signature', file('data.sig'), data]);
    assert.match(verified.stdout, /Verified OK/);
    // The same signature over other data must not verify: the check above is not vacuous.
    writeFileSync(file('other.txt'), 'something else\n');
    const other = await runTool('openssl', ['dgst', '-sha256', '-verify', file('9a-cert-pub.pem'), '-signature', file('data.sig'), file('other.txt')]);
    assert.notEqual(other.code, 0);
  });

  it('wrong PINs through yubico-piv-tool count down 2, 1, and the third blocks the PIN; the PUK unblocks it', async () => {
    const tries: string[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const wrong = await yubico('yubico-piv-tool verify-pin (wrong)', '--action=verify-pin', '--pin=000000');
      assert.notEqual(wrong.code, 0, 'a wrong PIN is refused');
      const status = await yubicoOk('yubico-piv-tool status', '--action=status');
      tries.push(/PIN tries left:\s+(\d+)/.exec(status.stdout)?.[1] ?? `? ${status.stdout}`);
      if (attempt < 3) assert.match(wrong.stdout + wrong.stderr, new RegExp(`${3 - attempt} tries left`));
      else assert.match(wrong.stdout + wrong.stderr, /blocked/i);
    }
    assert.deepEqual(tries, ['2', '1', '0']);
    assert.deepEqual(await withSession((session) => session.pinStatus()), { verified: false, retriesLeft: 0 });

    const right = await yubico('yubico-piv-tool verify-pin (blocked)', '--action=verify-pin', `--pin=${PIN}`);
    assert.notEqual(right.code, 0, 'even the right PIN is refused once blocked');
    assert.match(right.stdout + right.stderr, /blocked/i);

    await yubicoOk('yubico-piv-tool unblock-pin', '--action=unblock-pin', `--pin=${PUK}`, `--new-pin=${PIN}`);
    assert.deepEqual(await withSession((session) => session.pinStatus()), { verified: false, retriesLeft: 3 });
  });

  it('a key and certificate imported with yubico-piv-tool -a import-key -a import-certificate sign through our PIV session', async () => {
    await runToolOk('openssl', ['ecparam', '-genkey', '-name', 'prime256v1', '-noout', '-out', file('9c.key')]);
    await runToolOk('openssl', ['req', '-x509', '-new', '-key', file('9c.key'), '-subj', '/CN=kyotsu interop 9C', '-days', '30', '-out', file('9c-cert.pem')]);
    writeFileSync(file('9c-bundle.pem'), readFileSync(file('9c.key'), 'utf8') + readFileSync(file('9c-cert.pem'), 'utf8'));
    await yubicoOk('yubico-piv-tool import-key import-certificate', '--action=import-key', '--action=import-certificate', '--slot=9c', `--input=${file('9c-bundle.pem')}`);

    const message = new TextEncoder().encode(`signed by an imported key on card ${serial}`);
    const digest = new Uint8Array(createHash('sha256').update(message).digest());
    const { certificate, signature } = await during('kyotsu PivSession over PC/SC', () =>
      withSession(async (session) => {
        const der = await session.readCertificate(Slot.SIGNATURE);
        await session.verifyPin(PIN);
        return { certificate: der, signature: await session.signEcdsa(Slot.SIGNATURE, Algorithm.ECC_P256, digest) };
      }),
    );
    assert.deepEqual(certificate, derOfPemFile(file('9c-cert.pem')));
    const publicKey = new X509Certificate(readFileSync(file('9c-cert.pem'))).publicKey;
    assert.equal(verifySignature('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature.der), true);
    assert.equal(verifySignature('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature.raw), true);
    assert.equal(verifySignature('sha256', new TextEncoder().encode('other'), { key: publicKey, dsaEncoding: 'der' }, signature.der), false);
  });

  it('the card answered every APDU the tools sent (no card failure, no 6F00)', (t) => {
    assert.ok(recorder && card);
    for (const label of new Set(recorder.all().map((entry) => entry.label))) {
      t.diagnostic(`APDUs sent by ${label}:\n  ${recorder.summary(label).join('\n  ')}`);
    }
    assert.deepEqual(card.logs.filter((line) => line.startsWith('error')), []);
    assert.deepEqual(recorder.all().filter((entry) => entry.trace.sw === '6F00').map((entry) => `${entry.label}: ${entry.trace.command}`), []);
    assert.ok(recorder.all().length > 50, 'the tools really talked to the card');
  });
});

describe('kyotsu card serve', () => {
  it('inserts the card from its state file into the vpcd reader until SIGTERM removes it', async () => {
    const state = file('cli-card.json');
    const kyotsu = join(REPO, 'bin', 'kyotsu.mjs');
    const init = await runToolOk('sh', ['-c', `"${process.execPath}" "${kyotsu}" card init --state "${state}" --serial 4711`]);
    assert.equal(init.stdout.trim(), '4711');

    const server = spawn(process.execPath, [kyotsu, 'card', 'serve', '--state', state, '--reader', String(READER)], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((done) => server.on('exit', (code) => done(code)));
    try {
      await waitForCard(4711);
      const version = await withSession((session) => session.getVersion());
      assert.notEqual(version, null);
    } finally {
      server.kill('SIGTERM');
    }
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /serving software PIV card 4711/);
    await waitForEmptyReader();
  });
});
