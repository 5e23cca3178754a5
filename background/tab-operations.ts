/**
 * The pending operations of each tab, so a tab that closes (`tabs.onRemoved`), navigates away (its top frame
 * commits a new document: `webNavigation.onCommitted`, frame 0) or cancels (the Cancel on its notice, or the
 * page's `cancel`) abandons exactly its own operations: their signals abort, which takes them out of the card
 * queue, closes their PIN and consent windows, stops a wait for the card and a statement gathering (nothing
 * more is fetched or signed for a page that is gone). Operations of the options page have no tab and are not
 * cancellable this way.
 *
 * Navigation abandons only the operations of the documents the tab has left: the holder reloading the
 * statement page must not lose the gathering its NEW page starts, whichever of the new page's request and the
 * commit event reaches the background first. A request is tied to its document by the browser's `documentId`
 * where it gives one (Chrome; `sender.documentId` and the commit's `documentId`), else by time: a request that
 * arrived before the commit came from an earlier document (no page can send before its document commits).
 */

/** One pending operation. `end` must be called when it settles (the one cleanup path). */
export interface TabOperation {
  /** 128 random bits, hex: names the operation in notices and in `cancel`. */
  readonly id: string;
  readonly signal: AbortSignal;
  end(): void;
}

/** The document of a tab that made a request, as the browser identified it. */
export interface RequestDocument {
  /** The browser's id of the sending document (`sender.documentId`); null where the browser gives none. */
  readonly documentId: string | null;
  /** When the background received the request (ms since the epoch). */
  readonly receivedAt: number;
}

/** A top-frame navigation the tab committed (`webNavigation.onCommitted`, frame 0). */
export interface TabCommit {
  /** The new document's id; null where the browser gives none. */
  readonly documentId: string | null;
  /** When it committed (`details.timeStamp`, ms since the epoch). */
  readonly committedAt: number;
}

interface Entry {
  readonly tabId: number | null;
  readonly controller: AbortController;
  readonly from: RequestDocument | null;
}

/** True when a request of document `from` came from a document the tab left at `commit`. */
function leftBehind(from: RequestDocument | null, commit: TabCommit): boolean {
  if (from === null) return true; // no document known: any navigation ends it, as closing the tab does
  if (from.documentId !== null && commit.documentId !== null) return from.documentId !== commit.documentId;
  return from.receivedAt < Math.floor(commit.committedAt);
}

/** Pending operations by id. */
export class TabOperations {
  private readonly entries = new Map<string, Entry>();
  /** Each tab's latest committed navigation, so a request of a page already left is abandoned at its start. */
  private readonly commits = new Map<number, TabCommit>();

  constructor(
    private readonly newId: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The document of a request arriving now from `documentId` (null: the browser gave none). */
  requestFrom(documentId: string | null): RequestDocument {
    return { documentId, receivedAt: this.now() };
  }

  /**
   * Starts an operation for `tabId` (null: not a tab), made by the request `from`. If the tab has already
   * navigated away from that document, the operation starts abandoned (its signal aborted).
   */
  begin(tabId: number | null, from: RequestDocument | null = null): TabOperation {
    const id = this.newId();
    const controller = new AbortController();
    const commit = tabId === null ? undefined : this.commits.get(tabId);
    if (commit !== undefined && from !== null && leftBehind(from, commit)) {
      controller.abort();
      return { id, signal: controller.signal, end: () => undefined };
    }
    this.entries.set(id, { tabId, controller, from });
    return { id, signal: controller.signal, end: () => void this.entries.delete(id) };
  }

  /** Aborts the tab's operation `operationId`, or all of its operations when null. Returns how many. */
  cancel(tabId: number, operationId: string | null): number {
    return this.abortWhere((id, entry) => entry.tabId === tabId && (operationId === null || id === operationId));
  }

  /**
   * `webNavigation.onCommitted` in the tab's top frame: the operations of the documents it left are
   * abandoned, as when the tab closes; those of the new document are kept. Returns how many were abandoned.
   */
  tabNavigated(tabId: number, commit: TabCommit): number {
    this.commits.set(tabId, commit);
    return this.abortWhere((_id, entry) => entry.tabId === tabId && leftBehind(entry.from, commit));
  }

  /** `tabs.onRemoved`: everything the tab was waiting for is abandoned. */
  tabRemoved(tabId: number): void {
    this.commits.delete(tabId);
    this.cancel(tabId, null);
  }

  /** Pending operations (tests, status). */
  get size(): number {
    return this.entries.size;
  }

  private abortWhere(match: (id: string, entry: Entry) => boolean): number {
    let count = 0;
    for (const [id, entry] of [...this.entries]) {
      if (!match(id, entry)) continue;
      this.entries.delete(id);
      entry.controller.abort();
      count++;
    }
    return count;
  }
}
