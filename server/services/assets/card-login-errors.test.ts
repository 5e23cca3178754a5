import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cardLoginFailureText } from './card-login-errors.js';

describe('card login failures as a person reads them', () => {
  it('turns the card-side codes into what happened and what to do', () => {
    assert.match(cardLoginFailureText('PIN_CANCELLED', 'The PIN prompt was cancelled'), /cancelled the PIN entry.*try again/);
    assert.match(cardLoginFailureText('PIN_BLOCKED', 'SW 6983'), /PIN is blocked.*PUK/);
    assert.match(cardLoginFailureText('NO_CARD', 'no card in reader 0'), /No card was found.*Insert your card/);
    assert.match(cardLoginFailureText('CONSENT_DENIED', 'denied'), /did not allow/);
  });

  it('never shows a developer message for a card-side code it has no sentence for', () => {
    const text = cardLoginFailureText('MANAGEMENT_KEY_AUTH_FAILED', 'GENERAL AUTHENTICATE 9B returned 6982');
    assert.doesNotMatch(text, /6982|GENERAL AUTHENTICATE/);
    assert.match(text, /did not work \(MANAGEMENT_KEY_AUTH_FAILED\)/);
  });

  it('shows the service’s own refusal as the service wrote it', () => {
    const words = 'Your common certificate has been invalidated and can no longer be used. Log in with your password to get a new one.';
    assert.equal(cardLoginFailureText('CERTIFICATE_REVOKED', words), words);
  });

  it('says the service could not take the login when it answered without words', () => {
    assert.match(cardLoginFailureText('CHALLENGE_UNAVAILABLE', 'HTTP 503'), /could not take the card login just now \(HTTP 503\)/);
  });
});
