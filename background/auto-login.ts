/**
 * Automatic login (issue 7: "when a tab navigates to an approved provider and has no session there, log in
 * with no click"). Each page load of an approved provider asks `begin`; this decides, per origin:
 * - the service says the tab's session is logged in (`<meta name="kyotsu-session" content="active">`):
 *   nothing to do — session reuse, no card operation while the service's session lives;
 * - another tab is already logging in to this origin: wait for it, then reload to see its result — one
 *   login per origin however many tabs navigate there (the join key is the origin);
 * - the last automatic login at this origin did not end logged in (refused, qualify first, PIN cancelled,
 *   tab closed): nothing, until the holder logs in another way and the service shows a live session again
 *   — an automatic login is never retried by itself;
 * - automatic login is off, or the provider is not approved: nothing;
 * - otherwise this tab is granted the login (`login`) and must report how it ended (`end`); its tab closing
 *   ends it too (the one cleanup path).
 * Memory only: a restarted background forgets refusals, which costs at most one more attempt.
 */

/** What the content script should do about automatic login on this page. */
export type AutoLoginAction = 'login' | 'reload' | 'none';

interface Flight {
  readonly tabId: number;
  readonly done: Promise<void>;
  readonly settle: () => void;
}

/** The automatic logins in flight and the origins where the last one did not log in. */
export class AutoLogins {
  private readonly flights = new Map<string, Flight>();
  private readonly held = new Set<string>();

  /** `allowed(origin)`: automatic login is on and the provider at `origin` is approved. */
  constructor(private readonly allowed: (origin: string) => Promise<boolean>) {}

  /** A page of `origin` in `tabId` finished loading; `sessionActive` is the service's own signal. */
  async begin(origin: string, tabId: number, sessionActive: boolean): Promise<AutoLoginAction> {
    if (sessionActive) {
      this.held.delete(origin); // a live session: the next logged-out visit may log in by itself again
      return 'none';
    }
    const flight = this.flights.get(origin);
    if (flight) {
      if (flight.tabId === tabId) return 'none';
      await flight.done;
      return 'reload';
    }
    if (this.held.has(origin) || !(await this.allowed(origin))) return 'none';
    if (this.flights.has(origin) || this.held.has(origin)) return this.begin(origin, tabId, sessionActive); // another tab won the race meanwhile
    let settle = (): void => undefined;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.flights.set(origin, { tabId, done, settle });
    return 'login';
  }

  /** True when `tabId` holds the automatic login of `origin` (only it may have the card sign for it). */
  holds(origin: string, tabId: number): boolean {
    return this.flights.get(origin)?.tabId === tabId;
  }

  /** The holder reports how the login ended; false when `tabId` held none for `origin`. */
  end(origin: string, tabId: number, loggedIn: boolean): boolean {
    const flight = this.flights.get(origin);
    if (flight?.tabId !== tabId) return false;
    this.flights.delete(origin);
    if (!loggedIn) this.held.add(origin);
    flight.settle();
    return true;
  }

  /** A closed tab, or one that navigated away mid-login, ends the logins it held, as not logged in. */
  tabRemoved(tabId: number): void {
    for (const [origin, flight] of this.flights) if (flight.tabId === tabId) this.end(origin, tabId, false);
  }
}
