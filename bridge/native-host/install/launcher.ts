/**
 * The launcher a host manifest points to: a small POSIX shell script that runs the host from this kyotsu
 * checkout with the Node.js that installed it. Browsers start hosts with a minimal environment and an
 * unspecified working directory, so both the checkout and node are absolute paths.
 */
import { resolve } from 'node:path';

/** The kyotsu checkout this code runs from. */
export const CHECKOUT = resolve(import.meta.dirname, '../../..');

/** Quotes a string for a POSIX shell. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The launcher script. `logFile` makes the host log there instead of the browser's stderr. */
export function launcherScript(options: { readonly node?: string; readonly checkout?: string; readonly logFile?: string } = {}): string {
  const node = options.node ?? process.execPath;
  const checkout = options.checkout ?? CHECKOUT;
  return [
    '#!/bin/sh',
    '# kyotsu native-messaging host dev.kyotsu.pcsc, written by `kyotsu host install`.',
    `# Runs bridge/native-host/main.ts from the kyotsu checkout at ${checkout}.`,
    ...(options.logFile ? [`KYOTSU_HOST_LOG=${shellQuote(options.logFile)}`, 'export KYOTSU_HOST_LOG'] : []),
    `cd ${shellQuote(checkout)} || exit 1`,
    `exec ${shellQuote(node)} --import tsx bridge/native-host/main.ts "$@"`,
    '',
  ].join('\n');
}
