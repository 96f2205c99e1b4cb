// The seeds' clinician, in a real browser on the embedded default: invitation
// → sign-up → mobile number → the SMS code read from data/outbox/sms.jsonl →
// recovery codes → the Clinician Portal's sign-in with email, password and a
// new code, ending in an ID token at the multi-factor level.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { screenshot, withJourney } from './lib/browser.mjs';
import { freePort } from './lib/careid.mjs';
import { finishAtApp, signInWithPassword, signOut, signUpFromInvitation, startAppSignIn } from './lib/steps.mjs';

const MOBILE = '+447400123456';

/** Submits the code page's form with the newest code texted to MOBILE. */
async function enterCode(page, careid) {
  await page.locator('#code').waitFor();
  assert.equal(await page.getAttribute('#code', 'autocomplete'), 'one-time-code');
  await page.fill('#code', await careid.lastCode(MOBILE));
  await page.click('form[action="/login/sms"] button[type="submit"]');
}

test('an invited clinician adds a phone at sign-up and signs in to the Portal with a code by SMS', { timeout: 120_000 }, async (t) => {
  const tag = randomBytes(4).toString('hex');
  const clinician = { email: `doc.${tag}@example.com`, givenName: 'Grace', familyName: 'Hopper', password: `ward round ${tag}` };
  await withJourney(
    t,
    {
      name: 'clinician-sms',
      seed: async (careid) => {
        await careid.addDeployment('heart', 'Heart Failure');
        await careid.addPublicClient({
          id: 'portal',
          name: 'Clinician Portal',
          redirectUris: ['http://127.0.0.1/portal/callback'],
          allowedRoles: ['clinician'],
        });
        await careid.invite({ role: 'clinician', deployment: 'heart', email: clinician.email });
      },
    },
    async ({ careid, page }) => {
      const invitation = await careid.waitForEmail({ to: clinician.email, subject: /invited you/ });
      await signUpFromInvitation(page, { link: careid.linkIn(invitation), ...clinician });

      // Straight on to "Add your mobile number", then "2 Step Verification".
      await page.locator('#phone').waitFor();
      await page.fill('#phone', '+44 7400 123456');
      await screenshot(page, 'clinician-phone');
      await page.click('form[action="/login/phone"] button[type="submit"]');
      await page.getByRole('heading', { name: '2 Step Verification' }).waitFor();
      await screenshot(page, 'clinician-code');
      await enterCode(page, careid);

      // Ten recovery codes, once; then the account page.
      await page.locator('#recovery-codes').waitFor();
      assert.equal(await page.locator('#recovery-codes li').count(), 10);
      await screenshot(page, 'clinician-recovery-codes');
      await page.click('#recovery-continue');
      await page.locator('#account-email').waitFor();
      assert.match(await page.textContent('#two-step-status'), /On · codes go to \+44 ••• 56/);

      await signOut(page, careid);
      const redirectUri = `http://127.0.0.1:${await freePort()}/portal/callback`;
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
