import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex, utf8 } from '../../src/bytes.js';
import { CardErrorCode, isCardError } from '../../src/card-errors.js';
import { encodeTlv } from '../../src/tlv.js';
import { parseApplicationTemplate } from './application.js';

describe('application property template (SP 800-73-4 Part 2 §3.1.1)', () => {
  it('parses a full template with label, URL and algorithms', () => {
    const apt = encodeTlv(
      0x61,
      encodeTlv(0x4f, fromHex('a0000003080000100001')),
      encodeTlv(0x79, encodeTlv(0x4f, fromHex('a000000308'))),
      encodeTlv(0x50, utf8('PIV')),
      encodeTlv(0x5f50, utf8('https://x.jp')),
      encodeTlv(0xac, encodeTlv(0x80, Uint8Array.of(0x11)), encodeTlv(0x80, Uint8Array.of(0x14)), encodeTlv(0x06)),
    );
    const info = parseApplicationTemplate(apt);
    assert.equal(toHex(info.aid!), 'a0000003080000100001');
    assert.equal(info.label, 'PIV');
    assert.equal(info.url, 'https://x.jp');
    assert.deepEqual(info.algorithms, [0x11, 0x14]);
  });

  it('a YubiKey-style minimal template and an empty response both work', () => {
    const yubikey = parseApplicationTemplate(fromHex('61114f0600001000010079074f05a000000308'));
    assert.equal(toHex(yubikey.aid!), '000010000100');
    assert.deepEqual(yubikey.algorithms, []);
    assert.deepEqual(parseApplicationTemplate(new Uint8Array(0)), { algorithms: [] });
  });

  it('malformed templates are TLV_MALFORMED', () => {
    assert.throws(() => parseApplicationTemplate(fromHex('61054f03aa')), (e) => isCardError(e, CardErrorCode.TLV_MALFORMED));
    assert.throws(() => parseApplicationTemplate(fromHex('6f00')), (e) => isCardError(e, CardErrorCode.TLV_MALFORMED));
  });
});
