// Every hosted page in every language, checked by axe-core (WCAG 2.2 A/AA and
// best practices: no serious or critical violation), for its language and
// direction, title, one h1, labels and form errors tied to their fields, and
// screenshotted as target/e2e/pages/LANG/NAME.png. The three languages run side
// by side on one careid, each in its own browser context.
//
// A new page is one line of PAGES: its name and how to reach it from nothing
// (the verbs are in lib/tour.mjs).

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { LANGUAGES, checkPage, describeViolation } from './lib/a11y.mjs';
import { launchChromium, screenshot } from './lib/browser.mjs';
import { ARTEFACTS, Careid } from './lib/careid.mjs';
import { REDIRECT_URI, Tour, seedTour } from './lib/tour.mjs';

/** [name, how to reach it]: each line starts from nothing (a fresh person where one is needed). */
const PAGES = [
  ['login', (t) => t.login()],
  ['login-error', async (t) => { await t.login(); await t.password({ email: 'nobody@example.com', password: 'not the password' }); }],
  ['password-forgot', async (t) => { await t.login(); await t.page.click('#forgot-password'); }],
  ['password-forgot-sent', async (t) => { await t.login(); await t.page.click('#forgot-password'); await t.fillAndSubmit('form[action="/password/forgot"]', { '#email': 'nobody@example.com' }); }],
  ['password-reset', async (t) => { const who = await t.person(); await t.page.goto(t.careid.url('/password/forgot')); await t.fillAndSubmit('form[action="/password/forgot"]', { '#email': who.email }); await t.page.goto(await t.linkFromEmail(who.email, '/password/reset/')); }],
  ['password-reset-error', async (t) => { const who = await t.person(); await t.page.goto(t.careid.url('/password/forgot')); await t.fillAndSubmit('form[action="/password/forgot"]', { '#email': who.email }); await t.page.goto(await t.linkFromEmail(who.email, '/password/reset/')); await t.fillAndSubmit('form[action^="/password/reset/"]', { '#password': 'short one', '#confirm': 'another one' }); }],
  ['signup', async (t) => t.page.goto(await t.invitation())],
  ['signup-error', async (t) => { await t.page.goto(await t.invitation()); await t.page.check('#accept_terms'); await t.fillAndSubmit('form[action^="/invite/"]', { '#email': 'sam@example.com', '#given_name': 'Sam', '#family_name': 'Lee', '#password': 'passwordpassword' }); }],
  ['signup-done', (t) => t.signedUp({ deployment: 'home' })],
  ['invitation-closed', (t) => t.page.goto(t.careid.url('/invite/no-such-invitation'))],
  ['verify-email', async (t) => { const email = await t.signedUp(); await t.page.goto(await t.linkFromEmail(email, '/verify-email/')); }],
  ['email-verified', async (t) => { const email = await t.signedUp(); await t.page.goto(await t.linkFromEmail(email, '/verify-email/')); await t.submit('form[action^="/verify-email/"]'); }],
  // The page an account past its verification deadline stops at, shown for a sign-in that has passed the password.
  ['verify-required', async (t) => { await t.phonePage(); await t.page.goto(t.careid.url(`/login/verify-email?tx=${await t.tx()}`)); }],
  ['phone', (t) => t.phonePage()],
  ['phone-error', async (t) => { await t.phonePage(); await t.fillAndSubmit('form[action="/login/phone"]', { '#phone': '12' }); }],
  ['sms-code', (t) => t.codePage()],
  ['sms-code-error', async (t) => { await t.codePage(); await t.fillAndSubmit('form[action="/login/sms"]', { '#code': '000000' }); }],
  ['recovery-codes', async (t) => { const { phone } = await t.codePage(); await t.fillAndSubmit('form[action="/login/sms"]', { '#code': await t.careid.lastCode(phone) }); }],
  ['recovery-code', async (t) => { await t.codePage(); await t.page.click('#use-recovery-code'); }],
  ['recovery-code-error', async (t) => { await t.codePage(); await t.page.click('#use-recovery-code'); await t.fillAndSubmit('form[action="/login/recovery"]', { '#recovery-code': 'abcde-fghij' }); }],
  ['passkey-register', (t) => t.passkeyRegisterPage()],
  ['passkey-confirm', (t) => t.passkeyConfirmPage()],
  ['terms', async (t) => t.signIn(await t.person(), { client: 'terms-app' })],
  ['consent', async (t) => t.signIn(await t.person(), { client: 'partner' })],
  ['account', (t) => t.account()],
  ['account-error', async (t) => { await t.account(); await t.fillAndSubmit('form[action="/account/password"]', { '#current_password': 'not my password', '#new_password': 'a new pass phrase to use', '#confirm_password': 'a new pass phrase to use' }); }],
  ['account-phone-code', async (t) => { const who = await t.account(); await t.fillAndSubmit('form[action="/account/phone"]', { '#new_phone': '+447400999111', '#phone_password': who.password }); }],
  ['logout-confirm', async (t) => { await t.account(); await t.page.goto(t.careid.url('/end_session')); }],
  ['logged-out', async (t) => { await t.account(); await t.page.goto(t.careid.url('/end_session')); await Promise.all([t.page.waitForNavigation(), t.page.click('button.logout-yes')]); }],
  ['still-signed-in', async (t) => { await t.account(); await t.page.goto(t.careid.url('/end_session')); await Promise.all([t.page.waitForNavigation(), t.page.click('button[value="no"]')]); }],
  // The form_post response without its script (which would post it at once): what a person without JavaScript sees.
  ['form-post', async (t) => { await t.account(); await t.page.route('**/assets/form_post.js', (r) => r.abort()); await t.login({ extra: { response_mode: 'form_post' } }); }],
  ['error', (t) => t.page.goto(t.careid.url('/authorize?client_id=no-such-client&response_type=code'))],
];

// E2E_TOUR=login,sms-code and E2E_TOUR_LANGS=ar narrow the tour while working on a page.
const only = (variable) => process.env[variable]?.split(',').map((s) => s.trim()).filter(Boolean);
const pages = PAGES.filter(([name]) => !only('E2E_TOUR') || only('E2E_TOUR').includes(name));
const languages = Object.keys(LANGUAGES).filter((lang) => !only('E2E_TOUR_LANGS') || only('E2E_TOUR_LANGS').includes(lang));

// The tour signs in, posts forms and asks for codes hundreds of times from
// 127.0.0.1 in three languages at once: on a quiet machine, more than the
// per-address limits allow a minute (an hour for texts).
const careid = await Careid.create({
  extraToml: [
    '[http]', 'posts_per_ip_per_minute = 100000',
    '[login]', 'per_ip_per_minute = 100000',
    '[sms]', 'per_ip_per_hour = 100000', '',
  ].join('\n'),
});
let browser;
const report = {};

before(async () => {
  await seedTour(careid);
  await careid.start();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close().catch(() => {});
  await careid.dispose();
  await writeFile(join(ARTEFACTS, 'a11y.json'), `${JSON.stringify(report, null, 2)}\n`).catch(() => {});
});

test('every hosted page, in every language, passes axe-core and the page checks', { timeout: 600_000, concurrency: 3 }, async (t) => {
  await Promise.all(
    languages.map((lang) =>
      t.test(lang, async (t) => {
        const context = await browser.newContext({ locale: lang, viewport: { width: 800, height: 900 } });
        context.setDefaultTimeout(15_000);
        await context.addCookies([{ name: 'careid_lang', value: lang, url: careid.issuer }]);
        await context.route((url) => url.href.startsWith(REDIRECT_URI), (route) =>
          route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>App</title><h1 id="app-callback">App</h1>' }),
        );
        try {
          for (const [name, reach] of pages) {
            await t.test(name, async (t) => {
              // A fresh page for every line: no route, authenticator or script left by the one before.
              const page = await context.newPage();
              if (process.env.E2E_DEBUG) page.on('framenavigated', (f) => f === page.mainFrame() && console.error(`# ${lang} ${name}: ${f.url()}`));
              await context.clearCookies();
              await context.addCookies([{ name: 'careid_lang', value: lang, url: careid.issuer }]);
              try {
                const tour = new Tour({ careid, page, lang });
                await tour.addAuthenticator();
                await reach(tour).catch(async (e) => {
                  const shot = await screenshot(page, `failure-tour-${lang}-${name}`).catch(() => '(no screenshot)');
                  throw new Error(`reaching "${name}" in ${lang} failed at ${page.url()} (${shot}): ${e.message}`, { cause: e });
                });
                const reached = Date.now();
                const violations = await checkPage(page, { lang, name });
                if (process.env.E2E_DEBUG) console.error(`# ${lang} ${name}: checked in ${Date.now() - reached} ms`);
                (report[lang] ??= {})[name] = violations;
                for (const v of violations) t.diagnostic(describeViolation(v));
              } finally {
                await page.close();
              }
            });
          }
        } finally {
          await context.close();
        }
      }),
    ),
  );
});
