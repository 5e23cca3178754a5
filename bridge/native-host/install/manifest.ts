/**
 * The native-messaging host manifest (Chrome: "Native messaging host manifest"; Firefox: "Native
 * manifests") and the check `kyotsu host status` runs on one: the right name, an absolute path to an
 * executable, stdio, and kyotsu's extension IDs allowed — nothing else.
 */
import { chromeExtensionOrigin, NATIVE_HOST_NAME } from '../../../src/extension-ids.js';

/** The manifest as JSON. */
export interface HostManifest {
  readonly name: string;
  readonly description: string;
  readonly path: string;
  readonly type: 'stdio';
  readonly allowed_origins?: readonly string[];
  readonly allowed_extensions?: readonly string[];
}

const DESCRIPTION = 'kyotsu: smart-card readers (PC/SC) for the kyotsu browser extension';

/** The manifest for a browser flavour, launcher `path` and allowed extension IDs. */
export function hostManifest(flavour: 'chrome' | 'firefox', path: string, ids: { readonly chrome: readonly string[]; readonly firefox: readonly string[] }): HostManifest {
  const base = { name: NATIVE_HOST_NAME, description: DESCRIPTION, path, type: 'stdio' as const };
  // Chrome: allowed_origins lists chrome-extension://ID/ (wildcards are not allowed); Firefox: allowed_extensions lists add-on IDs.
  return flavour === 'chrome' ? { ...base, allowed_origins: ids.chrome.map(chromeExtensionOrigin) } : { ...base, allowed_extensions: [...ids.firefox] };
}

/** What is wrong with a manifest's content (empty when nothing is). */
export function manifestProblems(value: unknown, flavour: 'chrome' | 'firefox', wanted: { readonly chrome: readonly string[]; readonly firefox: readonly string[] }): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['is not a JSON object'];
  const manifest = value as Record<string, unknown>;
  const problems: string[] = [];
  if (manifest.name !== NATIVE_HOST_NAME) problems.push(`names host ${JSON.stringify(manifest.name)}, not ${NATIVE_HOST_NAME}`);
  if (manifest.type !== 'stdio') problems.push('is not of type "stdio"');
  if (typeof manifest.path !== 'string' || !manifest.path.startsWith('/')) problems.push('has no absolute "path" (Linux requires one)');
  const field = flavour === 'chrome' ? 'allowed_origins' : 'allowed_extensions';
  const listed = manifest[field];
  const expected = flavour === 'chrome' ? wanted.chrome.map(chromeExtensionOrigin) : wanted.firefox;
  if (!Array.isArray(listed) || !listed.every((item) => typeof item === 'string')) {
    problems.push(`has no "${field}" list`);
  } else {
    const missing = expected.filter((id) => !listed.includes(id));
    if (missing.length > 0) problems.push(`does not allow kyotsu's extension ID (${missing.join(', ')} missing from "${field}")`);
  }
  return problems;
}
