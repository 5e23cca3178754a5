import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryStore } from './kv-store.js';
import { DEFAULT_SETTINGS, SettingsStore } from './settings.js';

describe('settings', () => {
  it('starts with the software card, a 10-minute PIN cache and automatic login', async () => {
    assert.deepEqual(await new SettingsStore(createMemoryStore()).get(), DEFAULT_SETTINGS);
    assert.equal(DEFAULT_SETTINGS.pinCacheMinutes, 10);
    assert.equal(DEFAULT_SETTINGS.cardSource, 'software');
  });

  it('keeps a change, tells the listener, and leaves the other settings alone', async () => {
    const heard: number[] = [];
    const store = createMemoryStore();
    const settings = new SettingsStore(store, (s) => heard.push(s.pinCacheMinutes));
    await settings.set({ pinCacheMinutes: 3 });
    await settings.set({ cardSource: 'webusb' });
    assert.deepEqual(await new SettingsStore(store).get(), { ...DEFAULT_SETTINGS, pinCacheMinutes: 3, cardSource: 'webusb' });
    assert.deepEqual(heard, [3, 3]);
  });

  it('replaces stored values that do not fit with the defaults', async () => {
    const store = createMemoryStore();
    await store.set('settings', { pinCacheMinutes: -5, cardSource: 'floppy', autoLogin: 'yes', usbDevice: { vendorId: 'x' } });
    assert.deepEqual(await new SettingsStore(store).get(), DEFAULT_SETTINGS);
  });
});
