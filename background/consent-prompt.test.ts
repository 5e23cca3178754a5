import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConsentPrompts } from './consent-prompt.js';
import { PromptWindows } from './prompt-windows.js';

function setup() {
  const removed: number[] = [];
  let nextWindow = 7;
  const windows = new PromptWindows({ create: () => Promise.resolve(nextWindow++), remove: (id) => Promise.resolve(void removed.push(id)) });
  let n = 0;
  const ids: string[] = [];
  const prompts = new ConsentPrompts(windows, (id) => `ext://consent.html?request=${id}`, () => {
    const id = (++n).toString(16).padStart(32, '0');
    ids.push(id);
    return id;
  });
  return { prompts, windows, removed, ids };
}

const view = { origin: 'https://bank-b.example', serviceName: 'Bank B', kind: 'provider' } as const;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('consent prompt', () => {
  it('resolves with the holder’s answer and closes its window', async () => {
    const { prompts, ids, removed } = setup();
    const answer = prompts.ask(view, new AbortController().signal);
    await tick();
    assert.deepEqual(prompts.info(ids[0]!), view);
    await prompts.answer(ids[0]!, true);
    assert.equal(await answer, true);
    assert.deepEqual(removed, [7]);
  });

  it('treats a closed window as a refusal', async () => {
    const { prompts, windows } = setup();
    const answer = prompts.ask(view, new AbortController().signal);
    await tick();
    windows.windowRemoved(7);
    assert.equal(await answer, false);
  });

  it('withdraws the question when the tab goes away, and later answers find nothing', async () => {
    const { prompts, ids } = setup();
    const tab = new AbortController();
    const answer = prompts.ask(view, tab.signal);
    await tick();
    tab.abort();
    await assert.rejects(answer, { code: 'OPERATION_ABORTED' });
    await assert.rejects(prompts.answer(ids[0]!, true), { code: 'PROMPT_NOT_FOUND' });
  });
});
