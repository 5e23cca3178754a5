/**
 * A fake `CardConnection` for tests: a script of expected command → canned response pairs, in hex.
 * Each transmit must match the next expected command byte for byte, or the exchange fails loudly.
 */
import { fromHex, toHex } from '../../src/bytes.js';
import type { CardConnection } from '../transport/card-connection.js';

/** One scripted exchange: the command APDU the host must send and the response the card gives. */
export type ScriptStep = readonly [command: string, response: string];

/** A `CardConnection` that plays a script and records what was sent. */
export class ScriptedConnection implements CardConnection {
  readonly atr = fromHex('3bf81300008131fe15597562696b657934d4');
  /** Every command sent, in hex. */
  readonly sent: string[] = [];
  readonly #steps: ScriptStep[];

  constructor(steps: readonly ScriptStep[]) {
    this.#steps = [...steps];
  }

  /** True once every scripted exchange has happened. */
  get done(): boolean {
    return this.#steps.length === 0;
  }

  transmit(command: Uint8Array): Promise<Uint8Array> {
    const hex = toHex(command);
    this.sent.push(hex);
    const step = this.#steps.shift();
    if (step === undefined) return Promise.reject(new Error(`unscripted command ${hex}`));
    const [expected, response] = step;
    const normalised = expected.replace(/\s+/g, '').toLowerCase();
    if (hex !== normalised) return Promise.reject(new Error(`expected command ${normalised}, got ${hex}`));
    return Promise.resolve(fromHex(response.replace(/\s+/g, '')));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
