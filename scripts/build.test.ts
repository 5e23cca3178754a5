import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAll } from './build.js';

describe('npm run build', () => {
  const first = mkdtempSync(join(tmpdir(), 'kyotsu-build-a-'));
  const second = mkdtempSync(join(tmpdir(), 'kyotsu-build-b-'));
  before(async () => {
    await buildAll({ dist: first, testBuild: false });
    await buildAll({ dist: second, testBuild: false });
  });
  after(() => {
    rmSync(first, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
  });

  it('gives byte-identical store zips from the same input', () => {
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
