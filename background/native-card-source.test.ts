import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type NativePort } from '../bridge/native-host-client/port.js';
import { toBase64 } from '../src/bytes.js';
import { type NativeEvent, NATIVE_PROTOCOL_VERSION, type ReaderInfo } from '../src/native-host-protocol.js';
import { ManualClock } from './clock.js';
import { createNativeCardSource, pickReader } from './native-card-source.js';

const ATR = toBase64(new Uint8Array([0x3b, 0x8a, 0x80, 0x01]));

/** A fake native host behind a fake `runtime.Port`: readers, handles, and the browser's ways of failing. */
class FakeHost {
  pcsc: 'up' | 'down' = 'up';
  readers: ReaderInfo[] = [];
  /** Set: the browser could not start the host and closes the port with these words (null: Chrome, which puts them in runtime.lastError). */
  missing: string | null | undefined = undefined;
  /** Fail this many `watch` requests (a host in trouble right after hello). */
  failWatches = 0;
  readonly requests: Record<string, unknown>[] = [];
  readonly ports: FakePort[] = [];

  connect = (): NativePort => {
    const port = new FakePort(this);
    this.ports.push(port);
    return port;
  };

  card(name: string): ReaderInfo {
    return { name, card: 'present', atr: ATR, busy: false };
  }

  types(): string[] {
    return this.requests.map((request) => String(request.type));
  }

  answer(message: Record<string, unknown>): unknown {
    this.requests.push(message);
    const ok = (result: unknown): unknown => ({ type: 'reply', id: message.id, ok: true, result });
    const fail = (code: string, text: string): unknown => ({ type: 'reply', id: message.id, ok: false, error: { code, message: text } });
    switch (message.type) {
      case 'hello':
        return ok({ protocolVersion: NATIVE_PROTOCOL_VERSION, hostVersion: '0.1.0', pcsc: this.pcsc, maxRequestBytes: 65536, maxCommandApduBytes: 32777 });
      case 'watch':
        if (this.failWatches > 0) {
          this.failWatches -= 1;
          return fail('NATIVE_HOST_TIMEOUT', 'watch failed');
        }
        return ok({ watching: true, pcsc: this.pcsc, readers: this.pcsc === 'up' ? this.readers : [] });
      case 'listReaders':
        return this.pcsc === 'up' ? ok({ readers: this.readers }) : fail('PCSC_UNAVAILABLE', 'The PC/SC service is not running (pcscd)');
      case 'connect':
        return ok({ handle: 7, reader: message.reader, atr: ATR });
      case 'begin':
        return ok({ atr: ATR, waitedMs: 0 });
      case 'transmit':
        return ok({ response: toBase64(new Uint8Array([0x90, 0x00])) });
      case 'end':
        return ok({ ended: true });
      case 'disconnect':
        return ok({ disconnected: true });
      default:
        return fail('NATIVE_UNKNOWN_REQUEST', 'unknown');
    }
  }
}

class FakePort implements NativePort {
  error: { message: string } | null = null;
  disconnected = false;
  private readonly messageListeners: ((message: unknown) => void)[] = [];
  private readonly disconnectListeners: ((port: NativePort) => void)[] = [];
  readonly onMessage = { addListener: (listener: (message: unknown) => void): void => void this.messageListeners.push(listener) };
  readonly onDisconnect = { addListener: (listener: (port: NativePort) => void): void => void this.disconnectListeners.push(listener) };

  constructor(private readonly host: FakeHost) {
    // Firefox and Chrome both fail a missing host asynchronously, right after connectNative.
    if (host.missing !== undefined) {
      const words = host.missing;
      setTimeout(() => this.exit(words), 1);
    }
  }

  postMessage(message: unknown): void {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object');
    if (this.host.missing !== undefined) return;
    const reply = this.host.answer(message as Record<string, unknown>);
    setTimeout(() => {
      if (!this.disconnected) for (const listener of this.messageListeners) listener(reply);
    }, 1);
  }

  disconnect(): void {
    this.disconnected = true;
  }

  /** The host process ended (or never started) with the browser's `words`. */
  exit(words: string | null): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.error = words === null ? null : { message: words };
    for (const listener of this.disconnectListeners) listener(this);
  }

  event(event: NativeEvent): void {
    for (const listener of this.messageListeners) listener({ type: 'event', event });
  }
}

/** Lets pending promise callbacks and the fake port's 1 ms replies run. */
function settled(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

function setUp(configure: (host: FakeHost) => void = () => undefined): { host: FakeHost; clock: ManualClock; source: ReturnType<typeof createNativeCardSource> } {
  const host = new FakeHost();
  configure(host);
  const clock = new ManualClock();
  return { host, clock, source: createNativeCardSource({ connect: host.connect, clock, idleMs: 60_000 }) };
}

describe('native host card source: saying exactly what is missing', () => {
  it('host not installed (Firefox words): NATIVE_HOST_NOT_FOUND, and the options page says host-not-installed', async () => {
    const { source } = setUp((host) => (host.missing = 'No such native application dev.kyotsu.pcsc'));
    await assert.rejects(source.openCard(), { code: 'NATIVE_HOST_NOT_FOUND' });
    assert.equal((await source.status()).problem, 'host-not-installed');
  });

  it('host not installed (Chrome reports it in runtime.lastError)', async () => {
    const host = new FakeHost();
    host.missing = null;
    const source = createNativeCardSource({
      connect: host.connect,
      clock: new ManualClock(),
      client: { lastError: () => 'Specified native messaging host not found.' },
    });
    await assert.rejects(source.openCard(), { code: 'NATIVE_HOST_NOT_FOUND' });
  });

  it('pcscd not running: PCSC_UNAVAILABLE; status says pcscd-not-running', async () => {
    const { source } = setUp((host) => (host.pcsc = 'down'));
    await assert.rejects(source.openCard(), { code: 'PCSC_UNAVAILABLE' });
    assert.equal((await source.status()).problem, 'pcscd-not-running');
  });

  it('no reader: NO_READER; status says no-reader', async () => {
    const { source } = setUp();
    await assert.rejects(source.openCard(), { code: 'NO_READER' });
    assert.equal((await source.status()).problem, 'no-reader');
  });

  it('a reader without a card: NO_CARD (the insert-your-card wait); status lists the reader', async () => {
    const { source } = setUp((host) => host.readers.push({ name: 'Virtual PCD 00 00', card: 'empty', atr: null, busy: false }));
    await assert.rejects(source.openCard(), { code: 'NO_CARD' });
    const report = await source.status();
    assert.equal(report.problem, 'no-card');
    assert.deepEqual(report.readers.map((reader) => reader.name), ['Virtual PCD 00 00']);
  });
});

describe('native host card source: the card', () => {
  it('opens the card inside a PC/SC transaction, transmits through the host, and releases it on close', async () => {
    const { host, source } = setUp((fake) => fake.readers.push(fake.card('Virtual PCD 00 00')));
    const connection = await source.openCard();
    assert.deepEqual([...connection.atr], [0x3b, 0x8a, 0x80, 0x01]);
    assert.deepEqual([...(await connection.transmit(new Uint8Array([0x00, 0xa4, 0x04, 0x00])))], [0x90, 0x00]);
    await connection.close();
    assert.deepEqual(host.types(), ['hello', 'watch', 'listReaders', 'connect', 'begin', 'transmit', 'disconnect']);
    assert.equal(host.requests.find((request) => request.type === 'connect')?.reader, 'Virtual PCD 00 00');
  });

  it('keeps one port for successive operations, and starts the host again after it exited', async () => {
    const { host, source } = setUp((fake) => fake.readers.push(fake.card('R')));
    await (await source.openCard()).close();
    await (await source.openCard()).close();
    assert.equal(host.ports.length, 1);
    host.ports[0]?.exit('Native application tried to send a message of 0 bytes');
    await (await source.openCard()).close();
    assert.equal(host.ports.length, 2);
  });

  it('does not keep a port whose watch failed: it is closed, and the next operation starts the host again', async () => {
    const { host, source } = setUp((fake) => {
      fake.readers.push(fake.card('R'));
      fake.failWatches = 1;
    });
    await assert.rejects(source.openCard(), { code: 'NATIVE_HOST_TIMEOUT' });
    assert.equal(host.ports[0]?.disconnected, true);
    await (await source.openCard()).close();
    assert.equal(host.ports.length, 2);
  });

  it('tells removal listeners when the card is removed, and when the host goes away', async () => {
    const { host, source } = setUp((fake) => fake.readers.push(fake.card('R')));
    let removals = 0;
    source.onCardRemoved(() => (removals += 1));
    await (await source.openCard()).close();
    host.ports[0]?.event({ kind: 'card-inserted', reader: 'R', atr: ATR });
    assert.equal(removals, 0);
    host.ports[0]?.event({ kind: 'card-removed', reader: 'R' });
    assert.equal(removals, 1);
    host.ports[0]?.exit('host crashed');
    assert.equal(removals, 2);
  });

  it('closes the port after the idle time, but never while a card operation is open', async () => {
    const { host, clock, source } = setUp((fake) => fake.readers.push(fake.card('R')));
    const connection = await source.openCard();
    clock.advance(120_000);
    assert.equal(host.ports[0]?.disconnected, false);
    await connection.close();
    clock.advance(59_000);
    assert.equal(host.ports[0]?.disconnected, false);
    clock.advance(1_000);
    await Promise.resolve();
    assert.equal(host.ports[0]?.disconnected, true);
  });

  it('closes the idle port also after an operation that found no card (the holder gave up waiting)', async () => {
    const { host, clock, source } = setUp((fake) => fake.readers.push(fake.card('R')));
    await (await source.openCard()).close();
    host.readers = [{ name: 'R', card: 'empty', atr: null, busy: false }]; // the card was taken out
    await assert.rejects(source.openCard(), { code: 'NO_CARD' });
    clock.advance(60_000);
    await Promise.resolve();
    assert.equal(host.ports[0]?.disconnected, true, 'the host does not hold the reader forever');
  });

  it('closes the port when the holder switches to another source, and starts the host again when switched back', async () => {
    const { host, source } = setUp((fake) => fake.readers.push(fake.card('R')));
    await (await source.openCard()).close();
    assert.equal(host.ports[0]?.disconnected, false, 'kept open between operations');
    source.release();
    await settled();
    assert.equal(host.ports[0]?.disconnected, true, 'the host is let go at once');
    await (await source.openCard()).close();
    assert.equal(host.ports.length, 2);
    assert.equal(host.ports[1]?.disconnected, false);
  });

  it('a switch away during a card operation lets it finish, then closes the port', async () => {
    const { host, source } = setUp((fake) => fake.readers.push(fake.card('R')));
    const connection = await source.openCard();
    source.release();
    await settled();
    assert.equal(host.ports[0]?.disconnected, false, 'never cut off mid-operation');
    assert.deepEqual([...(await connection.transmit(new Uint8Array([0x00, 0xa4, 0x04, 0x00])))], [0x90, 0x00]);
    await connection.close();
    await settled();
    assert.equal(host.ports[0]?.disconnected, true);
  });

  it('switching back before the operation ends cancels the pending close', async () => {
    const { host, source } = setUp((fake) => fake.readers.push(fake.card('R')));
    const first = await source.openCard();
    source.release();
    const second = source.openCard(); // chosen again: a new operation asks for the card
    await first.close();
    await (await second).close();
    await settled();
    assert.equal(host.ports.length, 1);
    assert.equal(host.ports[0]?.disconnected, false);
  });

  it('prefers the reader used last, else the first that holds a card', () => {
    const readers: ReaderInfo[] = [
      { name: 'A', card: 'empty', atr: null, busy: false },
      { name: 'B', card: 'present', atr: ATR, busy: false },
      { name: 'C', card: 'present', atr: ATR, busy: false },
    ];
    assert.equal(pickReader(readers, null)?.name, 'B');
    assert.equal(pickReader(readers, 'C')?.name, 'C');
    assert.equal(pickReader(readers, 'A')?.name, 'B');
    assert.equal(pickReader(readers.slice(0, 1), null), null);
  });
});
