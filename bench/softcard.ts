/**
 * The software PIV card's own speed: GENERAL AUTHENTICATE sign time per algorithm and on-card key
 * generation time, measured from the card's operation log (when the card started and finished the APDU,
 * no transport), with the timing model off. What a real card would add is `timing.signMs`.
 */
import { createHash } from 'node:crypto';
import { Algorithm } from '../src/piv/constants.js';
import { encodeTlv } from '../src/tlv.js';
import { type SoftPivCard } from '../bridge/softcard/soft-piv-card.js';
import { authenticate, poweredCard, send, verifyPin } from '../bridge/softcard/test-kit.js';
import { type BenchTable } from './table.js';

const ALGORITHMS = [
  { name: 'ECC P-256', id: Algorithm.ECC_P256, input: () => createHash('sha256').update('bench').digest(), signs: 40, keygens: 20 },
  { name: 'ECC P-384', id: Algorithm.ECC_P384, input: () => createHash('sha384').update('bench').digest(), signs: 30, keygens: 15 },
  { name: 'RSA-2048', id: Algorithm.RSA_2048, input: () => rsaBlock(), signs: 20, keygens: 5 },
] as const;

/** A PKCS#1 v1.5 type-1 block below any 2048-bit modulus (leading 00 01). */
function rsaBlock(): Uint8Array {
  const block = new Uint8Array(256).fill(0xff);
  block[0] = 0x00;
  block[1] = 0x01;
  block.set(createHash('sha256').update('bench').digest(), 224);
  return block;
}

function stats(samples: number[]): { median: number; p95: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p95: at(0.95), mean: samples.reduce((s, x) => s + x, 0) / samples.length };
}

/** Card-side duration of the last APDU with instruction `ins`. */
function lastDuration(card: SoftPivCard, ins: number): number {
  const entry = [...card.log].reverse().find((e) => e.ins === ins);
  if (entry === undefined) throw new Error(`no ${ins.toString(16)} in the card log`);
  return entry.endedAt - entry.startedAt;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Runs the benchmark (about 10–30 s on a shared 2-core machine). */
export async function run(): Promise<BenchTable[]> {
  const signRows: (string | number)[][] = [];
  const keygenRows: (string | number)[][] = [];
  for (const algorithm of ALGORITHMS) {
    const card = await poweredCard();
    if ((await authenticate(card)) !== 0x9000) throw new Error('management key authentication failed');
    const template = encodeTlv(0xac, encodeTlv(0x80, Uint8Array.of(algorithm.id)));
    const keygen: number[] = [];
    for (let i = 0; i < algorithm.keygens; i++) {
      if ((await send(card, 0x47, 0x00, 0x9a, template)).sw !== 0x9000) throw new Error('GENERATE failed');
      keygen.push(lastDuration(card, 0x47));
    }
    await verifyPin(card);
    const sign: number[] = [];
    const request = encodeTlv(0x7c, encodeTlv(0x82), encodeTlv(0x81, algorithm.input()));
    for (let i = 0; i < algorithm.signs + 3; i++) {
      card.clearLog();
      if ((await send(card, 0x87, algorithm.id, 0x9a, request)).sw !== 0x9000) throw new Error('GENERAL AUTHENTICATE failed');
      if (i >= 3) sign.push(lastDuration(card, 0x87)); // first three warm up the JIT
    }
    const s = stats(sign);
    const k = stats(keygen);
    signRows.push([algorithm.name, sign.length, round(s.median), round(s.p95), Math.round(1000 / s.mean)]);
    keygenRows.push([algorithm.name, keygen.length, round(k.median), round(k.p95)]);
  }
  return [
    {
      title: 'Software card: GENERAL AUTHENTICATE sign time (card-side, per APDU)',
      columns: ['algorithm', 'signatures', 'median ms', 'p95 ms', 'signatures/s'],
      rows: signRows,
      notes: [
        'ECDSA over the host digest and the RSA-CRT private operation in pure BigInt (runs unchanged in the extension).',
        'Measured from the card operation log; excludes APDU transport. timing.signMs adds modelled latency on top.',
      ],
    },
    {
      title: 'Software card: GENERATE ASYMMETRIC KEY PAIR time (card-side, per APDU, includes saving the state)',
      columns: ['algorithm', 'keys', 'median ms', 'p95 ms'],
      rows: keygenRows,
      notes: ['EC: random scalar + BigInt scalar multiplication. RSA-2048: WebCrypto generateKey, CRT parameters from the JWK.'],
    },
  ];
}
