import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CardConnection } from '../bridge/transport/card-connection.js';
import { CardError, CardErrorCode } from '../src/card-errors.js';
import { NativeHostError, NativeHostErrorCode } from '../src/native-host-errors.js';
import { type CardSource } from './card-source.js';
import { openCardWhenPresent } from './card-wait.js';
import { ManualClock } from './clock.js';

const connection: CardConnection = { atr: Uint8Array.of(0x3b), transmit: () => Promise.resolve(Uint8Array.of(0x90, 0)), close: () => Promise.resolve() };

function reader(state: { present: boolean; opens: number }): CardSource {
  return {
    kind: 'webusb',
    openCard: () => {
      state.opens++;
      return state.present ? Promise.resolve(connection) : Promise.reject(new CardError(CardErrorCode.NO_CARD, 'No card in the reader'));
    },
    onCardRemoved: () => () => undefined,
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('waiting for the card', () => {
  it('opens at once when the card is there, without an "insert your card" notice', async () => {
    let told = 0;
    const opened = await openCardWhenPresent(reader({ present: true, opens: 0 }), { signal: new AbortController().signal, onInsertCard: () => told++, clock: new ManualClock() });
    assert.equal(opened, connection);
    assert.equal(told, 0);
  });

  it('asks once to insert the card and proceeds by itself when it arrives', async () => {
    const state = { present: false, opens: 0 };
    const clock = new ManualClock();
    let told = 0;
    const opening = openCardWhenPresent(reader(state), { signal: new AbortController().signal, onInsertCard: () => told++, clock, pollMs: 1000 });
    await tick();
    clock.advance(1000);
    await tick();
    clock.advance(1000);
    await tick();
    assert.equal(told, 1);
    state.present = true;
    clock.advance(1000);
    assert.equal(await opening, connection);
    assert.equal(state.opens, 4);
  });

  it('stops waiting when the user cancels the notice', async () => {
    const controller = new AbortController();
    const opening = openCardWhenPresent(reader({ present: false, opens: 0 }), { signal: controller.signal, onInsertCard: () => controller.abort(), clock: new ManualClock() });
    await assert.rejects(opening, { code: 'OPERATION_ABORTED' });
  });

  it('passes other errors through; the native host reports that it is not installed', async () => {
    const notInstalled: CardSource = {
      kind: 'native',
      openCard: () => Promise.reject(new NativeHostError(NativeHostErrorCode.HOST_NOT_FOUND, 'The kyotsu native host is not installed for this browser')),
      onCardRemoved: () => () => undefined,
    };
    await assert.rejects(
      openCardWhenPresent(notInstalled, { signal: new AbortController().signal, onInsertCard: () => undefined, clock: new ManualClock() }),
      { code: 'NATIVE_HOST_NOT_FOUND' },
    );
  });
});
