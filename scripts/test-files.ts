/** Finds test files for a step: `*.test.ts` under the given folders, sorted, never inside node_modules. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Lists `*.test.ts` files below each root (relative paths, sorted for a stable order). */
export function findTestFiles(roots: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.ts')) found.push(path);
    }
  };
  roots.forEach(walk);
  return found.sort();
}
