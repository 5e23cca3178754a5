/** Webhooks: signed, retried with backoff until acknowledged, and kept in the outbox across a restart. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromBase64 } from '../../../src/bytes.js';
import { verifyWebhookSignature } from '../../../src/webhook-signature.js';
import { startCa } from '../start.js';
import { createTestStore, issueVia, newCsr, startTestCa, testKeys } from '../testing/fixture.js';
import { backoffDelay } from './dispatcher.js';

interface Received {
  path: string;
  body: string;
  signature: string | undefined;
  delivery: string | undefined;
  answered: number;
}

/** A webhook receiver: answers each path's first `failures[path]` requests with 500, then 204. */
async function receiver(failures: Record<string, number> = {}): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const seen: Record<string, number> = {};
  const read = (request: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      request.on('error', reject);
    });
  const server: Server = createServer((request, response) => {
    void read(request).then((body) => {
      const path = request.url ?? '/';
      seen[path] = (seen[path] ?? 0) + 1;
      const answered = seen[path] <= (failures[path] ?? 0) ? 500 : 204;
      received.push({
        path,
        body,
        signature: request.headers['x-kyotsu-signature'] as string | undefined,
        delivery: request.headers['x-kyotsu-delivery'] as string | undefined,
        answered,
      });
      response.statusCode = answered;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('webhook dispatcher', () => {
  it('backs off exponentially with jitter, capped', () => {
    assert.equal(backoffDelay(1, 1000, 60_000, () => 0.5), 1000);
    assert.equal(backoffDelay(2, 1000, 60_000, () => 0.5), 2000);
    assert.equal(backoffDelay(5, 1000, 60_000, () => 0.5), 16_000);
    assert.equal(backoffDelay(30, 1000, 60_000, () => 0.5), 60_000);
    assert.equal(backoffDelay(3, 1000, 60_000, () => 0), 3000);
    assert.equal(backoffDelay(3, 1000, 60_000, () => 1), 5000);
  });

  it('tells every service with a webhook, signed, retrying a failing receiver until it answers 2xx', async () => {
    const hooks = await receiver({ '/bank-a': 2 });
    const test = await startTestCa('sqlite', {
      services: [
        { id: 'bank-a', displayName: 'Bank A', origins: ['https://bank-a.example'], webhookUrl: `${hooks.url}/bank-a` },
        { id: 'bank-b', displayName: 'Bank B', origins: ['https://bank-b.example'] },
        { id: 'portal', displayName: 'Portal', origins: ['https://portal.example'], portal: true, webhookUrl: `${hooks.url}/portal` },
      ],
      webhooks: { baseDelayMs: 20, maxDelayMs: 100, pollIntervalMs: 50 },
    });
    try {
      const { serial } = await issueVia(test, 'bank-b');
      const invalidated = await test.api('bank-b', 'POST', `/api/v1/certificates/${serial}/invalidate`, {});
      const invalidatedAt = (invalidated.body as { invalidatedAt: string }).invalidatedAt;
      await until(() => ['/bank-a', '/portal'].every((path) => hooks.received.some((entry) => entry.path === path && entry.answered === 204)), 'acknowledged deliveries');

      const toBankA = hooks.received.filter((entry) => entry.path === '/bank-a');
      assert.deepEqual(toBankA.map((entry) => entry.answered), [500, 500, 204], 'retried until acknowledged, then not again');
      assert.equal(new Set(toBankA.map((entry) => entry.delivery)).size, 1, 'one delivery id across retries');
      for (const entry of hooks.received) {
        const serviceId = entry.path.slice(1);
        await verifyWebhookSignature({ secret: test.credentials[serviceId]!.webhookSecret, body: entry.body, header: entry.signature });
        const event = JSON.parse(entry.body) as { type: string; serial: string; invalidatedAt: string; id: string };
        assert.deepEqual(event, { type: 'certificate.invalidated', serial, invalidatedAt, id: entry.delivery });
      }
      await assert.rejects(
        verifyWebhookSignature({ secret: test.credentials['portal']!.webhookSecret, body: toBankA[0]!.body, header: toBankA[0]!.signature }),
        'a service cannot verify another service’s delivery',
      );
      const rows = await test.store.listDeliveries();
      assert.equal(rows.length, 2);
      const bankA = rows.find((row) => row.serviceId === 'bank-a')!;
      assert.equal(bankA.attempts, 3);
      assert.ok(bankA.deliveredAt);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(hooks.received.length, 4, 'nothing is sent again after acknowledgement');
    } finally {
      await test.close();
      await hooks.close();
    }
  });

  it('keeps undelivered webhooks in the outbox and sends them after a restart', async () => {
    const hooks = await receiver();
    const { store, url, dispose } = await createTestStore('sqlite');
    await store.close();
    const keys = await testKeys();
    try {
      const first = await startCa({ store: url, keys, webhooks: false });
      const credentials = await first.registerService({ id: 'bank-a', displayName: 'Bank A', origins: ['https://bank-a.example'], webhookUrl: `${hooks.url}/bank-a` });
      const issued = await first.authority.issue({ kind: 'admin', name: 'test' }, {
        csrDer: fromBase64(await newCsr()),
        holder: { name: 'Taro', address: 'Tokyo', email: 'taro@example.jp' },
        issuingService: 'bank-a',
      });
      await first.authority.invalidate({ kind: 'admin', name: 'test' }, issued.serial, 'superseded');
      await first.close(); // the CA stops before sending anything
      assert.equal(hooks.received.length, 0);

      const second = await startCa({ store: url, keys, webhooks: { pollIntervalMs: 50 } });
      try {
        await until(() => hooks.received.length === 1, 'the delivery after restart');
        await verifyWebhookSignature({ secret: credentials.webhookSecret, body: hooks.received[0]!.body, header: hooks.received[0]!.signature });
        assert.equal((JSON.parse(hooks.received[0]!.body) as { serial: string }).serial, issued.serial);
      } finally {
        await second.close();
      }
    } finally {
      await hooks.close();
      await dispose();
    }
  });

  it('records failures against an unreachable receiver and keeps retrying', async () => {
    const hooks = await receiver();
    const deadUrl = hooks.url;
    await hooks.close(); // nothing listens here any more
    const test = await startTestCa('sqlite', {
      services: [{ id: 'bank-a', displayName: 'Bank A', origins: ['https://bank-a.example'], webhookUrl: `${deadUrl}/hook` }],
      webhooks: { baseDelayMs: 10, maxDelayMs: 50, pollIntervalMs: 20, timeoutMs: 1000 },
    });
    try {
      const { serial } = await issueVia(test, 'bank-a');
      await test.api('bank-a', 'POST', `/api/v1/certificates/${serial}/invalidate`, {});
      await until(async () => ((await test.store.listDeliveries())[0]?.attempts ?? 0) >= 3, 'three failed attempts');
      const [row] = await test.store.listDeliveries();
      assert.equal(row!.deliveredAt, null);
      assert.match(row!.lastError ?? '', /fetch failed|ECONNREFUSED|TypeError/);
    } finally {
      await test.close();
    }
  });
});
