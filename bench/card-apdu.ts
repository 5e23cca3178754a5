/**
 * APDUs and wall time of a login through the host card stack (PivSession → ApduProcessor → connectDirect)
 * against the software card: a first login (SELECT, read the 2 KB certificate, VERIFY, sign) and a repeat
 * login with the certificate cached (VERIFY, sign), in short-APDU mode (chaining + GET RESPONSE, what every
 * PIV card supports) and extended-length mode, with the card's timing model off and on.
 */
import { createHash } from 'node:crypto';
import { Algorithm, DEFAULT_PIN, Slot } from '../src/piv/constants.js';
import { PivSession } from '../bridge/piv/session.js';
import { issueTestCertificate } from '../bridge/piv/test-certificate.js';
import { SoftPivCard, type SoftPivCardOptions } from '../bridge/softcard/soft-piv-card.js';
import { connectDirect } from '../bridge/transport/direct.js';
import { type BenchTable } from './table.js';

const KEYS = [
  { name: 'ECC P-256', id: Algorithm.ECC_P256 },
  { name: 'RSA-2048', id: Algorithm.RSA_2048 },
] as const;
const digest = new Uint8Array(createHash('sha256').update('https://bank.example nonce').digest());

/** A provisioned card: key and 2 KB certificate in 9A. */
async function provisionedCard(algorithm: number, options: SoftPivCardOptions): Promise<SoftPivCard> {
  const card = await SoftPivCard.create(options);
  const connection = await connectDirect(card);
  const piv = await PivSession.open(connection);
  await piv.authenticateManagementKey();
  const spki = await piv.generateKey(Slot.AUTHENTICATION, algorithm);
  await piv.writeCertificate(Slot.AUTHENTICATION, await issueTestCertificate(spki, { size: 2048 }));
  await connection.close();
  return card;
}

async function sign(piv: PivSession, algorithm: number): Promise<void> {
  if (algorithm === Algorithm.RSA_2048) await piv.signRsa(Slot.AUTHENTICATION, algorithm, digest, { hash: 'SHA-256' });
  else await piv.signEcdsa(Slot.AUTHENTICATION, algorithm, digest);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (ms: number): number => Math.round(ms * 10) / 10;

/** One login flow `runs` times; returns APDUs per login and median wall ms for first and repeat logins. */
async function measure(card: SoftPivCard, algorithm: number, extendedLength: boolean, runs: number): Promise<number[]> {
  const first: number[] = [];
  const repeat: number[] = [];
  let firstApdus = 0;
  let repeatApdus = 0;
  for (let i = 0; i < runs; i++) {
    const connection = await connectDirect(card);
    let t = performance.now();
    const piv = await PivSession.open(connection, { extendedLength });
    if ((await piv.readCertificate(Slot.AUTHENTICATION)) === null) throw new Error('no certificate');
    await piv.verifyPin(DEFAULT_PIN);
    await sign(piv, algorithm);
    first.push(performance.now() - t);
    firstApdus = piv.processor.exchanges;
    t = performance.now();
    await piv.verifyPin(DEFAULT_PIN);
    await sign(piv, algorithm);
    repeat.push(performance.now() - t);
    repeatApdus = piv.processor.exchanges - firstApdus;
    await connection.close();
  }
  return [firstApdus, round(median(first)), repeatApdus, round(median(repeat))];
}

/** Runs the benchmark (about 20–40 s on a shared 2-core machine, most of it RSA key generation and the timing model). */
export async function run(): Promise<BenchTable[]> {
  const tables: BenchTable[] = [];
  const models: [string, SoftPivCardOptions['timing'], number][] = [
    ['timing model off', undefined, 15],
    ['modelled card: 5 ms per APDU, 60 ms per private-key operation', { apduMs: 5, signMs: 60 }, 3],
  ];
  for (const [label, timing, runs] of models) {
    const rows: (string | number)[][] = [];
    for (const key of KEYS) {
      const card = await provisionedCard(key.id, timing === undefined ? {} : { timing });
      for (const extended of [false, true]) {
        rows.push([key.name, extended ? 'extended' : 'short + chaining', ...(await measure(card, key.id, extended, runs))]);
      }
    }
    tables.push({
      title: `Card login over the host stack (connectDirect → software card), ${label}`,
      columns: ['key in 9A', 'APDU mode', 'first login APDUs', 'first login ms (median)', 'repeat login APDUs', 'repeat login ms (median)'],
      rows,
      notes: [
        'First login: SELECT, GET DATA 5FC105 (2 KB certificate), VERIFY, GENERAL AUTHENTICATE. Repeat: VERIFY, GENERAL AUTHENTICATE (certificate cached).',
        'Short mode reads the certificate with 61xx/GET RESPONSE and chains the 266-byte RSA request (CLA 10); extended mode uses one APDU each.',
        `${runs} runs per row; wall time includes the software card's own crypto (pure BigInt) and state persistence.`,
      ],
    });
  }
  return tables;
}
