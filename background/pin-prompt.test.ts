import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PinPromptView } from '../src/message-results.js';
import { PinPrompts } from './pin-prompt.js';
import { PromptWindows, type WindowApi } from './prompt-windows.js';

function setup() {
  const opened: string[] = [];
  const removed: number[] = [];
  let nextWindow = 100;
  const api: WindowApi = {
    create: (url) => {
      opened.push(url);
      return Promise.resolve(nextWindow++);
    },
    remove: (id) => {
      removed.push(id);
      return Promise.resolve();
    },
  };
  const windows = new PromptWindows(api);
  let n = 0;
  const prompts = new PinPrompts(windows, (id) => `ext://pin.html?request=${id}`, () => (++n).toString(16).padStart(32, '0'));
  return { prompts, windows, opened, removed };
}

const view: PinPromptView = { origin: 'https://bank-a.example', serviceName: 'Bank A', purpose: 'authenticate', retriesLeft: 3 };
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('PIN prompt', () => {
  it('opens an extension window showing origin, service and tries left, and hands over the submitted PIN', async () => {
    const { prompts, opened } = setup();
    const dialog = prompts.open(view, new AbortController().signal);
    await tick();
    assert.deepEqual(opened, [`ext://pin.html?request=${dialog.requestId}`]);
    assert.deepEqual(prompts.info(dialog.requestId), view);
    const pin = dialog.nextPin();
    const answer = prompts.submit(dialog.requestId, '123456');
    assert.equal(await pin, '123456');
    dialog.answer({ outcome: 'accepted' });
    assert.deepEqual(await answer, { outcome: 'accepted' });
    await dialog.finish();
    assert.equal(prompts.size, 0);
  });

  it('after a wrong PIN shows the tries left and waits for the user — it never tries again by itself', async () => {
    const { prompts } = setup();
    const dialog = prompts.open(view, new AbortController().signal);
    const first = dialog.nextPin();
    const firstAnswer = prompts.submit(dialog.requestId, '000000');
    assert.equal(await first, '000000');
    dialog.answer({ outcome: 'wrong', retriesLeft: 2 });
    assert.deepEqual(await firstAnswer, { outcome: 'wrong', retriesLeft: 2 });
    assert.equal(prompts.info(dialog.requestId).retriesLeft, 2);
    let second: string | null = null;
    const waiting = dialog.nextPin().then((pin) => (second = pin));
    await tick();
    assert.equal(second, null, 'no second PIN until the user submits one');
    const secondAnswer = prompts.submit(dialog.requestId, '123456');
    await tick();
    assert.equal(second, '123456');
    await waiting;
    dialog.answer({ outcome: 'accepted' });
    assert.deepEqual(await secondAnswer, { outcome: 'accepted' });
    await dialog.finish();
  });

  it('closing the window cancels: the operation gets PIN_CANCELLED and later submissions find nothing', async () => {
    const { prompts, windows } = setup();
    const dialog = prompts.open(view, new AbortController().signal);
    await tick();
    const pin = dialog.nextPin();
    windows.windowRemoved(100);
    await assert.rejects(pin, { code: 'PIN_CANCELLED' });
    await assert.rejects(prompts.submit(dialog.requestId, '123456'), { code: 'PROMPT_NOT_FOUND' });
    assert.throws(() => prompts.info(dialog.requestId), { code: 'PROMPT_NOT_FOUND' });
  });

  it('Cancel in the window cancels and removes the window', async () => {
    const { prompts, removed } = setup();
    const dialog = prompts.open(view, new AbortController().signal);
    await tick();
    const pin = dialog.nextPin();
    assert.equal(await prompts.cancel(dialog.requestId), true);
    await assert.rejects(pin, { code: 'PIN_CANCELLED' });
    assert.deepEqual(removed, [100]);
  });

  it('the operation’s tab closing ends the dialog and closes its window', async () => {
    const { prompts, removed } = setup();
    const tab = new AbortController();
    const dialog = prompts.open(view, tab.signal);
    await tick();
    const pin = dialog.nextPin();
    tab.abort();
    await assert.rejects(pin, { code: 'OPERATION_ABORTED' });
    await tick();
    assert.deepEqual(removed, [100]);
  });

  it('a submission waiting for the card gets the operation’s error when the operation fails', async () => {
    const { prompts } = setup();
    const dialog = prompts.open(view, new AbortController().signal);
    const pin = dialog.nextPin();
    const answer = prompts.submit(dialog.requestId, '123456');
    await pin;
    await dialog.finish(Object.assign(new Error('The card was removed'), { code: 'CARD_REMOVED' }));
    await assert.rejects(answer, { message: 'The card was removed' });
  });
});
