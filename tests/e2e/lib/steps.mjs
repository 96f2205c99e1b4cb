// Steps of a person's journey through careid's hosted pages, each ending on a
// page it checks, so a journey reads as what the person does.
//
// Selectors are the ids and classes of templates/*.html; keep them in step.

import assert from 'node:assert/strict';

import { catchRedirect, exchangeCode, newAuthorizationRequest, verifyJwt } from './oauth.mjs';

/**
 * Opens an invitation link and fills the sign-up form (templates/signup.html).
 * `beforeSubmit(page)` runs with the form filled (a screenshot, say).
 * Does not wait for where the sign-up leads: that depends on the deployment.
 */
export async function signUpFromInvitation(page, { link, givenName, familyName, password, acceptTerms = true, beforeSubmit }) {
  await page.goto(link);
  await page.locator('#invited-by').waitFor();
  await page.fill('#given_name', givenName);
  await page.fill('#family_name', familyName);
  await page.fill('#password', password);
  const terms = page.locator('input[name="accept_terms"]');
  if (acceptTerms && (await terms.count()) > 0) await terms.check();
  if (beforeSubmit) await beforeSubmit(page);
  const posted = page.waitForResponse(
    (r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/invite/'),
  );
  await page.click('button.signup-submit');
  const response = await posted;
  if (response.status() >= 400) {
    await page.waitForLoadState('load');
    const error = page.locator('#signup-error');
    const why = (await error.count()) ? await error.textContent() : await page.textContent('main');
    assert.fail(`sign-up refused (${response.status()}): ${why.trim()}`);
  }
}

/** The account page (/account) for the signed-in person; resolves to the email it shows. */
export async function openAccount(page, careid) {
  await page.goto(careid.url('/account'));
  await page.locator('#account-email').waitFor();
  return (await page.textContent('#account-email')).trim();
}

/** Opens the newest verification link emailed to `email` and presses "Verify email". */
export async function verifyEmailFromOutbox(page, careid, email) {
  const message = await careid.waitForEmail({ to: email, subject: /verify/i });
  const link = careid.linkIn(message);
  assert.match(link, /\/verify-email\//);
  await page.goto(link);
  await page.click('button.verify-submit');
  await page.locator('#notice-title').waitFor();
  return page.textContent('#notice-title');
}

/** Signs out of careid in this browser (RP-Initiated Logout without a hint asks first). */
export async function signOut(page, careid) {
  await page.goto(careid.url('/end_session'));
  await page.click('button.logout-yes');
  await page.locator('#logged-out').waitFor();
}

/**
 * The App starts a code flow (PKCE S256, state, nonce) in this browser.
 * Resolves to { request, redirect } once careid shows its first page;
 * `redirect.wait()` resolves to the parameters the App receives.
 */
export async function startAppSignIn(page, careid, { clientId, redirectUri, scope = 'openid profile email careid', extra }) {
  const request = newAuthorizationRequest({ discovery: careid.discovery, clientId, redirectUri, scope, extra });
  const redirect = await catchRedirect(page, redirectUri);
  await page.goto(request.url);
  return { request, redirect };
}

/** Fills the login page's email and password (templates/login.html) and submits. */
export async function signInWithPassword(page, { email, password }) {
  await page.locator('form[action="/login"]').waitFor();
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button.login-submit');
}

/**
 * The end of a code flow at the App: the redirect carries a code, the App's
 * state and careid's `iss` (RFC 9207); the code buys tokens whose ID token is
 * signed by a JWKS key and names the issuer, the App and the nonce.
 * Resolves to { params, tokens, idToken } (idToken = verified claims).
 */
export async function finishAtApp(careid, { request, redirect }) {
  const params = await redirect.wait();
  assert.equal(params.error, undefined, `the App got an error: ${params.error} ${params.error_description ?? ''}`);
  assert.ok(params.code, 'an authorization code reaches the App');
  assert.equal(params.state, request.state, 'the App gets its state back');
  assert.equal(params.iss, careid.issuer, 'the redirect names the issuer (RFC 9207)');

  const tokens = await exchangeCode({ discovery: careid.discovery, request, code: params.code });
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.ok(tokens.access_token, 'an access token');
  assert.ok(tokens.id_token, 'an ID token');
  const idToken = await verifyJwt(tokens.id_token, careid.discovery);
  assert.equal(idToken.iss, careid.issuer);
  assert.ok([idToken.aud].flat().includes(request.clientId), `aud ${JSON.stringify(idToken.aud)} names the App`);
  assert.equal(idToken.nonce, request.nonce);
  assert.ok(idToken.exp > Date.now() / 1000, 'the ID token has not expired');
  return { params, tokens, idToken };
}
