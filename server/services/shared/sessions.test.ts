import assert from 'node:assert/strict';
import { it } from 'node:test';
import { openServiceDb } from './db.js';
import { csrfMatches, SESSION_LIFETIME_MS, SessionStore } from './sessions.js';
import { UserStore } from './users.js';

it('login issues a new session ID and CSRF token and kills the old session', async () => {
  const db = openServiceDb(':memory:');
  await new UserStore(db).create({ id: 'alice', password: 'pw', name: 'A', address: 'x', email: 'a@x' });
  const sessions = new SessionStore(db);
  const anonymous = sessions.create();
  const loggedIn = sessions.login(anonymous, 'alice', 'password');
  assert.notEqual(loggedIn.id, anonymous.id);
  assert.notEqual(loggedIn.csrf, anonymous.csrf);
  assert.equal(sessions.get(anonymous.id), null);
  assert.equal(sessions.get(loggedIn.id)?.userId, 'alice');
});

it('expires sessions and checks CSRF tokens exactly', () => {
  let now = 0;
  const sessions = new SessionStore(openServiceDb(':memory:'), () => now);
  const session = sessions.create();
  assert.equal(csrfMatches(session, session.csrf), true);
  assert.equal(csrfMatches(session, session.csrf.slice(1) + 'x'), false);
  assert.equal(csrfMatches(session, undefined), false);
  now = SESSION_LIFETIME_MS + 1;
  assert.equal(sessions.get(session.id), null);
});
