/**
 * A card state file for Node (`kyotsu card serve --state FILE`). Writes are atomic and durable: the new
 * state goes to a temporary file in the same directory, is fsynced, renamed over the old file, and the
 * directory is fsynced, so a crash leaves the old or the new state and never a torn one (POSIX rename(2)).
 * The file holds private keys in clear: it is created with mode 0600.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { type CardState } from './card-state.js';
import { type SoftCardStore } from './card-store.js';
import { SoftCardError, SoftCardErrorCode } from './errors.js';
import { decodeCardState, encodeCardState } from './state-codec.js';

/** A `SoftCardStore` backed by one JSON file. */
export class FileCardStore implements SoftCardStore {
  /** @param path the state file; created on the first save. */
  constructor(readonly path: string) {}

  /** Reads the state file; `undefined` if it does not exist yet. */
  async load(): Promise<CardState | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new SoftCardError(SoftCardErrorCode.STORE_FAILED, `Cannot read card state ${this.path}: ${(error as Error).message}`);
    }
    return decodeCardState(text);
  }

  /** Atomically replaces the state file (temp file + fsync + rename + directory fsync). */
  async save(state: CardState): Promise<void> {
    const directory = dirname(this.path);
    const temp = join(directory, `.${basename(this.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const file = await open(temp, 'wx', 0o600);
      try {
        await file.writeFile(encodeCardState(state), 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, this.path);
      const dir = await open(directory, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch (error) {
      await unlink(temp).catch((cleanup: NodeJS.ErrnoException) => {
        if (cleanup.code !== 'ENOENT') throw cleanup;
      });
      throw new SoftCardError(SoftCardErrorCode.STORE_FAILED, `Cannot save card state ${this.path}: ${(error as Error).message}`);
    }
  }
}
