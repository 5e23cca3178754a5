/**
 * A tiny `IccCard` test double for the vpcd bridge's own tests (not a PIV card: bridge/softcard is). It
 * records what the reader did to it and answers every APDU with its INS byte echoed before 9000, or with
 * a scripted response.
 */
import { type IccCard } from '../transport/card-connection.js';

/** Test double of a card: records calls, answers from a script or by echoing INS ‖ 9000. */
export class FakeCard implements IccCard {
  /** ATR returned by every power-on. */
  atr = Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01);
  /** Every call in order: `on`, `off`, or the command APDU in hex. */
  readonly calls: string[] = [];
  powered = false;
  /** When set, `process` runs this instead of echoing. */
  respond: ((command: Uint8Array) => Promise<Uint8Array>) | undefined;

  powerOn(): Promise<Uint8Array> {
    this.calls.push('on');
    this.powered = true;
    return Promise.resolve(this.atr);
  }

  powerOff(): Promise<void> {
    this.calls.push('off');
    this.powered = false;
    return Promise.resolve();
  }

  async process(command: Uint8Array): Promise<Uint8Array> {
    this.calls.push(Array.from(command, (b) => b.toString(16).padStart(2, '0')).join(''));
    if (this.respond) return this.respond(command);
    return Uint8Array.of(command[1] ?? 0, 0x90, 0x00);
  }
}
