import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KyotsuError } from '../../src/errors.js';
import { encodeFrame, FrameDecoder } from './frame.js';
import { FakeCard } from './fake-card.js';
import { VpcdLink } from './link.js';
import { type VpcdLogLevel } from './log.js';
import { type ApduTrace } from './redact.js';

function harness(card = new FakeCard()) {
  const replies: Uint8Array[] = [];
  const decoder = new FrameDecoder();
  const logs: { level: VpcdLogLevel; message: string; error: Error | undefined }[] = [];
  const traces: ApduTrace[] = [];
  const link = new VpcdLink({
    card,
    send: (frame) => replies.push(...decoder.push(frame)),
    log: (level, message, error) => logs.push({ level, message, error }),
    onExchange: (trace) => traces.push(trace),
  });
  const send = async (...messages: number[][]): Promise<void> => {
    for (const message of messages) link.receive(encodeFrame(Uint8Array.from(message)));
    await link.idle();
  };
  return { card, link, replies, logs, traces, send };
}

describe('vpcd link', () => {
  it('answers GET ATR without leaving an unpowered card powered', async () => {
    const { card, replies, send } = harness();
    await send([4]);
    assert.deepEqual(replies, [card.atr]);
    assert.deepEqual(card.calls, ['on', 'off']);
    assert.equal(card.powered, false);
  });

  it('powers on, resets and powers off the card without replying, then answers the ATR of the last reset', async () => {
    const { card, replies, send } = harness();
    await send([1]);
    card.atr = Uint8Array.of(0x3b, 0x00);
    await send([2], [4]);
    assert.deepEqual(card.calls, ['on', 'on']);
    assert.deepEqual(replies, [Uint8Array.of(0x3b, 0x00)]);
    await send([0]);
    assert.equal(card.powered, false);
    await send([4]);
    assert.deepEqual(card.calls, ['on', 'on', 'off'], 'polling the ATR of a known card does not power it');
  });

  it('passes command APDUs to the card and frames the response', async () => {
    const { card, replies, traces, send } = harness();
    await send([1], [0x00, 0xa4, 0x04, 0x00, 0x01, 0xa0], [0x00, 0xfd, 0x00, 0x00]);
    assert.deepEqual(replies, [Uint8Array.of(0xa4, 0x90, 0x00), Uint8Array.of(0xfd, 0x90, 0x00)]);
    assert.deepEqual(card.calls, ['on', '00a4040001a0', '00fd0000']);
    assert.deepEqual(traces.map((t) => `${t.command} ${t.sw}`), ['00A4040001A0 9000', '00FD0000 9000']);
  });

  it('answers 6F00 and logs a typed error when the card fails, then keeps serving', async () => {
    const { card, replies, logs, send } = harness();
    card.respond = () => Promise.reject(new KyotsuError('CARD_BROKEN', 'the card broke'));
    await send([1], [0x00, 0x20, 0x00, 0x80, 0x06, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36]);
    card.respond = undefined;
    await send([0x00, 0xca, 0x00, 0x00]);
    assert.deepEqual(replies, [Uint8Array.of(0x6f, 0x00), Uint8Array.of(0xca, 0x90, 0x00)]);
    const failure = logs.find((l) => l.level === 'error');
    assert.equal((failure?.error as KyotsuError | undefined)?.code, 'VPCD_CARD_FAILED');
    assert.match(failure?.message ?? '', /00200080 <7 bytes redacted>/);
    assert.doesNotMatch(JSON.stringify(logs.map((l) => l.message)), /313233343536/, 'the PIN never reaches the log');
  });

  it('answers 6F00 when the card returns more than a frame can carry', async () => {
    const { card, replies, logs, send } = harness();
    card.respond = () => Promise.resolve(new Uint8Array(0x10001));
    await send([1], [0x00, 0xcb, 0x3f, 0xff]);
    assert.deepEqual(replies, [Uint8Array.of(0x6f, 0x00)]);
    assert.equal((logs.find((l) => l.level === 'error')?.error as KyotsuError | undefined)?.code, 'VPCD_CARD_FAILED');
  });

  it('logs malformed frames as typed errors and does not answer them', async () => {
    const { replies, logs, send } = harness();
    await send([], [3], [0x99]);
    assert.deepEqual(replies, []);
    assert.deepEqual(logs.filter((l) => l.level === 'error').map((l) => (l.error as KyotsuError).code),
      ['VPCD_MALFORMED_FRAME', 'VPCD_MALFORMED_FRAME', 'VPCD_MALFORMED_FRAME']);
  });

  it('handles messages strictly in order even when the card is slow', async () => {
    const { card, replies, link } = harness();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    card.respond = async (command) => {
      if (command[1] === 0x01) await gate;
      return Uint8Array.of(command[1]!, 0x90, 0x00);
    };
    link.receive(Uint8Array.of(...encodeFrame(Uint8Array.of(1)), ...encodeFrame(Uint8Array.of(0, 1, 0, 0)), ...encodeFrame(Uint8Array.of(0, 2, 0, 0))));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(replies, []);
    release();
    await link.idle();
    assert.deepEqual(replies, [Uint8Array.of(1, 0x90, 0x00), Uint8Array.of(2, 0x90, 0x00)]);
  });

  it('powers a powered card off when it leaves the reader, and ignores what comes after', async () => {
    const { card, replies, link, send } = harness();
    await send([1]);
    await link.close();
    assert.equal(card.powered, false);
    await send([4]);
    assert.deepEqual(replies, []);
  });
});
