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
 * - the last automatic login here ended `logged-in` but this page load, moments later, shows no live session:
 *   the service did not keep the login (its post-login page lacks the signal, or its cookie did not stick).
 *   Logging in again would loop forever, so the origin is held as for a refusal, and this one page load is
 *   told so (`not-kept`) to show the holder once;
 * - automatic login is off, or the provider is not approved: nothing;
 * - otherwise this tab is granted the login (`login`) and must report how it ended (`end`); its tab closing
 *   ends it too (the one cleanup path).
 * Memory only: a restarted background forgets refusals, which costs at most one more attempt.
 */

/** What the content script should do about automatic login on this page (src/message-results.ts). */
export type AutoLoginAction = 'login' | 'reload' | 'none' | 'not-kept';

/**
 * How long after an automatic login that ended `logged-in` a page load without a live session counts as the
 * service not keeping it. The tab lands on the service's next page within seconds; a visit much later with an
 * expired session is an ordinary logged-out visit and logs in again.
 */
export const NOT_KEPT_WINDOW_MS = 2 * 60_000;

interface Flight {
  readonly tabId: number;
  readonly done: Promise<void>;
  readonly settle: () => void;
}

/** The automatic logins in flight and the origins where the last one did not log in. */
export class AutoLogins {
  private readonly flights = new Map<string, Flight>();
  private readonly held = new Set<string>();
  /** Origins whose last automatic login ended `logged-in`, and when: the next page load there must show a session. */
  private readonly justLoggedIn = new Map<string, number>();

  /** `allowed(origin)`: automatic login is on and the provider at `origin` is approved. */
  constructor(
    private readonly allowed: (origin: string) => Promise<boolean>,
    private readonly now: () => number = Date.now,
  ) {}

  /** A page of `origin` in `tabId` finished loading; `sessionActive` is the service's own signal. */
  async begin(origin: string, tabId: number, sessionActive: boolean): Promise<AutoLoginAction> {
    if (sessionActive) {
      this.held.delete(origin); // a live session: the next logged-out visit may log in by itself again
      this.justLoggedIn.delete(origin);
      return 'none';
    }
    const flight = this.flights.get(origin);
    if (flight) {
      if (flight.tabId === tabId) return 'none';
      await flight.done;
      return 'reload';
    }
    const loggedInAt = this.justLoggedIn.get(origin);
    if (loggedInAt !== undefined) {
      this.justLoggedIn.delete(origin);
      if (this.now() - loggedInAt <= NOT_KEPT_WINDOW_MS) {
        this.held.add(origin); // the loop guard: no login by itself until the service shows a live session
        return 'not-kept';
      }
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
    if (loggedIn) this.justLoggedIn.set(origin, this.now());
    else this.held.add(origin);
    flight.settle();
    return true;
  }

  /** A closed tab, or one that navigated away mid-login, ends the logins it held, as not logged in. */
  tabRemoved(tabId: number): void {
    for (const [origin, flight] of this.flights) if (flight.tabId === tabId) this.end(origin, tabId, false);
  }
}
