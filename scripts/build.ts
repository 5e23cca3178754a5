/**
 * `npm run build`: bundles background, content script and options page with esbuild and writes
 * `dist/chrome/`, `dist/firefox/`, `dist/kyotsu-chrome.zip` and `dist/kyotsu-firefox.zip`.
 *
 * `--test-build` also writes `dist/test/chrome` and `dist/test/firefox`, built with
 * `KYOTSU_TEST_BUILD=true`: the only builds that may contain test seams. The store zips never do.
 */
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { manifestFor, type SourceManifest, type Target } from './manifest.js';
import { zipDirectory } from './zip.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGETS: readonly Target[] = ['chrome', 'firefox'];

/** Entry points: output name → source. */
const ENTRIES = {
  background: 'background/main.ts',
  content: 'content/main.ts',
  options: 'options/main.ts',
  pin: 'options/pin.ts',
  consent: 'options/consent.ts',
} as const;

/** Static files copied as they are: source → destination inside the extension. */
const STATIC = [
  ['options/options.html', 'options.html'],
  ['options/options.css', 'options.css'],
  ['options/pin.html', 'pin.html'],
  ['options/consent.html', 'consent.html'],
  ['options/prompt.css', 'prompt.css'],
  ['_locales', '_locales'],
  ['icons', 'icons'],
] as const;

async function buildTarget(target: Target, outDir: string, testBuild: boolean): Promise<void> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: outDir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120', 'firefox140'],
    charset: 'utf8',
    legalComments: 'none',
    sourcemap: false,
    minify: false,
    // Dead-code elimination: `if (KYOTSU_TEST_BUILD) …` branches vanish from release bundles entirely
    // (identifiers and whitespace stay readable for store review).
    minifySyntax: true,
    logLevel: 'warning',
    define: {
      KYOTSU_TEST_BUILD: JSON.stringify(testBuild),
      KYOTSU_TARGET: JSON.stringify(target),
    },
  });
  for (const [from, to] of STATIC) cpSync(join(ROOT, from), join(outDir, to), { recursive: true });
  writeFileSync(join(outDir, 'manifest.json'), manifestText(target, true));
}

function manifestText(target: Target, pinId: boolean): string {
  const source = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as SourceManifest;
  return `${JSON.stringify(manifestFor(source, target, { pinId }), null, 2)}\n`;
}

/**
 * Builds everything into `dist` (default `<repo>/dist`). Exported for the build's own tests.
 * @param options.testBuild also build `dist/test/*` with test seams enabled.
 */
export async function buildAll(options: { dist?: string; testBuild?: boolean } = {}): Promise<void> {
  const testBuild = options.testBuild ?? false;
  const dist = options.dist ?? join(ROOT, 'dist');
  mkdirSync(dist, { recursive: true });
  for (const target of TARGETS) {
    await buildTarget(target, join(dist, target), false);
    // The store zip: the unpacked build without the ID-pinning `key` (scripts/manifest.ts).
    await zipDirectory(join(dist, target), join(dist, `kyotsu-${target}.zip`), { 'manifest.json': manifestText(target, false) });
    if (testBuild) await buildTarget(target, join(dist, 'test', target), true);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outIndex = process.argv.indexOf('--out');
  const testBuild = process.argv.includes('--test-build');
  await buildAll({ testBuild, ...(outIndex > 0 ? { dist: process.argv[outIndex + 1] } : {}) });
  console.log(`built dist/chrome, dist/firefox and their zips${testBuild ? ', and dist/test/*' : ''}`);
}
