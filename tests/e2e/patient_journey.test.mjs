// A patient's way in, in a real browser: invitation email → sign-up → email
// verification → the App's code flow (PKCE) → tokens the App can check.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { screenshot, withJourney } from './lib/browser.mjs';
import { freePort } from './lib/careid.mjs';
import {
  finishAtApp,
  openAccount,
  signInWithPassword,
  signOut,
  signUpFromInvitation,
  startAppSignIn,
  verifyEmailFromOutbox,
} from './lib/steps.mjs';

const APP = {
  clientId: 'app',
  name: 'Care App',
  // A native app's loopback redirect (RFC 8252 §7.3: any port). Nothing
  // listens there: the test catches the navigation, as the App would.
  registeredRedirectUri: 'http://127.0.0.1/oauth/callback',
};

/** Registers the App and a deployment with terms; `policy` adds deployment flags. */
async function seedHeartProgramme(careid, policy = {}) {
  await careid.addDeployment('heart', 'Heart Failure', {
    'terms-version': '2024-05',
    'terms-url': 'https://care.example/terms',
    ...policy,
  });
  await careid.addPublicClient({
    id: APP.clientId,
    name: APP.name,
    redirectUris: [APP.registeredRedirectUri],
    allowedRoles: ['patient'],
  });
}

function newPatient() {
  const tag = randomBytes(4).toString('hex');
  return {
    email: `pat.${tag}@example.com`,
    givenName: 'Pat',
    familyName: 'Jones',
    // Password-only patients need 15+ characters that zxcvbn scores 3 or more.
    password: `amber kite ${tag} orbits quietly`,
  };
}

test('an invited patient signs up, verifies the email and signs in to the App with a password', { timeout: 120_000 }, async (t) => {
  const patient = newPatient();
  let printedLink;
  await withJourney(
    t,
    {
      name: 'patient-password',
      seed: async (careid) => {
        await seedHeartProgramme(careid);
        printedLink = await careid.invite({ role: 'patient', deployment: 'heart', email: patient.email });
      },
    },
    async ({ careid, page, authenticator }) => {
      const invitation = await careid.waitForEmail({ to: patient.email, subject: /invited you/ });
      const link = careid.linkIn(invitation);
      assert.equal(link, printedLink, 'the email carries the link the CLI printed');

      await signUpFromInvitation(page, {
        link,
        ...patient,
        beforeSubmit: (p) => screenshot(p, 'signup'),
      });
      // No app link on the deployment: a new account lands on the account page, signed in.
      assert.equal(await page.locator('#account-email').textContent(), patient.email);
      assert.match(await page.textContent('main'), /not verified yet/);

      assert.match(await verifyEmailFromOutbox(page, careid, patient.email), /verified/i);
      assert.equal(await openAccount(page, careid), patient.email);
      assert.doesNotMatch(await page.textContent('main'), /not verified yet/);
      await screenshot(page, 'account');

      await signOut(page, careid);

      const redirectUri = `http://127.0.0.1:${await freePort()}/oauth/callback`;
      const flow = await startAppSignIn(page, careid, { clientId: APP.clientId, redirectUri });
      await page.locator('form[action="/login"]').waitFor();
      assert.match(await page.textContent('main'), new RegExp(APP.name));
      await screenshot(page, 'login');
      await signInWithPassword(page, patient);

      const { idToken } = await finishAtApp(careid, flow);
      assert.equal(idToken.email, patient.email);
      assert.equal(idToken.email_verified, true);
      assert.equal(idToken.role, 'patient');
      assert.equal(idToken.deployment, 'heart');
      assert.equal(idToken.acr, 'urn:careid:acr:password');
      assert.deepEqual(idToken.amr, ['pwd']);

      // Nothing asked for a passkey, so the platform authenticator holds none.
      assert.deepEqual(await authenticator.credentials(), []);
    },
  );
});

test('a patient of a programme that requires biometric login adds a passkey at sign-up and signs in with it alone', { timeout: 120_000 }, async (t) => {
  const patient = newPatient();
  await withJourney(
    t,
    {
      name: 'patient-passkey',
      seed: async (careid) => {
        await seedHeartProgramme(careid, { 'passkey-required': true });
        await careid.invite({ role: 'patient', deployment: 'heart', email: patient.email });
      },
    },
    async ({ careid, page, authenticator }) => {
      const invitation = await careid.waitForEmail({ to: patient.email, subject: /invited you/ });
      await signUpFromInvitation(page, { link: careid.linkIn(invitation), ...patient });

      // Sign-up leads straight to "Add a passkey", with no way around it.
      await page.locator('#passkey-add').waitFor({ state: 'visible' });
      assert.match(new URL(page.url()).pathname, /^\/login\/passkey\/register$/);
      await page.fill('#passkey-name', 'My phone');
      await screenshot(page, 'passkey-registration');
      const added = authenticator.nextCredentialAdded();
      await page.click('#passkey-add');
      const credential = await added;
      assert.equal(credential.isResidentCredential, true, 'a discoverable credential');
      assert.equal(credential.rpId, 'localhost');

      // Then the account page, listing it.
      await page.locator('#account-email').waitFor();
      assert.equal(await page.locator('#passkeys li').count(), 1);
      assert.match(await page.textContent('#passkeys'), /My phone/);
      assert.match(await verifyEmailFromOutbox(page, careid, patient.email), /verified/i);
      await openAccount(page, careid);
      await screenshot(page, 'account-passkeys');

      await signOut(page, careid);

      // The App's sign-in: the passkey alone, no password, no code. The login
      // page asks for a passkey through autofill (conditional mediation) as it
      // loads; Chromium's virtual authenticator answers that by itself, so the
      // "Sign in with a passkey" button is pressed only if autofill did not.
      const redirectUri = `http://127.0.0.1:${await freePort()}/oauth/callback`;
      const asserted = authenticator.nextCredentialAsserted({ timeoutMs: 30_000 });
      const flow = await startAppSignIn(page, careid, { clientId: APP.clientId, redirectUri });
      const viaAutofill = await Promise.race([asserted.then(() => true), sleep(10_000).then(() => false)]);
      if (!viaAutofill) {
        await page.locator('#passkey-signin').waitFor({ state: 'visible' });
        assert.equal(await page.getAttribute('#email', 'autocomplete'), 'username webauthn', 'passkey autofill');
        await screenshot(page, 'login-passkey');
        await page.click('#passkey-signin');
        await asserted;
      }
      t.diagnostic(`passkey sign-in through ${viaAutofill ? 'autofill' : 'the button'}`);

      const { idToken } = await finishAtApp(careid, flow);
      assert.equal(idToken.email, patient.email);
      assert.equal(idToken.acr, 'urn:careid:acr:phishing-resistant');
      assert.deepEqual(idToken.amr, ['hwk', 'user', 'mfa']);
      assert.equal((await authenticator.credentialsFor('localhost')).length, 1);

      // Again with the button: the page's autofill request starts while the
      // authenticator is not touched, so it waits; the button aborts it and
      // makes a request of its own, which the (touched again) authenticator answers.
      await signOut(page, careid);
      await authenticator.setAutomaticPresence(false);
      const again = await startAppSignIn(page, careid, { clientId: APP.clientId, redirectUri });
      await page.locator('#passkey-signin').waitFor({ state: 'visible' });
      assert.equal(await page.getAttribute('#email', 'autocomplete'), 'username webauthn', 'passkey autofill');
      await screenshot(page, 'login-passkey');
      await authenticator.setAutomaticPresence(true);
      const pressed = authenticator.nextCredentialAsserted();
      await page.click('#passkey-signin');
      await pressed;
      const second = await finishAtApp(careid, again);
      assert.equal(second.idToken.acr, 'urn:careid:acr:phishing-resistant');

      // Biometrics that fail (or a person who cancels): a clear message and a
      // way back to the password, and the button works on a second try.
      await signOut(page, careid);
      await authenticator.setUserVerified(false);
      const third = await startAppSignIn(page, careid, { clientId: APP.clientId, redirectUri });
      await page.locator('#passkey-signin').waitFor({ state: 'visible' });
      await page.click('#passkey-signin');
      await page.locator('#passkey-message').waitFor({ state: 'visible' });
      assert.match(await page.textContent('#passkey-message'), /cancel|not allowed|did not|try again/i);
      await screenshot(page, 'login-passkey-failed');
      await authenticator.setUserVerified(true);
      await page.click('#passkey-signin');
      const last = await finishAtApp(careid, third);
      assert.equal(last.idToken.acr, 'urn:careid:acr:phishing-resistant');
    },
  );
});
