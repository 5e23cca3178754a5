import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CardError } from '../../src/card-errors.js';
import { pcscError } from './pcsc-connection.js';

describe('PC/SC failures as typed card errors', () => {
  // The messages the `smartcard` package reports for pcsc-lite's SCARD_* codes.
  const table: [string, string][] = [
    ['Card was removed', 'CARD_REMOVED'],
    ['Card was reset', 'CARD_REMOVED'],
    ['Card is unpowered', 'CARD_REMOVED'],
    ['Card is unresponsive', 'CARD_REMOVED'],
    ['No smart card present', 'NO_CARD'],
    ['Reader unavailable', 'READER_UNPLUGGED'],
    ['Unknown reader', 'READER_UNPLUGGED'],
    ['Operation timed out', 'TRANSPORT_TIMEOUT'],
    ['Card is not connected', 'CONNECTION_CLOSED'],
    ['Sharing violation', 'TRANSPORT_REFUSED'],
    ['PC/SC service not running', 'TRANSPORT_REFUSED'],
    ['Something new', 'TRANSPORT_REFUSED'],
  ];
  for (const [message, code] of table) {
    it(`'${message}' is ${code}`, () => {
      const error = pcscError(new Error(message), 'Virtual PCD 00 01');
      assert.ok(error instanceof CardError);
      assert.equal(error.code, code);
      assert.match(error.message, /^PC\/SC reader 'Virtual PCD 00 01': /);
      assert.equal(error.details?.reader, 'Virtual PCD 00 01');
    });
  }

  it('says to start pcscd when the service is not there', () => {
    assert.match(pcscError(new Error('PC/SC service not running'), '(none)').message, /is pcscd running\?/);
    assert.match(pcscError(new Error('No readers available'), '(none)').message, /is pcscd running\?/);
  });

  it('passes card errors through unchanged', () => {
    const original = new CardError('NO_CARD', 'already typed');
    assert.equal(pcscError(original, 'x'), original);
  });
});
