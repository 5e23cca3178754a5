import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { buildAll } from './build.js';
import { CHROME_EXTENSION_ID, chromeExtensionId } from '../src/extension-ids.js';

/** Every file in a zip, decompressed (APPNOTE.TXT §4.3: end of central directory → central headers → local headers). */
function unzip(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(eocd + 16);
  for (let n = zip.readUInt16LE(eocd + 10); n > 0; n--) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(data, data + size);
    files.set(name, method === 8 ? inflateRawSync(raw) : Buffer.from(raw));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return files;
}

/** Strings only the test build's seams contain: the simulated CCID reader and the background's test hooks. */
const TEST_SEAM_MARKERS = ['Kyotsu Simulated CCID Reader', 'SimulatedCcidReader', 'kyotsuTest', 'SIM0001'];

describe('npm run build', () => {
  const first = mkdtempSync(join(tmpdir(), 'kyotsu-build-a-'));
  const second = mkdtempSync(join(tmpdir(), 'kyotsu-build-b-'));
  before(async () => {
    await buildAll({ dist: first, testBuild: true });
    await buildAll({ dist: second, testBuild: false });
  });
  after(() => {
    rmSync(first, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  });

  it('leaves every test seam out of the store zips, and only the test build has them', () => {
    const testBackground = readFileSync(join(first, 'test', 'chrome', 'background.js'), 'utf8');
    for (const marker of TEST_SEAM_MARKERS) assert.ok(testBackground.includes(marker), `the test build should contain "${marker}"`);
    for (const zip of ['kyotsu-chrome.zip', 'kyotsu-firefox.zip']) {
      const files = unzip(readFileSync(join(first, zip)));
      assert.ok(files.has('background.js') && files.has('options.js') && files.has('pin.js'), `${zip} lacks the bundles`);
      for (const [name, content] of files) {
        for (const marker of TEST_SEAM_MARKERS) assert.equal(content.includes(marker), false, `${zip}/${name} contains test seam "${marker}"`);
      }
    }
  });

  it('gives byte-identical store zips from the same input (with or without a test build beside them)', () => {
    for (const zip of ['kyotsu-chrome.zip', 'kyotsu-firefox.zip']) {
      assert.deepEqual(readFileSync(join(first, zip)), readFileSync(join(second, zip)), `${zip} differs between builds`);
    }
  });

  it('gives Chrome a service worker and Firefox background scripts with its gecko settings', () => {
    const chrome = JSON.parse(readFileSync(join(first, 'chrome', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const firefox = JSON.parse(readFileSync(join(first, 'firefox', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(chrome.background, { service_worker: 'background.js' });
    assert.equal(chrome.browser_specific_settings, undefined);
    assert.deepEqual(firefox.background, { scripts: ['background.js'] });
    assert.deepEqual((firefox.browser_specific_settings as { gecko: { id: string } }).gecko.id, 'kyotsu@kyotsu.dev');
  });

  it('pins the Chrome extension ID with the manifest key the native host manifests allow', async () => {
    const chrome = JSON.parse(readFileSync(join(first, 'chrome', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const firefox = JSON.parse(readFileSync(join(first, 'firefox', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(typeof chrome.key, 'string');
    assert.equal(await chromeExtensionId(chrome.key as string), CHROME_EXTENSION_ID);
    assert.equal(firefox.key, undefined);
  });

  it('leaves the ID-pinning key out of the Chrome Web Store zip, which is otherwise the unpacked build', () => {
    const zipped = unzip(readFileSync(join(first, 'kyotsu-chrome.zip')));
    const unpacked = JSON.parse(readFileSync(join(first, 'chrome', 'manifest.json'), 'utf8')) as Record<string, unknown>;
    const stored = JSON.parse(zipped.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    const { key: _pinned, ...rest } = unpacked;
    assert.deepEqual(stored, rest);
    assert.deepEqual(zipped.get('background.js'), readFileSync(join(first, 'chrome', 'background.js')));
  });

  it('passes web-ext lint for Firefox with no errors', () => {
    // web-ext exits non-zero when it finds errors; the JSON report is read either way.
    let output: string;
    try {
      output = execFileSync('npx', ['web-ext', 'lint', '--source-dir', join(first, 'firefox'), '--output', 'json', '--no-input'], { encoding: 'utf8' });
    } catch (error) {
      const stdout = (error as { stdout?: string | Buffer }).stdout;
      output = stdout === undefined ? '' : stdout.toString();
    }
    const report = JSON.parse(output.slice(output.indexOf('{'))) as { errors: { code: string; message: string }[]; summary: { errors: number } };
    assert.deepEqual(report.errors.map((e) => `${e.code}: ${e.message}`), []);
    assert.equal(report.summary.errors, 0);
  });
});
