/**
 * User settings in `storage.local` under one key, with defaults. Stored values are re-checked on read
 * (storage is not trusted to hold what we wrote: another version may have written it), falling back to
 * the default for any field that does not fit.
 */
import { CARD_SOURCE_KINDS, type CardSourceKind, type Settings, type UsbDeviceId } from '../src/message-results.js';
import { createUpdater, type KeyValueStore } from './kv-store.js';
import { DEFAULT_PIN_CACHE_MINUTES } from './pin-cache.js';

const KEY = 'settings';

/** Settings of a fresh install: the software card, a 10-minute PIN cache, automatic login on. */
export const DEFAULT_SETTINGS: Settings = {
  pinCacheMinutes: DEFAULT_PIN_CACHE_MINUTES,
  cardSource: 'software',
  usbDevice: null,
  autoLogin: true,
};

/** Reads and changes the settings; `onChange` hears every change. */
export class SettingsStore {
  private readonly update;

  constructor(
    private readonly store: KeyValueStore,
    private readonly onChange: (settings: Settings) => void = () => undefined,
  ) {
    this.update = createUpdater(store);
  }

  /** Current settings, defaults filled in. */
  async get(): Promise<Settings> {
    return normalise(await this.store.get(KEY));
  }

  /** Applies a (validated) patch and returns the new settings. */
  async set(patch: Partial<Settings>): Promise<Settings> {
    const next = await this.update(KEY, (current) => ({ ...normalise(current), ...patch }));
    this.onChange(next);
    return next;
  }
}

function normalise(value: unknown): Settings {
  const stored = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const minutes = stored.pinCacheMinutes;
  return {
    pinCacheMinutes: typeof minutes === 'number' && Number.isInteger(minutes) && minutes >= 0 && minutes <= 240 ? minutes : DEFAULT_SETTINGS.pinCacheMinutes,
    cardSource: CARD_SOURCE_KINDS.includes(stored.cardSource as CardSourceKind) ? (stored.cardSource as CardSourceKind) : DEFAULT_SETTINGS.cardSource,
    usbDevice: isUsbDevice(stored.usbDevice) ? stored.usbDevice : null,
    autoLogin: typeof stored.autoLogin === 'boolean' ? stored.autoLogin : DEFAULT_SETTINGS.autoLogin,
  };
}

function isUsbDevice(value: unknown): value is UsbDeviceId {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Record<string, unknown>;
  const textOrNull = (v: unknown) => v === null || typeof v === 'string';
  return typeof d.vendorId === 'number' && typeof d.productId === 'number' && textOrNull(d.serialNumber) && textOrNull(d.productName);
}
