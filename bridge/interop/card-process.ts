/**
 * The software card in its own process, for the interoperability tests: a fresh `SoftPivCard` served to
 * vpcd, reporting on stdout one JSON line per event. It runs apart from the test because pcsc-lite calls
 * that the `smartcard` package makes synchronously (SCardDisconnect) wait for the card to answer pcscd,
 * which a card in the same, blocked, thread never could.
 *
 * Usage: node --import tsx bridge/interop/card-process.ts --port P --serial N
 * stdin:  `mark ID` lines — echoed as {"type":"mark","id":…} after every event that came before them.
 * stdout: {"type":"connected"} | {"type":"apdu","trace":ApduTrace} | {"type":"log",…} | {"type":"mark","id":…}
 * Ends (removing the card) on SIGTERM, SIGINT or end of stdin.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { KyotsuError } from '../../src/errors.js';
import { SoftPivCard } from '../softcard/soft-piv-card.js';
import { VpcdClient } from '../vpcd/client.js';
import { type CardProcessEvent } from './card-process-handle.js';

function emit(event: CardProcessEvent): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string' }, serial: { type: 'string' } }, strict: true });
  const card = await SoftPivCard.create({ serial: Number(values.serial) });
  const client = new VpcdClient({
    card,
    port: Number(values.port),
    retryMs: 50,
    maxRetryMs: 500,
    onExchange: (trace) => emit({ type: 'apdu', trace }),
    log: (level, message, error) => {
      if (level !== 'debug') emit({ type: 'log', level, message, code: error instanceof KyotsuError ? error.code : null });
      if (level === 'info' && message.startsWith('card inserted')) emit({ type: 'connected' });
    },
  });
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.startsWith('mark ')) emit({ type: 'mark', id: line.slice(5) });
  });
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      client.stop().then(done, (error: unknown) => {
        emit({ type: 'log', level: 'error', message: `stopping failed: ${String(error)}`, code: null });
        done();
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    lines.once('close', stop);
    client.start();
  });
  lines.close();
  process.stdin.destroy();
}

await main();
