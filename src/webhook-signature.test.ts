import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KyotsuError } from './errors.js';
import { signWebhook, verifyWebhookSignature, WebhookErrorCode } from './webhook-signature.js';

const secret = 'whsec_test-secret';
const body = '{"type":"certificate.invalidated","serial":"4a","invalidatedAt":"2026-01-01T00:00:00.000Z","id":"d1"}';
const now = new Date('2026-01-01T00:00:10Z');
const t = Math.floor(now.getTime() / 1000);

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof KyotsuError && error.code === code);
}

describe('webhook signatures', () => {
  it('accepts what the CA signs, as string or bytes', async () => {
    const header = await signWebhook(secret, body, t);
    assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/);
    await verifyWebhookSignature({ secret, body, header, now });
    await verifyWebhookSignature({ secret, body: new TextEncoder().encode(body), header, now });
  });

  it('refuses a changed body, a wrong secret and a re-timed header', async () => {
    const header = await signWebhook(secret, body, t);
    await rejects(verifyWebhookSignature({ secret, body: body.replace('4a', '4b'), header, now }), WebhookErrorCode.WEBHOOK_SIGNATURE_INVALID);
    await rejects(verifyWebhookSignature({ secret: 'whsec_other', body, header, now }), WebhookErrorCode.WEBHOOK_SIGNATURE_INVALID);
    const retimed = header.replace(`t=${t}`, `t=${t + 1}`);
    await rejects(verifyWebhookSignature({ secret, body, header: retimed, now }), WebhookErrorCode.WEBHOOK_SIGNATURE_INVALID);
  });

  it('refuses an old delivery replayed outside the tolerance', async () => {
    const header = await signWebhook(secret, body, t - 301);
    await rejects(verifyWebhookSignature({ secret, body, header, now }), WebhookErrorCode.WEBHOOK_TIMESTAMP_OUT_OF_RANGE);
    await verifyWebhookSignature({ secret, body, header, now, toleranceSeconds: 600 });
  });

  it('refuses missing or malformed headers', async () => {
    for (const header of [undefined, null, '', 't=1', 'v1=00', `t=abc,v1=${'0'.repeat(64)}`, `t=${t},v1=xyz`]) {
      await rejects(verifyWebhookSignature({ secret, body, header, now }), WebhookErrorCode.WEBHOOK_SIGNATURE_MALFORMED);
    }
  });

  it('accepts when any of several v1 values matches (secret rotation)', async () => {
    const good = await signWebhook(secret, body, t);
    const old = await signWebhook('whsec_old', body, t);
    await verifyWebhookSignature({ secret, body, header: `${old},${good.split(',')[1]!}`, now });
  });
});
