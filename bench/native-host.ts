/**
 * What the native-messaging host costs: per-APDU and per-login time through host + pcscd (the path the
 * extension takes: JSON + base64 over the host's stdin/stdout, the host's transaction, pcscd) against
 * pcscd alone (the `smartcard` package called directly from this process), in the same run, against the
 * same software PIV card in the vpcd reader (served by `kyotsu card serve` in its own process).
 *
 * Needs pcscd with vsmartcard-vpcd (it is started if not running) and takes the same lock as the PC/SC
 * tests, so it never shares the reader with them. About 30 s on a shared 2-core machine.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Context, SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1, SCARD_RESET_CARD, SCARD_SHARE_EXCLUSIVE } from 'smartcard';
import { Algorithm, DEFAULT_PIN, Slot } from '../src/piv/constants.js';
import { acquireFileLock } from '../bridge/interop/file-lock.js';
import { ensurePcscd } from '../bridge/interop/pcscd.js';
import { NativeCardConnection } from '../bridge/native-host-client/card-connection.js';
import { NativeHostClient } from '../bridge/native-host-client/client.js';
import { openPipePort } from '../bridge/native-host/pipe-port.js';
import { PivSession } from '../bridge/piv/session.js';
import { issueTestCertificate } from '../bridge/piv/test-certificate.js';
import { FileCardStore } from '../bridge/softcard/file-store.js';
import { SoftPivCard } from '../bridge/softcard/soft-piv-card.js';
import { type CardConnection } from '../bridge/transport/card-connection.js';
import { connectDirect } from '../bridge/transport/direct.js';
import { vpcdReaderName } from '../bridge/vpcd/ports.js';
import { type BenchTable } from './table.js';

const READER = 1;
const READER_NAME = vpcdReaderName(READER);
const KYOTSU = resolve(import.meta.dirname, '../bin/kyotsu.mjs');
/** SELECT the PIV application (SP 800-73-4 Part 2 §3.1.1): a short APDU the card answers with ~70 bytes. */
const SELECT_PIV = Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x09, 0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x00);
const APDUS = 100;
const LOGINS = 6;
const digest = new Uint8Array(createHash('sha256').update('https://bank-a.example nonce').digest());

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));
const round = (ms: number): number => Math.round(ms * 100) / 100;
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

/** A card state file with a P-256 key and a 1.2 KB certificate in 9A. */
async function provision(path: string): Promise<void> {
  const card = await SoftPivCard.create({ store: new FileCardStore(path) });
  const connection = await connectDirect(card);
  const piv = await PivSession.open(connection);
  await piv.authenticateManagementKey();
  await piv.writeCertificate(Slot.AUTHENTICATION, await issueTestCertificate(await piv.generateKey(Slot.AUTHENTICATION, Algorithm.ECC_P256), { size: 1200 }));
  await connection.close();
}

/** The baseline: an exclusive PC/SC connection from this process, released with a reset (as the host's transaction is). */
async function connectBaseline(): Promise<CardConnection> {
  const context = new Context();
  const reader = context.listReaders().find((candidate) => candidate.name === READER_NAME);
  if (!reader) throw new Error(`no reader ${READER_NAME}`);
  const card = await reader.connect(SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T1 | SCARD_PROTOCOL_T0);
  return {
    atr: new Uint8Array(card.atr ?? []),
    transmit: async (command) => new Uint8Array(await card.transmit(Buffer.from(command), { maxRecvLength: 65538 })),
    close: () => {
      card.disconnect(SCARD_RESET_CARD);
      context.close();
      return Promise.resolve();
    },
  };
}

/** Median and p95 of one APDU, sent `APDUS` times on one open connection (inside one transaction). */
async function perApdu(open: () => Promise<CardConnection>): Promise<number[]> {
  const connection = await open();
  const times: number[] = [];
  try {
    for (let i = 0; i < APDUS; i++) {
      const started = performance.now();
      const response = await connection.transmit(SELECT_PIV);
      times.push(performance.now() - started);
      if (response[response.length - 2] !== 0x90) throw new Error('SELECT failed');
    }
  } finally {
    await connection.close();
  }
  return [round(percentile(times, 0.5)), round(percentile(times, 0.95))];
}

/** Median and p95 of a whole login: take the card, SELECT, read the certificate, VERIFY, sign, release. */
async function perLogin(open: () => Promise<CardConnection>): Promise<number[]> {
  const times: number[] = [];
  let apdus = 0;
  for (let i = 0; i < LOGINS; i++) {
    const started = performance.now();
    const connection = await open();
    try {
      const piv = await PivSession.open(connection);
      if (!(await piv.readCertificate(Slot.AUTHENTICATION))) throw new Error('no certificate');
      await piv.verifyPin(DEFAULT_PIN);
      await piv.signEcdsa(Slot.AUTHENTICATION, Algorithm.ECC_P256, digest);
      apdus = piv.processor.exchanges;
    } finally {
      await connection.close();
    }
    times.push(performance.now() - started);
  }
  return [apdus, round(percentile(times, 0.5)), round(percentile(times, 0.95))];
}

/** Time from starting a host process to its answer to hello (what the first card use in a browser session pays). */
async function hostStart(): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const port = openPipePort();
    const client = await NativeHostClient.open(port);
    times.push(performance.now() - started);
    client.close();
    await port.exited;
  }
  return [round(percentile(times, 0.5))];
}

async function waitForCard(deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const context = new Context();
    try {
      const reader = context.listReaders().find((candidate) => candidate.name === READER_NAME);
      if (reader?.atr && reader.atr.length > 0) return;
    } finally {
      context.close();
    }
    if (Date.now() > deadline) throw new Error(`no card in ${READER_NAME} after ${deadlineMs} ms`);
    await sleep(100);
  }
}

/** Runs the benchmark. */
export async function run(): Promise<BenchTable[]> {
  const work = mkdtempSync(join(tmpdir(), 'kyotsu-bench-host-'));
  const release = await acquireFileLock(join(tmpdir(), 'kyotsu-pcsc.lock'), 5 * 60_000);
  const pcscd = await ensurePcscd(READER);
  const state = join(work, 'card.json');
  await provision(state);
  // The card runs in its own process: this one makes synchronous PC/SC calls that wait for it.
  const server = spawn(process.execPath, [KYOTSU, 'card', 'serve', '--state', state, '--reader', String(READER)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const served = new Promise((done) => server.once('exit', done));
  const port = openPipePort();
  try {
    await waitForCard(20_000);
    const client = await NativeHostClient.open(port);
    const viaHost = (): Promise<CardConnection> => NativeCardConnection.open(client, READER_NAME);
    // Interleave the two paths so machine load falls on both alike.
    const apduBaseline = await perApdu(connectBaseline);
    const apduHost = await perApdu(viaHost);
    const loginBaseline = await perLogin(connectBaseline);
    const loginHost = await perLogin(viaHost);
    const start = await hostStart();
    client.close();
    return [
      {
        title: 'One APDU (SELECT PIV, ~70-byte answer) to the software card in the vpcd reader',
        columns: ['path', 'median ms', 'p95 ms'],
        rows: [
          ['pcscd alone (smartcard package, this process)', ...apduBaseline],
          ['native host + pcscd (JSON/base64 over the host pipe)', ...apduHost],
          ['host overhead', round(apduHost[0]! - apduBaseline[0]!), round(apduHost[1]! - apduBaseline[1]!)],
        ],
        notes: [
          `${APDUS} APDUs per path inside one exclusive connection / transaction.`,
          'Most of each APDU is the pcscd ↔ vpcd ↔ card TCP hop, common to both paths; the overhead row is the host’s own cost (JSON, base64, two pipes, one more process).',
        ],
      },
      {
        title: 'One login: take the card, SELECT, read the 9A certificate (1.2 KB), VERIFY PIN, sign (P-256), release with a reset',
        columns: ['path', 'APDUs', 'median ms', 'p95 ms'],
        rows: [
          ['pcscd alone (smartcard package, this process)', ...loginBaseline],
          ['native host + pcscd', ...loginHost],
          ['host overhead', '', round(loginHost[1]! - loginBaseline[1]!), round(loginHost[2]! - loginBaseline[2]!)],
        ],
        notes: [
          `${LOGINS} logins per path. Wall time includes the software card's own P-256 signature (pure BigInt) and vpcd's TCP hop.`,
          `Starting a host process until it answers hello (once per browser session, node + tsx): ${start[0]} ms median of 3.`,
        ],
      },
    ];
  } finally {
    port.disconnect();
    await port.exited;
    server.kill('SIGTERM');
    await served;
    await pcscd.stop();
    await release();
    rmSync(work, { recursive: true, force: true });
  }
}
