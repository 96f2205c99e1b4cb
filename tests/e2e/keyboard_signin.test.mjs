// A clinician who uses no mouse: from the Portal's login page to its
// authorization code with Tab, Enter and typing only (no click, no fill), through
// the language switcher, the new mobile number, the SMS code and the recovery
// codes, every stop's focus drawn visibly enough to see (lib/a11y.mjs).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { assertVisibleFocus, tabTo } from './lib/a11y.mjs';
import { screenshot, withJourney } from './lib/browser.mjs';
import { freePort } from './lib/careid.mjs';
import { finishAtApp, startAppSignIn } from './lib/steps.mjs';

const MOBILE = '+447400765432';

/** Presses Enter on the focused control and waits for the page it leads to. */
async function enter(page) {
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

test('a clinician signs in to the Portal with the keyboard alone, SMS code included', { timeout: 120_000 }, async (t) => {
  const clinician = { email: `keys.${randomBytes(4).toString('hex')}@example.com`, password: `tab and enter ${randomBytes(4).toString('hex')}` };
  await withJourney(
    t,
    {
      name: 'keyboard-signin',
      seed: async (careid) => {
        await careid.addDeployment('clinic', 'Cardiology Clinic', { 'mfa-required': true });
        await careid.addPublicClient({
          id: 'portal',
          name: 'Clinician Portal',
          redirectUris: ['http://127.0.0.1/portal/callback'],
          allowedRoles: ['clinician'],
        });
        await careid.cli(
          ['users', 'add', '--email', clinician.email, '--name', 'Ada Byron', '--role', 'clinician', '--deployment', 'clinic',
            '--email-verified', '--password-stdin'],
          { stdin: clinician.password },
        );
      },
    },
    async ({ careid, page, authenticator }) => {
      // No passkey to offer: the login page's autofill request waits untouched.
      await authenticator.setAutomaticPresence(false);
      const redirectUri = `http://127.0.0.1:${await freePort()}/portal/callback`;
      const flow = await startAppSignIn(page, careid, { clientId: 'portal', redirectUri });

      // The language switcher, by keyboard: German, and the sign-in goes on.
      await page.locator('form[action="/login"]').waitFor();
      await tabTo(page, '#language-switcher button[lang="de"]');
      await enter(page);
      assert.equal(await page.getAttribute('html', 'lang'), 'de');
      await page.locator('form[action="/login"]').waitFor();

      // The email field has the focus as the page opens.
      await assertVisibleFocus(page, '#email');
      await page.keyboard.type(clinician.email);
      await tabTo(page, '#password', { max: 1 });
      await page.keyboard.type(clinician.password);
      await tabTo(page, 'button.login-submit', { max: 1 });
      await screenshot(page, 'keyboard-login');
      await enter(page);

      // A first mobile number, then its code.
      await assertVisibleFocus(page, '#phone');
      await page.keyboard.type('+44 7400 765432');
      await tabTo(page, 'form[action="/login/phone"] button[type="submit"]', { max: 1 });
      await enter(page);
      await assertVisibleFocus(page, '#code');
      await page.keyboard.type(await careid.lastCode(MOBILE));
      await tabTo(page, 'form[action="/login/sms"] button[type="submit"]', { max: 1 });
      await screenshot(page, 'keyboard-sms-code');
      await enter(page);

      // The recovery codes, shown once; Tab to "I have saved them".
      await page.locator('#recovery-codes').waitFor();
      await tabTo(page, '#recovery-continue');
      await screenshot(page, 'keyboard-recovery-codes');
      await page.keyboard.press('Enter');

      const { idToken } = await finishAtApp(careid, flow);
      assert.equal(idToken.email, clinician.email);
      assert.equal(idToken.acr, 'urn:careid:acr:mfa');
      assert.deepEqual(idToken.amr, ['pwd', 'sms', 'mfa']);
    },
  );
});
