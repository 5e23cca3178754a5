/**
 * TEST SUPPORT (imported only by background tests): the background's card stack over a real software PIV
 * card — card queue, PIV session, PIN cache and PIN prompts (windows faked), activity log in memory — and
 * enrollment with a test CA, so card operations are tested on the same APDUs a real card answers.
 */
import { SoftPivCard } from '../bridge/softcard/soft-piv-card.js';
import { connectDirect } from '../bridge/transport/direct.js';
import { verifyCsr } from '../src/pki/csr.js';
import { fromPem } from '../src/pki/pem.js';
import { issueLeafCertificate } from '../src/pki/profile.js';
import { randomSerial } from '../src/pki/serial.js';
import { createTestCa } from '../src/pki/test-ca.js';
import { ActivityLog } from './activity.js';
import { type Caller } from './card-job.js';
import { createCardQueue } from './card-queue.js';
import { ManualClock } from './clock.js';
import { createMemoryStore } from './kv-store.js';
import { Enrollments } from './op-enroll.js';
import { PinCache } from './pin-cache.js';
import { type PinSubmitResult } from '../src/message-results.js';
import { PinPrompts } from './pin-prompt.js';
import { openPivCardSession } from './piv-card-session.js';
import { PromptWindows } from './prompt-windows.js';
import { createMemoryReaderLock } from './reader-lock.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

/** A fresh software card behind the background's card stack; `caller` is who asks. */
export async function cardHarness(options: { readonly pinCacheMinutes?: number; readonly origin: string; readonly serviceName: string }) {
  const card = await SoftPivCard.create();
  const opened: string[] = [];
  const windows = new PromptWindows({ create: (url) => Promise.resolve(opened.push(url)), remove: () => Promise.resolve() });
  let n = 0;
  const newId = () => (++n).toString(16).padStart(32, '0');
  const clock = new ManualClock();
  const deps = {
    queue: createCardQueue(createMemoryReaderLock()),
    source: () => Promise.resolve({ kind: 'software' as const, openCard: () => connectDirect(card), onCardRemoved: () => () => undefined }),
    openSession: openPivCardSession,
    clock,
    pinCache: new PinCache(clock, options.pinCacheMinutes ?? 0),
    pins: new PinPrompts(windows, (id) => `pin.html?request=${id}`, newId),
    activity: new ActivityLog(createMemoryStore()),
    appVersion: 'https://kyotsu.dev/extension/test',
    newId,
  };
  const caller: Caller = { signal: new AbortController().signal, origin: options.origin, serviceName: options.serviceName, automatic: false, notify: () => undefined };
  /** The id of the PIN window opened most recently. */
  const lastPrompt = () => new URL(opened.at(-1)!, 'ext://x/').searchParams.get('request')!;
  /** Waits for a PIN window to be open, submits `pin` there and returns the card's answer. */
  const typePin = async (pin: string): Promise<PinSubmitResult> => {
    while (deps.pins.size === 0) await tick();
    return deps.pins.submit(lastPrompt(), pin);
  };
  return { card, deps, caller, opened, typePin };
}

/** What `cardHarness` gives a test. */
export type CardHarness = Awaited<ReturnType<typeof cardHarness>>;

/**
 * Enrolls the card: key generated on the card (the PIN typed in the window), CSR signed by it, a certificate
 * from a test CA written back. Resolves with the certificate and the PIN window's answer.
 */
export async function enrollCard({ deps, caller, typePin }: CardHarness): Promise<{ certificate: Uint8Array; pinAnswer: PinSubmitResult }> {
  const enrollments = new Enrollments(deps);
  const keygen = enrollments.generateKey(caller, 'ES256');
  const pinAnswer = await typePin('123456');
  const { enrollmentId, csr } = await keygen;
  const ca = await createTestCa('P-256');
  const certificate = await issueLeafCertificate({
    subjectPublicKeyInfo: (await verifyCsr(fromPem(csr, 'CERTIFICATE REQUEST'))).publicKeyInfo,
    holderName: 'Hanako Yamada',
    serial: randomSerial(),
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    issuerCertificate: ca.certificate,
    issuerKey: ca.key,
    urls: { ocsp: 'http://ca.test/ocsp', crl: 'http://ca.test/crl' },
  });
  await enrollments.writeCertificate(caller, enrollmentId, certificate);
  return { certificate, pinAnswer };
}
