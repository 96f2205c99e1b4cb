// The virtual platform authenticator the passkey journeys rely on, checked on
// its own: a page on localhost (a secure context, served by page.route, no
// careid needed) creates a discoverable credential and signs in with it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { addVirtualAuthenticator } from './lib/authenticator.mjs';
import { launchChromium } from './lib/browser.mjs';

const ORIGIN = 'http://localhost:9';

async function registerAndSignIn(page) {
  return page.evaluate(async () => {
    const random = (n) => crypto.getRandomValues(new Uint8Array(n));
    const created = await navigator.credentials.create({
      publicKey: {
        rp: { id: 'localhost', name: 'careid' },
        user: { id: random(16), name: 'pat@example.com', displayName: 'Pat Jones' },
        challenge: random(32),
        pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
        authenticatorSelection: { residentKey: 'required', userVerification: 'required', authenticatorAttachment: 'platform' },
        attestation: 'none',
      },
    });
    // Usernameless: no allowCredentials, the authenticator picks the resident key.
    const asserted = await navigator.credentials.get({
      publicKey: { rpId: 'localhost', challenge: random(32), userVerification: 'required' },
    });
    return { created: created.id, asserted: asserted.id };
  });
}

test('the virtual platform authenticator creates a resident passkey, signs with it and forgets it', { timeout: 60_000 }, async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.route(`${ORIGIN}/**`, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>relying party</title>' }),
    );
    await page.goto(`${ORIGIN}/`);
    const authenticator = await addVirtualAuthenticator(page);
    assert.deepEqual(await authenticator.credentials(), []);

    const added = authenticator.nextCredentialAdded();
    const asserted = authenticator.nextCredentialAsserted();
    const ids = await registerAndSignIn(page);
    assert.equal(ids.asserted, ids.created, 'the sign-in used the passkey just made');

    const [credential] = await authenticator.credentialsFor('localhost');
    assert.equal(credential.isResidentCredential, true);
    assert.equal(Buffer.from(credential.credentialId, 'base64').toString('base64url'), ids.created);
    assert.equal((await added).credentialId, credential.credentialId);
    assert.equal((await asserted).credentialId, credential.credentialId);
    assert.ok(credential.signCount >= 1, 'the assertion counted');

    await authenticator.removeCredential(credential.credentialId);
    assert.deepEqual(await authenticator.credentials(), []);
    await authenticator.remove();
  } finally {
    await browser.close();
  }
});
