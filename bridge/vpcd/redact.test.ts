import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../src/bytes.js';
import { ApduRedactor, describeCommand, traceExchange } from './redact.js';

describe('APDU redaction for logs', () => {
  const secretBearing: [string, string][] = [
    ['VERIFY PIN', '002000800831323334353637ff'],
    ['CHANGE REFERENCE DATA', '0024008010313233343536ffff3635343332312020'],
    ['RESET RETRY COUNTER', '002c00801031323334353637383132333435ffff'],
    ['GENERAL AUTHENTICATE with the management key', '008703 9b 0c 7c0a8008 0102030405060708'.replace(/ /g, '')],
    ['IMPORT ASYMMETRIC KEY', '00fe119a2306200102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20'],
    ['SET MANAGEMENT KEY', '00ffffff1b039b18010203040506070801020304050607080102030405060708'],
    ['PUT DATA of printed information', '00db3fff0c5c035fc1095305880301020304'],
  ];
  for (const [name, hex] of secretBearing) {
    it(`hides the body of ${name}`, () => {
      const command = fromHex(hex);
      const described = describeCommand(command);
      assert.equal(described, `${hex.slice(0, 8).toUpperCase()} <${command.length - 4} bytes redacted>`);
    });
  }

  it('shows other commands in full so tool behaviour can be diagnosed', () => {
    assert.equal(describeCommand(fromHex('00a4040009a00000030800001000')), '00A4040009A00000030800001000');
    assert.equal(describeCommand(fromHex('00cb3fff055c035fc10500')), '00CB3FFF055C035FC10500');
    assert.equal(describeCommand(fromHex('00879a110a7c08820081020102')), '00879A110A7C08820081020102');
    assert.equal(describeCommand(fromHex('00fd0000')), '00FD0000');
  });

  it('shows an empty VERIFY (PIN status query) and hides the management-key witness in responses', () => {
    assert.equal(traceExchange(fromHex('0020008000'), fromHex('63c3')).command, '0020008000');
    const trace = traceExchange(fromHex('0087039b047c028000'), fromHex('7c0a80080102030405060708 9000'.replace(/ /g, '')));
    assert.equal(trace.response, '<12 bytes redacted>');
    assert.equal(trace.sw, '9000');
  });

  it('hides the printed-information object (PIN-protected management key) read with a short or an extended APDU', () => {
    const secret = fromHex('53108810' + 'aa'.repeat(16) + '9000');
    assert.equal(traceExchange(fromHex('00cb3fff055c035fc10900'), secret).response, '<20 bytes redacted>');
    assert.equal(traceExchange(fromHex('00cb3fff0000055c035fc1090000'), secret).response, '<20 bytes redacted>');
  });

  it('summarises a response as data and status word', () => {
    const trace = traceExchange(fromHex('00f8000000'), fromHex('0102030490 00'.replace(/ /g, '')));
    assert.deepEqual(
      { ins: trace.ins, response: trace.response, responseLength: trace.responseLength, sw: trace.sw },
      { ins: 0xf8, response: '01020304', responseLength: 4, sw: '9000' },
    );
    assert.equal(traceExchange(fromHex('00ca0000'), Uint8Array.of(0x6d)).sw, '----');
  });

  it('keeps every link of a chained secret hidden, and stops hiding when the chain ends', () => {
    const redactor = new ApduRedactor();
    const ok = Uint8Array.of(0x90, 0x00);
    // PUT DATA of printed information (YubiKey PIN-protected management key), split over two commands.
    const first = redactor.trace(fromHex('10db3fff0a5c035fc109530c88030102'), ok);
    const last = redactor.trace(fromHex('00db3fff0403040506'), ok);
    const next = redactor.trace(fromHex('00db3fff0a5c035fc10a53027000'), ok);
    assert.deepEqual([first.command, last.command, next.command], [
      '10DB3FFF <12 bytes redacted>',
      '00DB3FFF <5 bytes redacted>',
      '00DB3FFF0A5C035FC10A53027000',
    ]);
  });
});
