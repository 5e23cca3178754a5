/**
 * The native host end to end: the real host program (a child process speaking native messaging, as a
 * browser starts it) → pcscd → vsmartcard's vpcd reader → the software PIV card, driven through the
 * browser-side client exactly as the extension drives it.
 *
 * Every test that touches pcscd lives in this one file: there is one pcscd and one reader, and test files
 * run two at a time. The cross-process lock is the one bridge/interop's tests take, so the two files never
 * use the reader at once. A missing pcscd or vpcd driver fails the tests with the package to install.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBase64 } from '../../src/bytes.js';
import { KyotsuError } from '../../src/errors.js';
import { NativeHostErrorCode } from '../../src/native-host-errors.js';
import { type NativeEvent } from '../../src/native-host-protocol.js';
import { Algorithm, DEFAULT_PIN, Slot } from '../../src/piv/constants.js';
import { acquireFileLock, type ReleaseLock } from '../interop/file-lock.js';
import { ensurePcscd, type PcscdHandle } from '../interop/pcscd.js';
import { requireTool } from '../interop/tools.js';
import { NativeCardConnection } from '../native-host-client/card-connection.js';
import { NativeHostClient } from '../native-host-client/client.js';
import { diagnoseClient } from '../native-host-client/diagnose.js';
import { PivSession } from '../piv/session.js';
import { SOFT_CARD_ATR } from '../softcard/soft-piv-card.js';
import { vpcdPort, vpcdReaderName } from '../vpcd/ports.js';
import { type CardRig, createCardRig } from './card-rig.js';
import { openPipePort, type PipePort } from './pipe-port.js';

/** Reader 1 ("Virtual PCD 00 01"), as the interop tests use, leaving reader 0 to a developer's `kyotsu card serve`. */
const READER = 1;
const READER_NAME = vpcdReaderName(READER);
/** The lock bridge/interop/pcsc-tools.test.ts takes around pcscd and its vpcd readers. */
const PCSC_LOCK = join(tmpdir(), 'kyotsu-pcsc.lock');
const EVENT_TIMEOUT_MS = 20_000;

let releaseLock: ReleaseLock | undefined;
let pcscd: PcscdHandle | undefined;
let rig: CardRig | undefined;
const hosts: { port: PipePort; client: NativeHostClient }[] = [];

/** A host process and its client, with every event it sent kept in order. */
interface Host {
  readonly port: PipePort;
  readonly client: NativeHostClient;
  readonly events: NativeEvent[];
  /** Resolves with the first event (from now on, or already seen after `since`) matching `match`. */
  next(match: (event: NativeEvent) => boolean, since?: number): Promise<NativeEvent>;
}

async function startHost(): Promise<Host> {
  const port = openPipePort({ env: { KYOTSU_HOST_LOG_LEVEL: 'debug' } });
  const client = await NativeHostClient.open(port);
  hosts.push({ port, client });
  const events: NativeEvent[] = [];
  const waiters = new Set<{ match: (event: NativeEvent) => boolean; since: number; done: (event: NativeEvent) => void }>();
  await client.watch((event) => {
    events.push(event);
    for (const waiter of waiters) {
      if (events.length - 1 >= waiter.since && waiter.match(event)) {
        waiters.delete(waiter);
        waiter.done(event);
      }
    }
  });
  return {
    port,
    client,
    events,
    next(match, since = events.length) {
      const seen = events.slice(since).find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((done, fail) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          fail(new Error(`no matching event within ${EVENT_TIMEOUT_MS} ms; events: ${JSON.stringify(events)}\nhost log:\n${port.stderr()}`));
        }, EVENT_TIMEOUT_MS);
        const waiter = {
          match,
          since,
          done: (event: NativeEvent) => {
            clearTimeout(timer);
            done(event);
          },
        };
        waiters.add(waiter);
      });
    },
  };
}

const cardIn = (event: NativeEvent): boolean => event.kind === 'card-inserted' && event.reader === READER_NAME;
const cardOut = (event: NativeEvent): boolean => event.kind === 'card-removed' && event.reader === READER_NAME;

function theRig(): CardRig {
  if (!rig) throw new Error('the card rig did not start');
  return rig;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Waits until the host lists the reader with a card (pcscd notices a vpcd card by polling). */
async function waitForCardListed(client: NativeHostClient): Promise<void> {
  const deadline = Date.now() + EVENT_TIMEOUT_MS;
  for (;;) {
    const readers = await client.listReaders().catch((error: unknown) => {
      if (error instanceof KyotsuError && error.code === NativeHostErrorCode.PCSC_UNAVAILABLE) return [];
      throw error;
    });
    if (readers.some((reader) => reader.name === READER_NAME && reader.card === 'present')) return;
    if (Date.now() > deadline) throw new Error(`${READER_NAME} shows no card after ${EVENT_TIMEOUT_MS} ms: ${JSON.stringify(readers)}`);
    await sleep(100);
  }
}

const digestOf = (text: string): Uint8Array => new Uint8Array(createHash('sha256').update(text).digest());

/** A whole login as the extension does it: SELECT, read the certificate, VERIFY, sign; returns the certificate and the raw signature. */
async function login(piv: PivSession, slot: Slot, challenge: string): Promise<{ certificate: Uint8Array; signature: Uint8Array }> {
  const certificate = await piv.readCertificate(slot);
  assert.ok(certificate, `a certificate in slot ${slot.toString(16)}`);
  await piv.verifyPin(DEFAULT_PIN);
  const { raw } = await piv.signEcdsa(slot, Algorithm.ECC_P256, digestOf(challenge));
  return { certificate, signature: raw };
}

/** Opens a transaction on the card through `client`, logs in with `slot`, and closes (resetting the card). */
async function loginThrough(client: NativeHostClient, slot: Slot, challenge: string): Promise<{ certificate: Uint8Array; signature: Uint8Array }> {
  const connection = await NativeCardConnection.open(client, READER_NAME, { transaction: true, waitMs: 60_000 });
  try {
    return await login(await PivSession.open(connection), slot, challenge);
  } finally {
    await connection.close();
  }
}

function assertSignedBy(certificate: Uint8Array, challenge: string, signature: Uint8Array): void {
  const key = new X509Certificate(certificate).publicKey;
  assert.equal(verifySignature('sha256', Buffer.from(challenge), { key, dsaEncoding: 'ieee-p1363' }, signature), true, 'the signature verifies with the certificate');
  assert.equal(verifySignature('sha256', Buffer.from(`${challenge}!`), { key, dsaEncoding: 'ieee-p1363' }, signature), false);
}

before(async () => {
  for (const tool of ['pcscd', 'flock']) requireTool(tool);
  releaseLock = await acquireFileLock(PCSC_LOCK, 5 * 60_000);
  pcscd = await ensurePcscd(READER);
  rig = await createCardRig(vpcdPort(READER), 6_000_000 + Math.floor(Math.random() * 1_000_000));
  await rig.insert();
});

after(async () => {
  for (const { client, port } of hosts) {
    client.close();
    await port.exited;
  }
  await rig?.remove();
  await pcscd?.stop();
  await releaseLock?.();
});

describe('native host → pcscd → vpcd → software PIV card', () => {
  it('lists the reader with the card and its ATR, and says everything needed is there', async () => {
    const host = await startHost();
    await waitForCardListed(host.client);
    const reader = (await host.client.listReaders()).find((candidate) => candidate.name === READER_NAME);
    assert.deepEqual(reader, { name: READER_NAME, card: 'present', atr: toBase64(SOFT_CARD_ATR), busy: false });
    const report = await diagnoseClient(host.client);
    assert.equal(report.problem, null, report.message);
    assert.equal(host.client.hello.pcsc, 'up');
  });

  it('reports the card leaving and coming back as events, and lists the reader empty in between', async () => {
    const host = await startHost();
    await waitForCardListed(host.client);
    const since = host.events.length;
    await theRig().remove();
    await host.next(cardOut, since);
    const empty = (await host.client.listReaders()).find((candidate) => candidate.name === READER_NAME);
    assert.equal(empty?.card, 'empty');
    assert.equal(empty?.atr, null);
    assert.equal((await diagnoseClient(host.client)).problem, 'no-card');
    await theRig().insert();
    const inserted = await host.next(cardIn, since);
    assert.deepEqual(inserted, { kind: 'card-inserted', reader: READER_NAME, atr: toBase64(SOFT_CARD_ATR) });
  });

  it('logs in through the host (SELECT, certificate, VERIFY PIN, sign) and leaves no verified PIN behind', async () => {
    const host = await startHost();
    await waitForCardListed(host.client);
    const { certificate, signature } = await loginThrough(host.client, Slot.AUTHENTICATION, 'https://bank-a.example nonce 1');
    assert.deepEqual(certificate, theRig().certificates[Slot.AUTHENTICATION]);
    assertSignedBy(certificate, 'https://bank-a.example nonce 1', signature);

    // The transaction ended with a reset: the next one finds the PIN unverified.
    const connection = await NativeCardConnection.open(host.client, READER_NAME);
    try {
      assert.deepEqual(await (await PivSession.open(connection)).pinStatus(), { verified: false, retriesLeft: 3 });
    } finally {
      await connection.close();
    }
    assert.doesNotMatch(host.port.stderr(), /313233343536/, 'the PIN never reaches the log');
    assert.match(host.port.stderr(), /00200080 <\d+ bytes redacted>/, 'VERIFY is logged redacted');
  });
});
