import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CardErrorCode, isCardError } from '../../src/card-errors.js';
import type { IccCard } from './card-connection.js';
import { connectDirect } from './direct.js';

/** A minimal card that echoes commands with 9000 and logs power events. */
function echoCard(log: string[]): IccCard {
  return {
    powerOn: () => (log.push('on'), Promise.resolve(Uint8Array.of(0x3b, 0x00))),
    powerOff: () => (log.push('off'), Promise.resolve()),
    process: async (command) => {
      log.push(`apdu ${command.length}`);
      await new Promise((r) => setTimeout(r, command[0] === 1 ? 5 : 0));
      return Uint8Array.of(...command, 0x90, 0x00);
    },
  };
}

describe('connectDirect', () => {
  it('powers the card on, returns its ATR and passes APDUs through', async () => {
    const log: string[] = [];
    const connection = await connectDirect(echoCard(log));
    assert.deepEqual(connection.atr, Uint8Array.of(0x3b, 0x00));
    assert.deepEqual(await connection.transmit(Uint8Array.of(0, 0xa4)), Uint8Array.of(0, 0xa4, 0x90, 0x00));
    assert.deepEqual(log, ['on', 'apdu 2']);
  });

  it('keeps concurrent transmits in order, one at a time', async () => {
    const log: string[] = [];
    const connection = await connectDirect(echoCard(log));
    const [slow, fast] = await Promise.all([connection.transmit(Uint8Array.of(1, 1, 1)), connection.transmit(Uint8Array.of(2))]);
    assert.deepEqual([slow.length, fast.length], [5, 3]);
    assert.deepEqual(log, ['on', 'apdu 3', 'apdu 1']);
  });

  it('after close the card is powered off and transmit rejects with CONNECTION_CLOSED; close is idempotent', async () => {
    const log: string[] = [];
    const connection = await connectDirect(echoCard(log));
    await connection.close();
    await connection.close();
    assert.deepEqual(log, ['on', 'off']);
    await assert.rejects(connection.transmit(Uint8Array.of(0)), (e) => isCardError(e, CardErrorCode.CONNECTION_CLOSED));
  });
});
