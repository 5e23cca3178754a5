import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { toHex } from '../../src/bytes.js';
import { SOFT_CARD_ATR } from '../softcard/soft-piv-card.js';
import { encodeFrame, FrameDecoder } from '../vpcd/frame.js';
import { run } from './card.js';

const KYOTSU = resolve(import.meta.dirname, '../../bin/kyotsu.mjs');

/** Runs `kyotsu card …` in-process and returns its exit code and console output. */
async function card(t: TestContext, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = t.mock.method(console, 'log', (...parts: unknown[]) => out.push(parts.join(' ')));
  const error = t.mock.method(console, 'error', (...parts: unknown[]) => err.push(parts.join(' ')));
  try {
    const code = await run(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mock.restore();
    error.mock.restore();
  }
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'kyotsu-card-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('kyotsu card init / status', () => {
  it('creates a card with the given serial in a private file and will not overwrite it without --force', async (t) => {
    const state = join(tempDir(t), 'cards', 'card.json');
    assert.deepEqual(await card(t, 'init', '--state', state, '--serial', '4242'), { code: 0, out: '4242', err: '' });
    assert.equal(statSync(state).mode & 0o777, 0o600, 'the state file holds private keys: owner-only');

    const again = await card(t, 'init', '--state', state, '--serial', '99');
    assert.equal(again.code, 1);
    assert.match(again.err, /already holds a card \(use --force/);
    assert.match((await card(t, 'status', '--state', state)).out, /serial:\s+4242/);

    assert.equal((await card(t, 'init', '--state', state, '--serial', '99', '--force')).code, 0);
    assert.match((await card(t, 'status', '--state', state)).out, /serial:\s+99/);
  });

  it('status reads the card through its own APDUs: serial, version, PIN tries and empty slots', async (t) => {
    const state = join(tempDir(t), 'card.json');
    await card(t, 'init', '--state', state, '--serial', '7');
    const { code, out } = await card(t, 'status', '--state', state);
    assert.equal(code, 0);
    assert.match(out, /serial:\s+7\n/);
    assert.match(out, /version:\s+\d+\.\d+\.\d+/);
    assert.match(out, /PIN:\s+3 tries left/);
    assert.match(out, /9A PIV Authentication\s+no certificate/);
  });

  it('status on a missing state file says how to create one', async (t) => {
    const { code, err } = await card(t, 'status', '--state', join(tempDir(t), 'none.json'));
    assert.equal(code, 1);
    assert.match(err, /no card at .*none\.json \(create one with: kyotsu card init/);
  });

  it('rejects unknown commands and bad options with usage and exit code 2', async (t) => {
    assert.equal((await card(t, 'frobnicate')).code, 2);
    const bad = await card(t, 'serve', '--reader', 'one');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--reader must be a whole number/);
    assert.equal((await card(t, 'init', '--bogus')).code, 2);
  });
});

describe('kyotsu card serve', () => {
  it('serves the card in its state file to vpcd and removes it on SIGTERM', async (t) => {
    const state = join(tempDir(t), 'card.json');
    await card(t, 'init', '--state', state, '--serial', '31337');

    // Play vpcd: accept the card, ask for the ATR, power it on, SELECT PIV and GET SERIAL.
    const vpcd = createServer();
    vpcd.listen(0, '127.0.0.1');
    await once(vpcd, 'listening');
    t.after(() => vpcd.close());
    const port = vpcd.address() as AddressInfo;
    const accepted = once(vpcd, 'connection') as Promise<[Socket]>;

    const server = spawn(process.execPath, [KYOTSU, 'card', 'serve', '--state', state, '--port', String(port.port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(server, 'exit') as Promise<[number | null]>;
    t.after(() => {
      if (server.exitCode === null) server.kill('SIGKILL');
    });

    const [socket] = await accepted;
    const decoder = new FrameDecoder();
    const replies: Uint8Array[] = [];
    let wake: (() => void) | undefined;
    socket.on('data', (chunk: Buffer) => {
      replies.push(...decoder.push(new Uint8Array(chunk)));
      wake?.();
    });
    const ask = async (message: number[]): Promise<string> => {
      socket.write(encodeFrame(Uint8Array.from(message)));
      while (replies.length === 0) await new Promise<void>((done) => (wake = done));
      return toHex(replies.shift()!);
    };

    assert.equal(await ask([4]), toHex(SOFT_CARD_ATR));
    socket.write(encodeFrame(Uint8Array.of(1)));
    assert.match(await ask([0x00, 0xa4, 0x04, 0x00, 0x05, 0xa0, 0x00, 0x00, 0x03, 0x08]), /9000$/);
    assert.equal(await ask([0x00, 0xf8, 0x00, 0x00]), '00007a699000', 'GET SERIAL answers the serial of the state file (31337)');

    const ended = once(socket, 'end');
    server.kill('SIGTERM');
    const [code] = await exited;
    await ended;
    assert.equal(code, 0, stderr);
    assert.match(stderr, /serving software PIV card 31337/);
    assert.match(stderr, /SIGTERM: removing the card/);
  });
});
