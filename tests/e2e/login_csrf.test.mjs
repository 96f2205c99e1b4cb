// Login CSRF in a real browser: a page on another site makes the victim's
// browser post the attacker's own login form (the attacker's transaction,
// CSRF token and credentials) to careid. careid must refuse it, and the
// victim's browser must not end up signed in as the attacker.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';

import { launchChromium, screenshot } from './lib/browser.mjs';
import { Careid, freePort } from './lib/careid.mjs';

const ATTACKER = { email: 'mallory@example.com', password: 'mallory owns this long passphrase 42' };
const REDIRECT = 'http://127.0.0.1/oauth/callback';

/** The attacker's site: `GET /` serves `html`. */
async function attackerSite(html) {
  const port = await freePort();
  const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

test('a login form posted from another site does not sign the victim in as the attacker', { timeout: 120_000 }, async () => {
  const careid = await Careid.create();
  let browser;
  try {
    await careid.addPublicClient({ id: 'app', name: 'Care App', redirectUris: [REDIRECT], allowedRoles: ['patient'] });
    await careid.cli(
      ['users', 'add', '--email', ATTACKER.email, '--name', 'Mallory', '--role', 'patient', '--password-stdin', '--email-verified'],
      { stdin: ATTACKER.password },
    );
    await careid.start();
    browser = await launchChromium();

    // The attacker opens a sign-in in their own browser and keeps its hidden fields.
    const attacker = await browser.newContext();
    const mine = await attacker.newPage();
    const query = new URLSearchParams({
      response_type: 'code', client_id: 'app', redirect_uri: REDIRECT, scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
    });
    await mine.goto(careid.url(`/authorize?${query}`));
    const tx = await mine.inputValue('input[name="tx"]');
    const csrf = await mine.inputValue('input[name="csrf"]');

    for (const referrer of ['strict-origin-when-cross-origin', 'no-referrer']) {
      const fields = { tx, csrf, email: ATTACKER.email, password: ATTACKER.password };
      const inputs = Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`).join('');
      const site = await attackerSite(`<!doctype html><meta name="referrer" content="${referrer}">
        <form id="f" method="post" action="${careid.url('/login')}">${inputs}</form>
        <script>document.getElementById('f').submit()</script>`);
      const victim = await browser.newContext();
      const page = await victim.newPage();
      try {
        const answered = page.waitForResponse((r) => r.url() === careid.url('/login'));
        await page.goto(site.url);
        const response = await answered;
        await page.waitForLoadState();
        assert.equal(response.status(), 403, `referrer policy ${referrer}`);
        assert.match(await page.textContent('body'), /This form came from another site/);
        const cookies = await victim.cookies(careid.issuer);
        assert.ok(!cookies.some((c) => c.name === 'careid_session'), JSON.stringify(cookies));
        if (referrer === 'no-referrer') await screenshot(page, 'login-csrf-refused');
      } finally {
        await victim.close();
        await site.close();
      }
    }

    // The same fields from careid's own page still sign the attacker in, in their own browser.
    await mine.fill('input[name="email"]', ATTACKER.email);
    await mine.fill('input[name="password"]', ATTACKER.password);
    const [request] = await Promise.all([
      mine.waitForRequest((r) => r.url().startsWith(REDIRECT)),
      mine.click('button.login-submit'),
    ]);
    assert.ok(new URL(request.url()).searchParams.get('code'), request.url());
  } finally {
    await browser?.close().catch(() => {});
    await careid.dispose();
  }
});
