import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptKeepAlivePort, KEEPALIVE_PORT, type PortLike } from './keepalive.js';

const identity = { id: 'ext-id', origin: 'chrome-extension://ext-id' };

function port(name: string, senderId: string) {
  const state = { disconnected: false, listeners: 0 };
  const value: PortLike = {
    name,
    sender: { id: senderId },
    disconnect: () => void (state.disconnected = true),
    onMessage: { addListener: () => void state.listeners++ },
  };
  return { value, state };
}

describe('keep-alive ports', () => {
  it('keeps our own waiting pages’ ports open and listens to their pings', () => {
    const ours = port(KEEPALIVE_PORT, 'ext-id');
    assert.equal(acceptKeepAlivePort(ours.value, identity), true);
    assert.deepEqual(ours.state, { disconnected: false, listeners: 1 });
  });

  it('drops ports of other extensions and ports with other names', () => {
    for (const other of [port(KEEPALIVE_PORT, 'other-ext'), port('something-else', 'ext-id')]) {
      assert.equal(acceptKeepAlivePort(other.value, identity), false);
      assert.equal(other.state.disconnected, true);
    }
  });
});
