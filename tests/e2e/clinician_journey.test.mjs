// The seeds' clinician, in a real browser on the embedded default: invitation
// to the Clinician Portal → sign-up (terms and disclaimer accepted once) →
// mobile number → the SMS code read from data/outbox/sms.jsonl → recovery
// codes → careid sends the browser to the Portal's initiate_login_uri, the
// Portal starts its own code flow and gets a code at once: signed in, no
// second terms page. Then a later sign-in with email, password and a new
// code, ending in an ID token at the multi-factor level.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { screenshot, withJourney } from './lib/browser.mjs';
import { freePort } from './lib/careid.mjs';
import { catchRedirect, newAuthorizationRequest } from './lib/oauth.mjs';
import { finishAtApp, openAccount, signInWithPassword, signOut, signUpFromInvitation, startAppSignIn } from './lib/steps.mjs';

const MOBILE = '+447400123456';

/** Submits the code page's form with the newest code texted to MOBILE. */
async function enterCode(page, careid) {
  await page.locator('#code').waitFor();
  assert.equal(await page.getAttribute('#code', 'autocomplete'), 'one-time-code');
  await page.fill('#code', await careid.lastCode(MOBILE));
  await page.click('form[action="/login/sms"] button[type="submit"]');
}

/**
 * The Portal's login initiation endpoint (OIDC third-party-initiated login):
 * when careid sends the browser there, the Portal starts its own code flow
 * (PKCE, state, nonce). Resolves to that flow's { request, redirect } and the
 * parameters careid sent (iss, login_hint).
 */
async function portalInitiatesLogin(page, careid, { loginUri, redirectUri }) {
  const request = newAuthorizationRequest({
    discovery: careid.discovery, clientId: 'portal', redirectUri, scope: 'openid profile email careid',
  });
  const redirect = await catchRedirect(page, redirectUri);
  const target = new URL(loginUri);
  let resolveSent;
  const sent = new Promise((ok) => (resolveSent = ok));
  await page.route((url) => url.origin === target.origin && url.pathname === target.pathname, async (route) => {
    resolveSent(Object.fromEntries(new URL(route.request().url()).searchParams));
    await route.fulfill({ status: 302, headers: { location: request.url } });
  });
  return { flow: { request, redirect }, sent };
}

test('an invited clinician adds a phone at sign-up and ends signed in at the Portal with a code', { timeout: 120_000 }, async (t) => {
  const tag = randomBytes(4).toString('hex');
  const portalPort = await freePort();
  const redirectUri = `http://127.0.0.1:${portalPort}/portal/callback`;
  const loginUri = `http://127.0.0.1:${portalPort}/portal/login`;
  const clinician = { email: `doc.${tag}@example.com`, givenName: 'Grace', familyName: 'Hopper', password: `ward round ${tag}` };
  await withJourney(
    t,
    {
      name: 'clinician-sms',
      seed: async (careid) => {
        await careid.addDeployment('heart', 'Heart Failure', {
          'terms-version': '3',
          'terms-url': 'https://care.example/terms',
          'disclaimer-text': 'Not for emergencies.',
          'disclaimer-version': '1',
        });
        await careid.addPublicClient({
          id: 'portal',
          name: 'Clinician Portal',
          redirectUris: [redirectUri],
          allowedRoles: ['clinician'],
          initiateLoginUri: loginUri,
          requireTerms: true,
        });
        await careid.invite({ role: 'clinician', deployment: 'heart', email: clinician.email, client: 'portal' });
      },
    },
    async ({ careid, page }) => {
      const invitation = await careid.waitForEmail({ to: clinician.email, subject: /invited you/ });
      assert.match(invitation.text, /Clinician Portal/, 'the invitation names where it leads');
      const portal = await portalInitiatesLogin(page, careid, { loginUri, redirectUri });
      await signUpFromInvitation(page, { link: careid.linkIn(invitation), ...clinician });

      // Straight on to "Add your mobile number", then "2 Step Verification".
      await page.locator('#phone').waitFor();
      await page.fill('#phone', '+44 7400 123456');
      await screenshot(page, 'clinician-phone');
      await page.click('form[action="/login/phone"] button[type="submit"]');
      await page.getByRole('heading', { name: '2 Step Verification' }).waitFor();
      await screenshot(page, 'clinician-code');
      await enterCode(page, careid);

      // Ten recovery codes, once; then on to the Portal, signed in: careid
      // sends the browser to its initiate_login_uri, the Portal's own request
      // comes back with a code, and no terms page comes in between.
      await page.locator('#recovery-codes').waitFor();
      assert.equal(await page.locator('#recovery-codes li').count(), 10);
      await screenshot(page, 'clinician-recovery-codes');
      await page.click('#recovery-continue');
      const sent = await portal.sent;
      assert.equal(sent.iss, careid.issuer, 'careid names itself to the Portal');
      assert.equal(sent.login_hint, clinician.email);
      const atPortal = await finishAtApp(careid, portal.flow);
      assert.equal(atPortal.idToken.email, clinician.email);
      assert.equal(atPortal.idToken.acr, 'urn:careid:acr:mfa');
      await page.locator('#app-callback').waitFor();
      await screenshot(page, 'clinician-at-portal');

      await openAccount(page, careid);
      assert.match(await page.textContent('#two-step-status'), /On · codes go to \+44 ••• 56/);

      await signOut(page, careid);
      const flow = await startAppSignIn(page, careid, { clientId: 'portal', redirectUri });
      await signInWithPassword(page, clinician);
      await enterCode(page, careid);
      const { idToken } = await finishAtApp(careid, flow);
      assert.equal(idToken.email, clinician.email);
      assert.equal(idToken.role, 'clinician');
      assert.equal(idToken.acr, 'urn:careid:acr:mfa');
      assert.deepEqual(idToken.amr, ['pwd', 'sms', 'mfa']);
      assert.equal((await careid.texts()).length, 2, 'one code at sign-up, one at sign-in');
    },
  );
});
