import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ReaderSnapshot } from './pcsc-readers.js';
import { readerEvents } from './reader-watch.js';

const ATR = 'O/0TAA==';

function snap(name: string, card: 'present' | 'empty' | 'mute', events = 0): [string, ReaderSnapshot] {
  return [name, { info: { name, card, atr: card === 'present' ? ATR : null, busy: false }, events }];
}

describe('reader events from two looks at PC/SC', () => {
  it('a reader plugged in with a card: reader-added, then card-inserted', () => {
    assert.deepEqual(readerEvents(new Map(), new Map([snap('R', 'present', 1)])), [
      { kind: 'reader-added', reader: { name: 'R', card: 'present', atr: ATR, busy: false } },
      { kind: 'card-inserted', reader: 'R', atr: ATR },
    ]);
  });

  it('a reader unplugged with its card: card-removed, then reader-removed', () => {
    assert.deepEqual(readerEvents(new Map([snap('R', 'present', 1)]), new Map()), [
      { kind: 'card-removed', reader: 'R' },
      { kind: 'reader-removed', reader: 'R' },
    ]);
  });

  it('a card swapped between two looks (same ATR, new event count): removed, then inserted', () => {
    assert.deepEqual(readerEvents(new Map([snap('R', 'present', 1)]), new Map([snap('R', 'present', 3)])), [
      { kind: 'card-removed', reader: 'R' },
      { kind: 'card-inserted', reader: 'R', atr: ATR },
    ]);
  });

  it('nothing changed, or only a card that does not answer: no events', () => {
    assert.deepEqual(readerEvents(new Map([snap('R', 'present', 1)]), new Map([snap('R', 'present', 1)])), []);
    assert.deepEqual(readerEvents(new Map([snap('R', 'empty', 0)]), new Map([snap('R', 'mute', 1)])), []);
  });
});
