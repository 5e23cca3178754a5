/**
 * Small popup windows the extension owns (the PIN window, the consent window): never inside a web page,
 * so a page can neither read nor draw over what the user types. One window per pending request; the user
 * closing it is reported once through `onClosed`. `close` is the one way the extension removes one.
 */

/** The parts of `browser.windows` used here (injectable for tests). */
export interface WindowApi {
  /** Opens `url` in a small popup window; resolves to its window id. */
  create(url: string): Promise<number>;
  remove(windowId: number): Promise<void>;
}

interface Entry {
  windowId: number | null;
  closing: boolean;
  readonly onClosed: () => void;
}

/** Tracks the prompt windows of pending requests. */
export class PromptWindows {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly api: WindowApi) {}

  /**
   * Opens `url` for request `id`. `onClosed` runs if the user closes the window (not when `close` does).
   * If `close(id)` is called while the window is still opening, the window is removed as soon as it exists.
   */
  async open(id: string, url: string, onClosed: () => void): Promise<void> {
    const entry: Entry = { windowId: null, closing: false, onClosed };
    this.entries.set(id, entry);
    const windowId = await this.api.create(url);
    entry.windowId = windowId;
    if (entry.closing) await this.api.remove(windowId);
  }

  /** Removes the window of request `id`, if any (idempotent). */
  async close(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    entry.closing = true;
    if (entry.windowId !== null) await this.api.remove(entry.windowId).catch(ignoreAlreadyClosed);
  }

  /** Call from `windows.onRemoved`: a window the user closed cancels its request. */
  windowRemoved(windowId: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.windowId !== windowId) continue;
      this.entries.delete(id);
      entry.onClosed();
    }
  }

  /** Number of open prompt windows (tests, keep-alive). */
  get size(): number {
    return this.entries.size;
  }
}

/** Removing a window the user already closed fails with "No window with id"; that is the state we wanted. */
function ignoreAlreadyClosed(error: unknown): void {
  if (error instanceof Error && /no window with id|invalid window id/i.test(error.message)) return;
  throw error;
}
