/**
 * `npm run bench [name…]`: runs the benchmarks (all, or the named ones), prints each table and writes
 * `bench/results/<name>.md` with the machine and date. Speed lives here, never in test assertions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { toMarkdown, toText } from './format.js';
import { type BenchTable } from './table.js';

type Bench = () => Promise<{ run(): Promise<BenchTable[]> }>;

/** Every benchmark, by name. Add a line when a benchmark lands. */
const BENCHES: Readonly<Record<string, Bench>> = {
  softcard: () => import('./softcard.js'),
  ccid: () => import('./ccid.js'),
  'path-validation': () => import('./path-validation.js'),
  'card-apdu': () => import('./card-apdu.js'),
  ca: () => import('./ca.js'),
  rp: () => import('./rp.js'),
  'native-host': () => import('./native-host.js'),
  extension: () => import('./extension.js'),
  statement: () => import('./statement.js'),
};

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
    return 2;
  }
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  for (const name of names) {
    const tables = await (await BENCHES[name]!()).run();
    const header = `## ${name}\n\nRun ${new Date().toISOString()} on ${machine}.\n`;
    writeFileSync(join(dir, `${name}.md`), `${header}\n${tables.map(toMarkdown).join('\n\n')}\n`);
    console.log(`\n${tables.map(toText).join('\n\n')}`);
  }
  return 0;
}

process.exitCode = await main();
