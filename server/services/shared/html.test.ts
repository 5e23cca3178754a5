import assert from 'node:assert/strict';
import { it } from 'node:test';
import { html } from './html.js';

it('escapes interpolated text but not nested markup', () => {
  const name = '<script>alert("x")</script>';
  const out = html`<p title="${name}">${name}</p>${html`<b>${'&'}</b>`}${[html`<i>1</i>`, '<2>']}`.toString();
  assert.equal(out, '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p><b>&amp;</b><i>1</i>&lt;2&gt;');
});
