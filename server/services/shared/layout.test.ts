import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { page } from './layout.js';
import { html } from './html.js';

const theme = { displayName: 'Bank A', accent: '#123456', tagline: 'Banking' };
const SIGNAL = '<meta name="kyotsu-session" content="active">';

describe('service page frame', () => {
  it('tells the extension a logged-in session is live, so it does not log in again by itself', () => {
    assert.ok(page({ theme, title: 'Account', userName: 'Hanako Yamada', csrf: 'c' }, html`<p>hi</p>`).includes(SIGNAL));
  });

  it('carries no session signal for a visitor who is not logged in', () => {
    assert.ok(!page({ theme, title: 'Log in', userName: null, csrf: 'c' }, html`<p>hi</p>`).includes(SIGNAL));
  });

  it('says a presented certificate waits for the visitor own login, so the extension leaves the login page alone', () => {
    const body = page({ theme, title: 'Log in', userName: null, csrf: 'c', certificatePending: true }, html`<p>hi</p>`);
    assert.ok(body.includes('<meta name="kyotsu-session" content="pending">'));
  });
});
