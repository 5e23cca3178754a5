/**
 * The native-messaging PC/SC host `dev.kyotsu.pcsc`: the program Chrome, Chromium, Edge and Firefox start
 * when kyotsu calls `runtime.connectNative('dev.kyotsu.pcsc')`, and end by closing its stdin when the port
 * closes. One process per port (per browser session), not per command.
 *
 *   node --import tsx bridge/native-host/main.ts [caller…]
 *
 * Chrome passes the caller's origin (`chrome-extension://ID/`); Firefox passes the manifest path and the
 * extension ID. stdin/stdout carry the protocol (src/native-host-protocol.ts); the log goes to stderr or to
 * `KYOTSU_HOST_LOG` (level `KYOTSU_HOST_LOG_LEVEL`: debug|info|warn|error). The launcher `kyotsu host
 * install` writes runs exactly this.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format } from 'node:util';
import { MAX_REQUEST_BYTES, type NativeHostMessage } from '../../src/native-host-protocol.js';
import { CardHandles } from './card-handles.js';
import { encodeNativeMessage, NativeMessageReader } from './framing.js';
import { logFromEnvironment } from './log.js';
import { PcscService } from './pcsc-service.js';
import { ReaderWatch } from './reader-watch.js';
import { HostSession } from './session.js';

function hostVersion(): string {
  const manifest = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

async function main(): Promise<number> {
  const log = logFromEnvironment();
  // stdout is the protocol channel: anything printed there by accident would break the framing.
  const toLog = (...args: unknown[]): void => log.info(format(...args));
  console.log = toLog;
  console.info = toLog;
  console.debug = toLog;
  log.info(`started for ${process.argv.slice(2).join(' ') || 'an unnamed caller'} (node ${process.version})`);

  const service = new PcscService(log);
  const handles = new CardHandles(service, log);
  // The watch reports to the session, which needs the watch: the arrow reads `session` only once events flow.
  const sessionRef: { current?: HostSession } = {};
  const watch = new ReaderWatch(service, log, (event) => sessionRef.current?.event(event));
  const send = (message: NativeHostMessage): void => {
    if (!process.stdout.writable) return;
    process.stdout.write(encodeNativeMessage(message));
  };
  const session = new HostSession({ send, service, handles, watch, log, hostVersion: hostVersion() });
  sessionRef.current = session;
  watch.start();

  const reader = new NativeMessageReader(MAX_REQUEST_BYTES);
  const finished = new Promise<string>((done) => {
    process.stdin.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) session.receive(frame);
    });
    process.stdin.once('end', () => done(reader.midMessage ? 'the browser closed the port mid-message' : 'the browser closed the port'));
    process.stdin.once('error', (error: Error) => done(`stdin failed: ${error.message}`));
    // The browser going away while we write (EPIPE) ends the session too.
    process.stdout.once('error', (error: Error) => done(`stdout failed: ${error.message}`));
    process.once('SIGTERM', () => done('SIGTERM'));
    process.once('SIGINT', () => done('SIGINT'));
  });
  const reason = await finished;
  log.info(`stopping: ${reason}`);
  // Release the cards first (with a reset: no verified PIN outlives the session), then stop listening.
  await handles.closeAll();
  await session.close();
  await watch.stop();
  service.close();
  log.info('stopped');
  return 0;
}

process.exitCode = await main();
process.stdin.destroy();
