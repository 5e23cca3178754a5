/**
 * The browser-side client against the real host program over a pipe, without touching the machine's pcscd:
 * the host is pointed at a PC/SC socket that does not exist (PCSCLITE_CSOCK_NAME, read by libpcsclite), so
 * it sees "pcscd not running" whatever runs here. The port's fates (host missing, forbidden, crashed,
 * talking nonsense) are played by a scripted port, with the browsers' own words.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PinInvalidError } from '../../src/card-errors.js';
import { KyotsuError } from '../../src/errors.js';
import { NativeHostErrorCode } from '../../src/native-host-errors.js';
import { MAX_COMMAND_APDU_BYTES, MAX_REQUEST_BYTES, NATIVE_PROTOCOL_VERSION } from '../../src/native-host-protocol.js';
import { NativeCardConnection } from '../native-host-client/card-connection.js';
import { NativeHostClient } from '../native-host-client/client.js';
import { diagnoseNativeHost } from '../native-host-client/diagnose.js';
import { type NativePort } from '../native-host-client/port.js';
import { openPipePort, type PipePort } from './pipe-port.js';

function hasCode(code: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof KyotsuError, `a typed error, not ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

/** A host whose libpcsclite looks for pcscd where there is none. */
function hostWithoutPcscd(): { port: PipePort; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kyotsu-no-pcscd-'));
  const port = openPipePort({ env: { PCSCLITE_CSOCK_NAME: join(dir, 'pcscd.comm') } });
  return { port, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A port a test scripts: it answers each posted message with `answer`, or closes with `closeWith`. */
function scriptedPort(options: { answer?: (message: Record<string, unknown>) => unknown; closeWith?: string; chromeStyle?: boolean }): NativePort & { posted: unknown[] } {
  const onMessage: ((message: unknown) => void)[] = [];
  const onDisconnect: ((port: NativePort) => void)[] = [];
  const posted: unknown[] = [];
  const port = {
    posted,
    error: null as { message: string } | null,
    onMessage: { addListener: (listener: (message: unknown) => void) => void onMessage.push(listener) },
    onDisconnect: { addListener: (listener: (port: NativePort) => void) => void onDisconnect.push(listener) },
    postMessage(message: unknown) {
      posted.push(message);
      const { answer, closeWith } = options;
      setTimeout(() => {
        if (closeWith !== undefined) {
          // Chrome leaves `port.error` unset and reports the reason in runtime.lastError instead.
          if (!options.chromeStyle) port.error = { message: closeWith };
          for (const listener of onDisconnect) listener(port);
          return;
        }
        const reply = answer?.(message as Record<string, unknown>);
        if (reply !== undefined) for (const listener of onMessage) listener(reply);
      }, 1);
    },
    disconnect: () => undefined,
  };
  return port;
}

const helloReply = (message: Record<string, unknown>): unknown => ({
  type: 'reply',
  id: message.id,
  ok: true,
  result: { protocolVersion: 1, hostVersion: 'x', pcsc: 'up', maxRequestBytes: MAX_REQUEST_BYTES, maxCommandApduBytes: MAX_COMMAND_APDU_BYTES },
});

describe('native host client over a pipe to the real host', () => {
  it('says hello, reports pcscd missing as PCSC_UNAVAILABLE, and diagnoses it', async () => {
    const { port, cleanup } = hostWithoutPcscd();
    try {
      const client = await NativeHostClient.open(port);
      assert.equal(client.hello.protocolVersion, NATIVE_PROTOCOL_VERSION);
      assert.equal(client.hello.pcsc, 'down');
      assert.equal(client.hello.maxRequestBytes, MAX_REQUEST_BYTES);
      await assert.rejects(client.listReaders(), hasCode(NativeHostErrorCode.PCSC_UNAVAILABLE));
      await assert.rejects(NativeCardConnection.open(client, 'Any Reader'), hasCode(NativeHostErrorCode.PCSC_UNAVAILABLE));
      const watched = await client.watch(() => undefined);
      assert.deepEqual({ pcsc: watched.pcsc, readers: watched.readers }, { pcsc: 'down', readers: [] });
      client.close();
      assert.equal(await port.exited, 0, 'the host ends cleanly when the port closes');
    } finally {
      cleanup();
    }
  });

  it('diagnoses a host that runs but finds no pcscd', async () => {
    const { port, cleanup } = hostWithoutPcscd();
    try {
      const report = await diagnoseNativeHost(() => port);
      assert.equal(report.problem, 'pcscd-not-running');
      assert.match(report.message, /is pcscd running\?/);
      assert.equal(report.hostVersion !== null, true);
      assert.equal(await port.exited, 0);
    } finally {
      cleanup();
    }
  });

  it('refuses locally a request longer than the host reads, and the host answers a forged one with its id', async () => {
    const { port, cleanup } = hostWithoutPcscd();
    try {
      const client = await NativeHostClient.open(port);
      const apdu = 'A'.repeat(MAX_REQUEST_BYTES);
      await assert.rejects(client.request({ type: 'transmit', handle: 1, apdu }), hasCode(NativeHostErrorCode.MESSAGE_TOO_LARGE));
      assert.equal((await client.request({ type: 'hello', protocolVersion: 1 })).pcsc, 'down', 'still talking');
      await assert.rejects(client.request({ type: 'hello', protocolVersion: 2 }), hasCode(NativeHostErrorCode.PROTOCOL_MISMATCH));
      client.close();
      await port.exited;
    } finally {
      cleanup();
    }
  });

  it('fails pending requests with NATIVE_HOST_DISCONNECTED when the host process dies', async () => {
    const { port, cleanup } = hostWithoutPcscd();
    try {
      const client = await NativeHostClient.open(port);
      const closed = new Promise((done) => client.onClose(done));
      process.kill(port.pid, 'SIGKILL');
      assert.ok(hasCode(NativeHostErrorCode.HOST_DISCONNECTED)(await closed));
      await assert.rejects(client.listReaders(), hasCode(NativeHostErrorCode.HOST_DISCONNECTED));
    } finally {
      cleanup();
    }
  });
});

describe('native host client and the port it is given', () => {
  const fates: [string, string, string, string][] = [
    ['Chrome without a manifest', 'Specified native messaging host not found.', NativeHostErrorCode.HOST_NOT_FOUND, 'host-not-installed'],
    ['Firefox without a manifest', 'No such native application dev.kyotsu.pcsc', NativeHostErrorCode.HOST_NOT_FOUND, 'host-not-installed'],
    ['Chrome, manifest for another ID', 'Access to the specified native messaging host is forbidden.', NativeHostErrorCode.HOST_FORBIDDEN, 'host-forbidden'],
    [
      'Firefox, manifest for another ID',
      'This extension does not have permission to use native application dev.kyotsu.pcsc (or the application is not installed)',
      NativeHostErrorCode.HOST_FORBIDDEN,
      'host-forbidden',
    ],
    ['a host that crashes at start', 'Native host has exited.', NativeHostErrorCode.HOST_DISCONNECTED, 'host-failed'],
  ];
  for (const [name, words, code, problem] of fates) {
    it(`${name}: ${code}, diagnosed as ${problem}`, async () => {
      await assert.rejects(NativeHostClient.open(scriptedPort({ closeWith: words })), hasCode(code));
      const report = await diagnoseNativeHost(() => scriptedPort({ closeWith: words }));
      assert.equal(report.problem, problem);
    });
  }

  it("reads Chrome's reason from runtime.lastError when the port has none", async () => {
    const port = scriptedPort({ closeWith: 'Specified native messaging host not found.', chromeStyle: true });
    await assert.rejects(NativeHostClient.open(port, { lastError: () => 'Specified native messaging host not found.' }), hasCode(NativeHostErrorCode.HOST_NOT_FOUND));
    const unexplained = scriptedPort({ closeWith: 'x', chromeStyle: true });
    await assert.rejects(NativeHostClient.open(unexplained), hasCode(NativeHostErrorCode.HOST_DISCONNECTED));
  });

  it('times out a request the host never answers', async () => {
    const port = scriptedPort({ answer: (message) => (message.type === 'hello' ? helloReply(message) : undefined) });
    const client = await NativeHostClient.open(port, { requestTimeoutMs: 50 });
    await assert.rejects(client.listReaders(), hasCode(NativeHostErrorCode.HOST_TIMEOUT));
  });

  it('closes the port when the host sends something that is not the protocol', async () => {
    const port = scriptedPort({ answer: (message) => (message.type === 'hello' ? helloReply(message) : { type: 'reply', id: message.id, ok: 'maybe' }) });
    const client = await NativeHostClient.open(port);
    await assert.rejects(client.listReaders(), hasCode(NativeHostErrorCode.HOST_REPLY_INVALID));
    assert.equal(client.closed?.code, NativeHostErrorCode.HOST_REPLY_INVALID);
  });

  it('rejects a result that does not match the request it answers', async () => {
    const port = scriptedPort({ answer: (message) => (message.type === 'hello' ? helloReply(message) : { type: 'reply', id: message.id, ok: true, result: { response: 'kAA=' } }) });
    const client = await NativeHostClient.open(port);
    await assert.rejects(client.listReaders(), hasCode('BAD_MESSAGE'));
  });

  it('revives card errors with their type: a wrong PIN keeps its tries left', async () => {
    const port = scriptedPort({
      answer: (message) =>
        message.type === 'hello'
          ? helloReply(message)
          : { type: 'reply', id: message.id, ok: false, error: { code: 'PIN_INVALID', message: 'Wrong PIN: 2 tries left', details: { which: 'pin', retriesLeft: 2 } } },
    });
    const client = await NativeHostClient.open(port);
    await assert.rejects(client.request({ type: 'transmit', handle: 1, apdu: 'AKQEAA==' }), (error) => error instanceof PinInvalidError && error.retriesLeft === 2);
  });
});
