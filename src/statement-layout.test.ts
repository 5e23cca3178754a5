import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MAX_STATEMENT_REGIONS, parseStatementLayout, StatementLayoutError, type StatementRegion } from './statement-layout.js';

const bankA: StatementRegion = {
  serviceId: 'bank-a',
  displayName: 'Bank A',
  origin: 'https://bank-a.example',
  statementUrl: 'https://bank-a.example/api/statement',
  enrolled: true,
  qualifyUrl: 'https://bank-a.example/login',
};
const cardCo: StatementRegion = {
  serviceId: 'card-co',
  displayName: 'Card Co.',
  origin: 'http://localhost:7103',
  statementUrl: 'http://localhost:7103/api/statement',
  enrolled: false,
  qualifyUrl: 'http://localhost:7103/login',
};
const layout = { serial: '4f'.repeat(16), regions: [bankA, cardCo] };

it('reads a layout from JSON text or a value, dropping unknown members', () => {
  assert.deepEqual(parseStatementLayout(JSON.stringify(layout)), layout);
  assert.deepEqual(parseStatementLayout({ ...layout, later: 1, regions: [{ ...bankA, colour: 'teal' }, cardCo] }), layout);
  assert.deepEqual(parseStatementLayout({ serial: '01', regions: [] }), { serial: '01', regions: [] });
});

it('refuses malformed layouts with STATEMENT_LAYOUT_MALFORMED naming the field', () => {
  const cases: [unknown, string][] = [
    ['not json', 'layout'],
    ['{"serial":"01","serial":"02","regions":[]}', 'layout'],
    [[], 'layout'],
    [null, 'layout'],
    [{ ...layout, serial: '4F'.repeat(16) }, 'serial'],
    [{ ...layout, serial: 'abc' }, 'serial'],
    [{ ...layout, regions: {} }, 'regions'],
    [{ ...layout, regions: Array.from({ length: MAX_STATEMENT_REGIONS + 1 }, (_, i) => ({ ...bankA, serviceId: `s${i}` })) }, 'regions'],
    [{ ...layout, regions: ['bank-a'] }, 'regions[0]'],
    [{ ...layout, regions: [{ ...bankA, serviceId: 'Bank A' }] }, 'regions[0].serviceId'],
    [{ ...layout, regions: [{ ...bankA, displayName: ' ' }] }, 'regions[0].displayName'],
    [{ ...layout, regions: [{ ...bankA, origin: 'https://bank-a.example/' }] }, 'regions[0].origin'],
    [{ ...layout, regions: [{ ...bankA, origin: 'javascript:alert(1)' }] }, 'regions[0].origin'],
    [{ ...layout, regions: [{ ...bankA, enrolled: 'true' }] }, 'regions[0].enrolled'],
    [{ ...layout, regions: [{ ...bankA, statementUrl: 'https://evil.example/api/statement' }] }, 'regions[0].statementUrl'],
    [{ ...layout, regions: [{ ...bankA, statementUrl: '/api/statement' }] }, 'regions[0].statementUrl'],
    [{ ...layout, regions: [{ ...bankA, statementUrl: 'https://bank-a.example/account/close' }] }, 'regions[0].statementUrl'],
    [{ ...layout, regions: [{ ...bankA, statementUrl: 'https://bank-a.example/api/statement?all=1' }] }, 'regions[0].statementUrl'],
    [{ ...layout, regions: [{ ...bankA, statementUrl: 'https://u:p@bank-a.example/api/statement' }] }, 'regions[0].statementUrl'],
    [{ ...layout, regions: [{ ...bankA, qualifyUrl: 'https://bank-b.example/login' }] }, 'regions[0].qualifyUrl'],
    [{ ...layout, regions: [bankA, { ...cardCo, serviceId: 'bank-a' }] }, 'regions[1].serviceId'],
    [{ ...layout, regions: [bankA, { ...bankA, serviceId: 'bank-a2' }] }, 'regions[1].origin'],
  ];
  for (const [input, field] of cases) {
    assert.throws(
      () => parseStatementLayout(input),
      (error: unknown) => error instanceof StatementLayoutError && error.code === 'STATEMENT_LAYOUT_MALFORMED' && error.details?.field === field,
      JSON.stringify(input).slice(0, 120),
    );
  }
});

it('refuses JSON text over the size limit before parsing it', () => {
  const huge = JSON.stringify({ ...layout, padding: 'x'.repeat(70_000) });
  assert.throws(() => parseStatementLayout(huge), { code: 'STATEMENT_LAYOUT_MALFORMED' });
});
