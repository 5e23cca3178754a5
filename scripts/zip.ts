/**
 * Reproducible store zips: entries in sorted order, one fixed timestamp, fixed permissions, so the same
 * input gives the same bytes. yazl is used because Node has no zip writer and it lets us pin mtime/mode.
 */
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import yazl from 'yazl';

/** 1980-01-01T00:00:00Z: the earliest DOS date, the conventional pin for reproducible zips. */
const FIXED_MTIME = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(root, path).split(sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
}

/**
 * Zips every file under `root` into `zipPath` reproducibly.
 * @param replace files whose zipped content differs from the folder's (by path inside the zip)
 */
export function zipDirectory(root: string, zipPath: string, replace: Readonly<Record<string, string>> = {}): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const name of listFiles(root)) {
    const content = Object.hasOwn(replace, name) ? Buffer.from(replace[name]!, 'utf8') : readFileSync(join(root, name));
    zip.addBuffer(content, name, { mtime: FIXED_MTIME, mode: 0o100644, compress: true });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const out = createWriteStream(zipPath);
    out.on('close', () => resolve());
    out.on('error', reject);
    zip.outputStream.on('error', reject).pipe(out);
  });
}
