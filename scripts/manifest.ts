/**
 * Per-browser manifests from the one root `manifest.json`:
 * - Chrome: `background.service_worker` only (Chrome warns on `scripts` and has no `gecko` settings);
 * - Firefox: `background.scripts` only, plus `browser_specific_settings.gecko`.
 * Chrome's unpacked builds also get `key` (src/extension-ids.ts): it pins the extension's ID on every machine,
 * so the native host's `allowed_origins` (written by `kyotsu host install`) matches an unpacked install. The
 * Chrome Web Store zip must not carry `key` (the store refuses an upload with it and assigns the listing's
 * own key, whose public half then goes into src/extension-ids.ts): `pinId: false` for that zip.
 */
import { CHROME_EXTENSION_KEY } from '../src/extension-ids.js';

/** The manifest fields this build rewrites; everything else passes through untouched. */
export interface SourceManifest {
  readonly background: { readonly service_worker: string; readonly scripts: readonly string[] };
  readonly browser_specific_settings?: unknown;
  readonly [key: string]: unknown;
}

export type Target = 'chrome' | 'firefox';

/**
 * Returns the manifest for one browser, with keys in the source order.
 * @param options.pinId Chrome only: add `key` (default true; false for the store zip).
 */
export function manifestFor(source: SourceManifest, target: Target, options: { readonly pinId?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'background') {
      out.background = target === 'chrome' ? { service_worker: source.background.service_worker } : { scripts: [...source.background.scripts] };
    } else if (key === 'browser_specific_settings') {
      if (target === 'firefox') out[key] = value;
    } else {
      out[key] = value;
    }
  }
  if (target === 'chrome' && (options.pinId ?? true)) out.key = CHROME_EXTENSION_KEY;
  return out;
}
