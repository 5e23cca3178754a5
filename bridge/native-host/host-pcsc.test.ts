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
import { toBase64, utf8 } from '../../src/bytes.js';
import { CardErrorCode } from '../../src/card-errors.js';
import { KyotsuError } from '../../src/errors.js';
import { NativeHostErrorCode } from '../../src/native-host-errors.js';
import { type NativeEvent, type NativeHostMessage } from '../../src/native-host-protocol.js';
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
import { type CardRig, createCardRig, segmentCardLog } from './card-rig.js';
import { frameBytes } from './framing.js';
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

/** Waits until `ready()` holds, polling. */
async function until(what: string, ready: () => boolean): Promise<void> {
  const deadline = Date.now() + EVENT_TIMEOUT_MS;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${EVENT_TIMEOUT_MS} ms`);
    await sleep(20);
  }
}

function hasCode(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof KyotsuError, `a typed error, not ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
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

  it('a card removed mid-login fails with CARD_REMOVED, a handle from before refuses the card put back, and the next login works', async () => {
    const host = await startHost();
    await waitForCardListed(host.client);
    const earlier = await NativeCardConnection.open(host.client, READER_NAME, { transaction: false });
    const connection = await NativeCardConnection.open(host.client, READER_NAME);
    const since = host.events.length;
    try {
      const piv = await PivSession.open(connection);
      assert.ok(await piv.readCertificate(Slot.AUTHENTICATION));
      await piv.verifyPin(DEFAULT_PIN);
      // Pulled out between VERIFY and the signature, with the APDU sent before pcscd has even noticed.
      await theRig().remove();
      await assert.rejects(piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, digestOf('interrupted')), hasCode(CardErrorCode.CARD_REMOVED));
    } finally {
      await connection.close();
    }
    await host.next(cardOut, since);
    await assert.rejects(NativeCardConnection.open(host.client, READER_NAME), hasCode(CardErrorCode.NO_CARD));

    await theRig().insert();
    await host.next(cardIn, since);
    // The same card is back, but a handle opened before the removal must not silently carry on with it.
    await assert.rejects(earlier.beginTransaction(5000), hasCode(CardErrorCode.CARD_REMOVED));
    await earlier.close();
    const { certificate, signature } = await loginThrough(host.client, Slot.AUTHENTICATION, 'after the card came back');
    assertSignedBy(certificate, 'after the card came back', signature);
  });

  it('two hosts (Chromium and Firefox) share the reader in turns: both log in, and on the card their transactions never overlap', async () => {
    const chromium = await startHost();
    const firefox = await startHost();
    await waitForCardListed(chromium.client);
    await waitForCardListed(firefox.client);
    const { card, powerOns } = theRig();
    card.clearLog();

    // Chromium's host holds the card; Firefox's host must wait for it, however long Chromium's login takes.
    const first = await NativeCardConnection.open(chromium.client, READER_NAME);
    let secondOpen = false;
    const opening = NativeCardConnection.open(firefox.client, READER_NAME, { waitMs: 60_000 }).then((connection) => {
      secondOpen = true;
      return connection;
    });
    let one: Awaited<ReturnType<typeof login>>;
    try {
      one = await login(await PivSession.open(first), Slot.AUTHENTICATION, 'chromium 0');
      assert.equal(secondOpen, false, "Firefox's host waits while Chromium's holds the card");
    } finally {
      await first.close();
    }
    const second = await opening;
    let two: Awaited<ReturnType<typeof login>>;
    try {
      two = await login(await PivSession.open(second), Slot.SIGNATURE, 'firefox 0');
    } finally {
      await second.close();
    }
    assertSignedBy(one.certificate, 'chromium 0', one.signature);
    assertSignedBy(two.certificate, 'firefox 0', two.signature);

    // Then both at once, three logins each, with nobody orchestrating.
    const loop = async (client: NativeHostClient, slot: Slot, name: string): Promise<void> => {
      for (let i = 1; i <= 3; i++) {
        const { certificate, signature } = await loginThrough(client, slot, `${name} ${i}`);
        assertSignedBy(certificate, `${name} ${i}`, signature);
      }
    };
    await Promise.all([loop(chromium.client, Slot.AUTHENTICATION, 'chromium'), loop(firefox.client, Slot.SIGNATURE, 'firefox')]);

    // The card's own log, cut at every reset (each transaction ends with one): each piece must be exactly
    // one whole login by one host — SELECT first, one GENERAL AUTHENTICATE, every status word a success.
    const segments = segmentCardLog(card.log, powerOns);
    const slots: string[] = [];
    for (const segment of segments) {
      const ins = segment.entries.map((entry) => entry.ins.toString(16).padStart(2, '0').toUpperCase());
      const signs = segment.entries.filter((entry) => entry.ins === 0x87);
      assert.equal(ins[0], 'A4', `a transaction starts with SELECT: ${ins.join(' ')}`);
      assert.equal(signs.length, 1, `one sign per transaction: ${ins.join(' ')}`);
      assert.deepEqual(segment.entries.filter((entry) => entry.sw !== 0x9000 && entry.sw >>> 8 !== 0x61).map((entry) => entry.sw.toString(16)), [], `every APDU succeeded: ${ins.join(' ')}`);
      slots.push(signs[0]!.p2 === Slot.AUTHENTICATION ? 'chromium' : 'firefox');
    }
    assert.equal(slots.filter((who) => who === 'chromium').length, 4, slots.join(' '));
    assert.equal(slots.filter((who) => who === 'firefox').length, 4, slots.join(' '));
    // No APDU of one transaction started before the previous transaction's last one ended.
    for (let i = 1; i < segments.length; i++) {
      const previous = segments[i - 1]!.entries;
      assert.ok(segments[i]!.entries[0]!.startedAt >= previous[previous.length - 1]!.endedAt);
    }
  });

  it('answers bad input from the browser with typed errors and keeps serving', async () => {
    const host = await startHost();
    await waitForCardListed(host.client);
    const replies: NativeHostMessage[] = [];
    host.port.onMessage.addListener((message) => replies.push(message as NativeHostMessage));
    const errorOf = (id: number | null, index = 0): string | undefined => {
      const found = replies.filter((reply) => reply.type === 'reply' && reply.id === id)[index];
      return found?.type === 'reply' && !found.ok ? found.error.code : undefined;
    };

    // Longer than the host reads (64 KiB): skipped unread, answered with the id it starts with.
    host.port.writeRaw(frameBytes(utf8(`{"id":9001,"type":"transmit","handle":1,"apdu":"${'A'.repeat(100_000)}"}`)));
    host.port.writeRaw(frameBytes(utf8('{"id":9002,"type":')));
    host.port.writeRaw(frameBytes(Uint8Array.of(0xff, 0xfe, 0x7b, 0x7d)));
    host.port.postMessage({ id: 9003, type: 'formatCard', reader: READER_NAME });
    host.port.postMessage({ id: 9004, type: 'transmit', handle: 1, apdu: 'not base64!' });
    host.port.postMessage({ id: 9005, type: 'transmit', handle: 424_242, apdu: toBase64(Uint8Array.of(0, 0xa4, 4, 0)) });
    await until('six error replies', () => replies.length >= 6);
    assert.equal(errorOf(9001), NativeHostErrorCode.MESSAGE_TOO_LARGE);
    assert.equal(errorOf(null, 0), NativeHostErrorCode.MESSAGE_MALFORMED, 'cut-off JSON');
    assert.equal(errorOf(null, 1), NativeHostErrorCode.MESSAGE_MALFORMED, 'not UTF-8');
    assert.equal(errorOf(9003), NativeHostErrorCode.UNKNOWN_REQUEST);
    assert.equal(errorOf(9004), 'BAD_MESSAGE');
    assert.equal(errorOf(9005), NativeHostErrorCode.HANDLE_UNKNOWN);

    // A reader that is not there, and APDUs to a card that has gone.
    await assert.rejects(host.client.request({ type: 'connect', reader: 'Unplugged Reader 00 00' }), hasCode(CardErrorCode.READER_UNPLUGGED));
    const orphan = await NativeCardConnection.open(host.client, READER_NAME, { transaction: false });
    const since = host.events.length;
    await theRig().remove();
    await host.next(cardOut, since);
    await assert.rejects(orphan.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00)), hasCode(CardErrorCode.CARD_REMOVED));
    await assert.rejects(orphan.transmit(Uint8Array.of(0x00, 0xa4, 0x04, 0x00)), hasCode(CardErrorCode.CARD_REMOVED), 'and stays refused');
    await orphan.close();
    await theRig().insert();
    await host.next(cardIn, since);

    // Still the same host process, still serving.
    assert.equal(host.port.error, null);
    const { certificate, signature } = await loginThrough(host.client, Slot.AUTHENTICATION, 'after bad input');
    assertSignedBy(certificate, 'after bad input', signature);
  });

  // Last: it replaces pcscd.
  it('reconnects by itself when pcscd restarts under it', async (t) => {
    assert.ok(
      pcscd?.started,
      'pcscd was already running when these tests began, so they may not restart it: stop it (systemctl stop pcscd.socket pcscd) and run the tests again',
    );
    const host = await startHost();
    await waitForCardListed(host.client);
    const before = await NativeCardConnection.open(host.client, READER_NAME, { transaction: false });
    const since = host.events.length;
    await pcscd.stop();
    await host.next((event) => event.kind === 'pcsc' && event.status === 'down', since);
    await assert.rejects(host.client.listReaders(), hasCode(NativeHostErrorCode.PCSC_UNAVAILABLE));
    assert.equal((await diagnoseClient(host.client)).problem, 'pcscd-not-running');

    pcscd = await ensurePcscd(READER);
    await host.next((event) => event.kind === 'pcsc' && event.status === 'up', since);
    await host.next(cardIn, since);
    t.diagnostic(`events across the restart: ${JSON.stringify(host.events.slice(since).map((event) => event.kind))}`);
    // A handle from before the restart knows its card was reset; a new login on the same port works.
    await assert.rejects(before.beginTransaction(5000), hasCode(CardErrorCode.CARD_REMOVED));
    await before.close();
    const { certificate, signature } = await loginThrough(host.client, Slot.AUTHENTICATION, 'after pcscd restarted');
    assertSignedBy(certificate, 'after pcscd restarted', signature);
    assert.equal(host.port.error, null, 'the same host process throughout');
  });
});
