/** Bundles the service page script once per process (esbuild, in memory). */
import { join } from 'node:path';
import { build } from 'esbuild';

let cached: Promise<string> | null = null;

/** The bundled page script. */
export function servicePageScript(): Promise<string> {
  cached ??= build({
    entryPoints: [join(import.meta.dirname, 'service-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120', 'firefox128'],
    logLevel: 'warning',
  }).then((result) => result.outputFiles[0]!.text);
  return cached;
}
