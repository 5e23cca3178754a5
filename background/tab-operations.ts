/**
 * The pending operations of each tab, so a tab that closes (`tabs.onRemoved`) or cancels (the Cancel on
 * its notice, or the page's `cancel`) abandons exactly its own operations: their signals abort, which
 * takes them out of the card queue, closes their PIN and consent windows and stops a wait for the card.
 * Operations of the options page have no tab and are not cancellable this way.
 */

/** One pending operation. `end` must be called when it settles (the one cleanup path). */
export interface TabOperation {
  /** 128 random bits, hex: names the operation in notices and in `cancel`. */
  readonly id: string;
  readonly signal: AbortSignal;
  end(): void;
}

interface Entry {
  readonly tabId: number | null;
  readonly controller: AbortController;
}

/** Pending operations by id. */
export class TabOperations {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly newId: () => string) {}

  /** Starts an operation for `tabId` (null: not a tab). */
  begin(tabId: number | null): TabOperation {
    const id = this.newId();
    const controller = new AbortController();
    this.entries.set(id, { tabId, controller });
    return { id, signal: controller.signal, end: () => void this.entries.delete(id) };
  }

  /** Aborts the tab's operation `operationId`, or all of its operations when null. Returns how many. */
  cancel(tabId: number, operationId: string | null): number {
    let count = 0;
    for (const [id, entry] of [...this.entries]) {
      if (entry.tabId !== tabId || (operationId !== null && id !== operationId)) continue;
      this.entries.delete(id);
      entry.controller.abort();
      count++;
    }
    return count;
  }

  /** `tabs.onRemoved`: everything the tab was waiting for is abandoned. */
  tabRemoved(tabId: number): void {
    this.cancel(tabId, null);
  }

  /** Pending operations (tests, status). */
  get size(): number {
    return this.entries.size;
  }
}
