import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ExtensionErrorCode } from '../src/extension-errors.js';

const ROOT = join(import.meta.dirname, '..');
type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;
const load = (lang: string) => JSON.parse(readFileSync(join(ROOT, '_locales', lang, 'messages.json'), 'utf8')) as Messages;
const en = load('en');
const ja = load('ja');

/** Every literal key the extension's code and pages look up. */
function usedKeys(): Set<string> {
  const keys = new Set<string>();
  for (const dir of ['options', 'content', 'background']) {
    for (const name of readdirSync(join(ROOT, dir))) {
      if (name.endsWith('.test.ts') || !/\.(ts|html)$/.test(name)) continue;
      const text = readFileSync(join(ROOT, dir, name), 'utf8');
      for (const match of text.matchAll(/(?:\bt|getMessage|translate)\('([A-Za-z0-9_]+)'/g)) keys.add(match[1]!);
      for (const match of text.matchAll(/data-i18n="([A-Za-z0-9_]+)"/g)) keys.add(match[1]!);
    }
  }
  return keys;
}

describe('_locales (en, ja)', () => {
  it('have the same messages with the same placeholders in both languages', () => {
    assert.deepEqual(Object.keys(ja).sort(), Object.keys(en).sort());
    for (const key of Object.keys(en)) {
      assert.deepEqual(Object.keys(ja[key]!.placeholders ?? {}).sort(), Object.keys(en[key]!.placeholders ?? {}).sort(), key);
      assert.notEqual(ja[key]!.message, '', key);
    }
  });

  it('have every message the pages and scripts look up', () => {
    const missing = [...usedKeys()].filter((key) => !(key in en));
    assert.deepEqual(missing, []);
  });

  it('explain every extension error code to a person, and the notices and PIN purposes', () => {
    const needed = [
      ...Object.values(ExtensionErrorCode).filter((code) => !code.startsWith('EXTENSION_')).map((code) => `error_${code}`),
      ...['card_busy', 'insert_card', 'pin_requested'].map((kind) => `notice_${kind}`),
      ...['authenticate', 'enroll', 'write_certificate', 'card_status'].map((purpose) => `pinPurpose_${purpose}`),
      'error_PIN_INVALID',
      'error_PIN_BLOCKED',
      'error_PUK_INVALID',
    ];
    assert.deepEqual(needed.filter((key) => !(key in en)), []);
  });
});
