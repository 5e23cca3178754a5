/**
 * Delivers queued webhooks from the store's outbox: each delivery is POSTed with its signature until the
 * receiver answers 2xx, with exponential backoff (and jitter) between attempts. The outbox lives in the
 * store, so deliveries survive a restart; a lease keeps two CA instances from sending the same one at once.
 */
import { signWebhook, WEBHOOK_DELIVERY_HEADER, WEBHOOK_SIGNATURE_HEADER } from '../../../src/webhook-signature.js';
import type { CaStore, ClaimedDelivery } from '../store/types.js';

/** Tuning of the dispatcher. */
export interface DispatcherOptions {
  /** How often to look for due deliveries when nothing kicks it; default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** Delay after the first failure; doubled per attempt; default 1000 ms. */
  readonly baseDelayMs?: number;
  /** Longest delay between attempts; default one hour. */
  readonly maxDelayMs?: number;
  /** Per-request timeout; default 10 s. */
  readonly timeoutMs?: number;
  /** Deliveries claimed per round; default 20. */
  readonly batchSize?: number;
  readonly clock?: () => Date;
  /** Reports failures of the dispatcher itself (not of receivers); default console.error. */
  readonly onError?: (error: Error) => void;
}

/** The delay before attempt `attempts + 1`: base·2^(attempts−1), capped, with ±25 % jitter. */
export function backoffDelay(attempts: number, baseMs: number, maxMs: number, random = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  return Math.round(exponential * (0.75 + random() * 0.5));
}

/** Sends outbox deliveries; `start()` it once, `stop()` on shutdown. */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly pollIntervalMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly batchSize: number;
  private readonly clock: () => Date;
  private readonly onError: (error: Error) => void;

  constructor(
    private readonly store: CaStore,
    options: DispatcherOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 3_600_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.batchSize = options.batchSize ?? 20;
    this.clock = options.clock ?? (() => new Date());
    this.onError = options.onError ?? ((error) => console.error(`kyotsu ca: webhook dispatcher: ${error.message}`));
  }

  /** Starts polling. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Looks for due deliveries now (called after an invalidation). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Stops polling and waits for the round in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.round().finally(() => {
        this.running = undefined;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.pollIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    try {
      await this.runOnce();
    } catch (error) {
      this.onError(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Claims and sends one batch of due deliveries; returns how many were delivered. */
  async runOnce(): Promise<number> {
    const now = this.clock();
    const lease = new Date(now.getTime() + this.timeoutMs + 5000);
    const claimed = await this.store.claimDeliveries(now, this.batchSize, lease);
    const results = await Promise.all(claimed.map((delivery) => this.deliver(delivery)));
    if (claimed.length === this.batchSize) this.again = true; // more may be due
    return results.filter(Boolean).length;
  }

  private async deliver(delivery: ClaimedDelivery): Promise<boolean> {
    const attempts = delivery.attempts + 1;
    let failure: string;
    try {
      const timestamp = Math.floor(this.clock().getTime() / 1000);
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'kyotsu-ca-webhooks/1',
          [WEBHOOK_SIGNATURE_HEADER]: await signWebhook(delivery.webhookSecret, delivery.body, timestamp),
          [WEBHOOK_DELIVERY_HEADER]: delivery.id,
        },
        body: delivery.body,
        redirect: 'manual', // a redirect is not an acknowledgement, and following it could send the event elsewhere
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) {
        await this.store.markDelivered(delivery.id, this.clock());
        return true;
      }
      failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    const next = new Date(this.clock().getTime() + backoffDelay(attempts, this.baseDelayMs, this.maxDelayMs));
    await this.store.markDeliveryFailed(delivery.id, attempts, next, failure);
    return false;
  }
}
