import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { KyotsuError } from '../../src/errors.js';
import { VpcdClient } from './client.js';
import { FakeCard } from './fake-card.js';
import { encodeFrame, FrameDecoder } from './frame.js';
import { type VpcdLogLevel } from './log.js';

/** The vpcd side of the wire, played by the test: accepts the card and asks it things, as pcscd would. */
class FakeVpcd {
  readonly server: Server;
  private readonly decoder = new FrameDecoder();
  private readonly replies: Uint8Array[] = [];
  private wanted: (() => void) | undefined;
  socket: Socket | undefined;

  constructor() {
    this.server = createServer((socket) => {
      this.socket = socket;
      socket.on('data', (chunk: Buffer) => {
        this.replies.push(...this.decoder.push(new Uint8Array(chunk)));
        this.wanted?.();
      });
    });
  }

  async listen(port = 0): Promise<number> {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as AddressInfo).port;
  }

  async accepted(): Promise<Socket> {
    if (!this.socket) await once(this.server, 'connection');
    return this.socket!;
  }

  /** Sends one message and, for GET ATR and APDUs, waits for the card's reply. */
  async ask(message: number[], reply = true): Promise<Uint8Array | undefined> {
    const socket = await this.accepted();
    // Split every frame in two writes to exercise partial reads on the card side.
    const frame = encodeFrame(Uint8Array.from(message));
    socket.write(frame.subarray(0, 1));
    socket.write(frame.subarray(1));
    if (!reply) return undefined;
    while (this.replies.length === 0) await new Promise<void>((resolve) => (this.wanted = resolve));
    return this.replies.shift();
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    this.socket = undefined;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('vpcd client', () => {
  it('serves the card to vpcd: ATR, power on, APDUs', async () => {
    const vpcd = new FakeVpcd();
    const port = await vpcd.listen();
    const card = new FakeCard();
    const client = new VpcdClient({ card, port });
    client.start();
    try {
      await client.whenConnected();
      assert.deepEqual(await vpcd.ask([4]), card.atr);
      await vpcd.ask([1], false);
      assert.deepEqual(await vpcd.ask([0x00, 0xa4, 0x04, 0x00]), Uint8Array.of(0xa4, 0x90, 0x00));
      assert.equal(card.powered, true);
    } finally {
      await client.stop();
      await vpcd.close();
    }
    assert.equal(card.powered, false, 'stopping removes the card and powers it off');
  });

  it('stop() closes the socket: vpcd sees the card removed', async () => {
    const vpcd = new FakeVpcd();
    const port = await vpcd.listen();
    const client = new VpcdClient({ card: new FakeCard(), port });
    client.start();
    await client.whenConnected();
    const socket = await vpcd.accepted();
    const ended = once(socket, 'end');
    await client.stop();
    await ended;
    assert.equal(client.state, 'stopped');
    await assert.rejects(client.whenConnected(), (e: unknown) => e instanceof KyotsuError && e.code === 'VPCD_CONNECTION_LOST');
    await vpcd.close();
  });

  it('waits for vpcd to appear and reconnects after it restarts (pcscd restart), powering the card off in between', async () => {
    // Find a free port, then leave it closed so the client starts with "connection refused".
    const probe = new FakeVpcd();
    const port = await probe.listen();
    await probe.close();

    const card = new FakeCard();
    const logs: { level: VpcdLogLevel; code: string | undefined }[] = [];
    const client = new VpcdClient({
      card, port, retryMs: 10, maxRetryMs: 40,
      log: (level, _message, error) => logs.push({ level, code: (error as KyotsuError | undefined)?.code }),
    });
    const servers: FakeVpcd[] = [];
    client.start();
    try {
      while (!logs.some((l) => l.code === 'VPCD_UNREACHABLE')) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.equal(logs.filter((l) => l.code === 'VPCD_UNREACHABLE' && l.level === 'warn').length, 1, 'unreachable is said once, not on every retry');

      const first = new FakeVpcd();
      servers.push(first);
      await first.listen(port);
      await client.whenConnected();
      await first.ask([1], false);
      await first.ask([4]); // vpcd waits for this reply, so the power-on before it has been handled
      assert.equal(card.powered, true);
      await first.close();
      while (!logs.some((l) => l.code === 'VPCD_CONNECTION_LOST')) await new Promise((resolve) => setTimeout(resolve, 5));

      const second = new FakeVpcd();
      servers.push(second);
      await second.listen(port);
      await client.whenConnected();
      assert.equal(card.powered, false, 'the card lost power when the reader went away');
      assert.deepEqual(await second.ask([0x00, 0xfd, 0x00, 0x00]), Uint8Array.of(0xfd, 0x90, 0x00));
    } finally {
      await client.stop();
      for (const server of servers) if (server.server.listening) await server.close();
    }
  });
});
