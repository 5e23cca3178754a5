/**
 * `npm test`: typecheck, lint, unit tests, browser tests — in that order, stopping at the first failure —
 * then one closing line `N passed, N failed[, N skipped]`. Typecheck and lint count as one check each;
 * every node:test test counts as one. A skipped test is reported as skipped, never as passed.
 *
 * `--only unit|browser` runs one test step (after nothing else), for quick local loops.
 * `--grep PATTERN` passes a name filter to node:test.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTestFiles } from './test-files.js';

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

const UNIT_ROOTS = ['src', 'bridge', 'server', 'background', 'content', 'options', 'scripts', 'bin'];
const BROWSER_ROOTS = ['e2e'];

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function gate(name: string, command: string, args: readonly string[], tally: Tally): Promise<boolean> {
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  const code = await run(command, args);
  if (code === 0) tally.passed++;
  else tally.failed++;
  console.log(`=== ${name}: ${code === 0 ? 'passed' : `FAILED (exit ${code})`}`);
  return code === 0;
}

async function testStep(name: string, roots: readonly string[], tally: Tally, extra: readonly string[]): Promise<boolean> {
  const files = findTestFiles(roots);
  console.log(`\n=== ${name}: ${files.length} test files`);
  if (files.length === 0) {
    console.log(`=== ${name}: no test files`);
    return true;
  }
  const dir = mkdtempSync(join(tmpdir(), 'kyotsu-test-'));
  const counts = join(dir, 'counts.jsonl');
  const concurrency = name === 'browser tests' ? '1' : (process.env.KYOTSU_TEST_CONCURRENCY ?? '2');
  const code = await run(process.execPath, [
    '--import', 'tsx',
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./scripts/count-reporter.mjs', `--test-reporter-destination=${counts}`,
    ...extra,
    ...files,
  ]);
  const lines = readFileSync(counts, { encoding: 'utf8', flag: 'a+' }).split('\n').filter(Boolean);
  rmSync(dir, { recursive: true, force: true });
  const step: Tally = { passed: 0, failed: 0, skipped: 0 };
  for (const line of lines) {
    const { outcome } = JSON.parse(line) as { outcome: keyof Tally };
    step[outcome]++;
  }
  // A runner that exited non-zero with no failing test recorded (a crash, a file that did not load) still fails.
  if (code !== 0 && step.failed === 0) step.failed = 1;
  tally.passed += step.passed;
  tally.failed += step.failed;
  tally.skipped += step.skipped;
  console.log(`=== ${name}: ${step.passed} passed, ${step.failed} failed, ${step.skipped} skipped`);
  return step.failed === 0;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const extra: string[] = [];
  if (args.includes('--grep')) extra.push(`--test-name-pattern=${args[args.indexOf('--grep') + 1] ?? ''}`);
  const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  const steps: (() => Promise<boolean>)[] = [];
  if (only === undefined) {
    steps.push(() => gate('typecheck', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], tally));
    steps.push(() => gate('lint', 'npx', ['eslint', '--max-warnings', '0', '.'], tally));
  }
  if (only === undefined || only === 'unit') steps.push(() => testStep('unit tests', UNIT_ROOTS, tally, extra));
  if (only === undefined || only === 'browser') {
    steps.push(() => gate('build (test)', 'npx', ['tsx', 'scripts/build.ts', '--test-build'], tally));
    steps.push(() => testStep('browser tests', BROWSER_ROOTS, tally, extra));
  }
  for (const step of steps) {
    if (!(await step())) break;
  }
  const skipped = tally.skipped > 0 ? `, ${tally.skipped} skipped` : '';
  console.log(`\n${tally.passed} passed, ${tally.failed} failed${skipped}`);
  return tally.failed === 0 ? 0 : 1;
}

process.exitCode = await main();
