// A browser app on another origin (CORS): a single-page app served from
// http://127.0.0.1:APPPORT, a public client of careid at http://localhost:PORT,
// runs the code flow with PKCE, then its own code fetches the token endpoint
// and /userinfo across origins. A page on an origin careid does not know is
// stopped by the browser.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';

import { screenshot, withJourney } from './lib/browser.mjs';
import { freePort } from './lib/careid.mjs';
import { newAuthorizationRequest } from './lib/oauth.mjs';
import { signInWithPassword } from './lib/steps.mjs';

const PATIENT = { email: 'web.patient@example.com', password: 'amber kite 42 orbits quietly tonight' };

/** A site on 127.0.0.1:`port` whose every page is the same small app page. */
async function site(port) {
  const html = '<!doctype html><meta charset="utf-8"><title>Web App</title><h1 id="web-app">Web App</h1>';
  const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html));
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * Runs in the page: what a browser app's own code does with the code it got
 * back. Each call resolves to { ok, status, body, error } — error being the
 * browser's own refusal (a TypeError) when CORS stops it.
 */
async function inPage(page, call, args) {
  return page.evaluate(
    async ({ call, args }) => {
      const request = async (url, init) => {
        try {
          const response = await fetch(url, init);
          return { ok: response.ok, status: response.status, body: await response.json().catch(() => null) };
        } catch (error) {
          return { error: `${error.name}: ${error.message}` };
        }
      };
      const discovery = await request(`${args.issuer}/.well-known/openid-configuration`);
      if (call === 'discovery') return discovery;
      const endpoints = discovery.body ?? { token_endpoint: `${args.issuer}/token`, userinfo_endpoint: `${args.issuer}/userinfo` };
      if (call === 'token') {
        return request(endpoints.token_endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(args.form),
        });
      }
      // The Authorization header makes the browser ask first (a preflight).
      return request(endpoints.userinfo_endpoint, { headers: { authorization: `Bearer ${args.accessToken}` } });
    },
    { call, args },
  );
}

test('a browser app on another origin exchanges its code and reads userinfo; an unknown origin is blocked', { timeout: 120_000 }, async (t) => {
  const app = await site(await freePort());
  const stranger = await site(await freePort());
  const redirectUri = `${app.origin}/callback`;
  try {
    await withJourney(
      t,
      {
        name: 'browser-app',
        seed: async (careid) => {
          await careid.addPublicClient({ id: 'webapp', name: 'Web App', redirectUris: [redirectUri], allowedRoles: ['patient'] });
          await careid.cli(
            ['users', 'add', '--email', PATIENT.email, '--name', 'Web Patient', '--role', 'patient', '--password-stdin', '--email-verified'],
            { stdin: PATIENT.password },
          );
        },
      },
      async ({ careid, page }) => {
        const issuer = careid.issuer;
        assert.notEqual(new URL(issuer).origin, app.origin, 'the app lives on another origin');

        // The app sends the person to careid and gets them back with a code.
        const request = newAuthorizationRequest({ discovery: careid.discovery, clientId: 'webapp', redirectUri, scope: 'openid email profile' });
        await page.goto(request.url);
        await signInWithPassword(page, PATIENT);
        await page.waitForURL((url) => url.href.startsWith(redirectUri));
        const back = new URL(page.url()).searchParams;
        assert.equal(back.get('state'), request.state);
        assert.equal(back.get('iss'), issuer);
        assert.ok(back.get('code'), 'a code reaches the app');
        assert.equal(new URL(page.url()).origin, app.origin);

        // Its own code, on its own origin, calls careid.
        const discovery = await inPage(page, 'discovery', { issuer });
        assert.ok(discovery.ok, JSON.stringify(discovery));
        const form = {
          grant_type: 'authorization_code',
          code: back.get('code'),
          redirect_uri: redirectUri,
          client_id: 'webapp',
          code_verifier: request.codeVerifier,
        };
        const tokens = await inPage(page, 'token', { issuer, form });
        assert.ok(tokens.ok, `token request from ${app.origin}: ${JSON.stringify(tokens)}`);
        assert.equal(tokens.body.token_type.toLowerCase(), 'bearer');
        assert.ok(tokens.body.id_token && tokens.body.access_token);
        const accessToken = tokens.body.access_token;
        const userinfo = await inPage(page, 'userinfo', { issuer, accessToken });
        assert.ok(userinfo.ok, `userinfo from ${app.origin}: ${JSON.stringify(userinfo)}`);
        assert.equal(userinfo.body.email, PATIENT.email);
        await screenshot(page, 'browser-app-signed-in');

        // The same calls from a page careid does not know: the public
        // documents answer, the rest is stopped by the browser itself.
        await page.goto(`${stranger.origin}/`);
        assert.ok((await inPage(page, 'discovery', { issuer })).ok, 'discovery is public');
        const stolen = await inPage(page, 'userinfo', { issuer, accessToken });
        assert.match(stolen.error ?? '', /TypeError/, `userinfo from ${stranger.origin}: ${JSON.stringify(stolen)}`);
        const replay = await inPage(page, 'token', { issuer, form: { ...form, code: 'a-code-from-elsewhere' } });
        assert.match(replay.error ?? '', /TypeError/, `token request from ${stranger.origin}: ${JSON.stringify(replay)}`);
      },
    );
  } finally {
    await app.close();
    await stranger.close();
  }
});
