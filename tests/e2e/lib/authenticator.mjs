// A platform authenticator for the page, through the Chrome DevTools Protocol's
// WebAuthn domain: what a phone's fingerprint or face unlock is to careid.

/** What issue 6 asks for: a passkey-capable platform authenticator whose user verification succeeds. */
export const PLATFORM_AUTHENTICATOR = Object.freeze({
  protocol: 'ctap2',
  transport: 'internal',
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
  automaticPresenceSimulation: true,
});

/**
 * Adds a virtual authenticator to `page` (a Playwright page). Resolves to a
 * handle with the CDP session, its id and the helpers below bound to it.
 */
export async function addVirtualAuthenticator(page, options = {}) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { ...PLATFORM_AUTHENTICATOR, ...options },
  });
  return new VirtualAuthenticator(cdp, authenticatorId);
}

export class VirtualAuthenticator {
  constructor(cdp, id) {
    this.cdp = cdp;
    this.id = id;
  }

  /**
   * The credentials it holds: [{ credentialId, isResidentCredential, rpId,
   * userHandle, signCount, privateKey, … }] (ids and handles base64).
   */
  async credentials() {
    const { credentials } = await this.cdp.send('WebAuthn.getCredentials', { authenticatorId: this.id });
    return credentials;
  }

  /** The credentials for one relying-party id (careid's is the issuer's host, `localhost`). */
  async credentialsFor(rpId) {
    return (await this.credentials()).filter((c) => c.rpId === rpId);
  }

  /** Forgets one credential, as if the person deleted the passkey on their device. */
  async removeCredential(credentialId) {
    await this.cdp.send('WebAuthn.removeCredential', { authenticatorId: this.id, credentialId });
  }

  /** Forgets every credential. */
  async clearCredentials() {
    await this.cdp.send('WebAuthn.clearCredentials', { authenticatorId: this.id });
  }

  /** Whether the authenticator is touched at once (false: requests wait until it is turned back on). */
  async setAutomaticPresence(enabled) {
    await this.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: this.id, enabled });
  }

  /** Whether the next ceremonies see a verified user (false: biometrics fail). */
  async setUserVerified(isUserVerified) {
    await this.cdp.send('WebAuthn.setUserVerified', { authenticatorId: this.id, isUserVerified });
  }

  /**
   * Resolves on the next credential the authenticator creates
   * (`WebAuthn.credentialAdded`), for a registration step to await.
   */
  nextCredentialAdded({ timeoutMs = 15_000 } = {}) {
    return this.#nextEvent('WebAuthn.credentialAdded', timeoutMs);
  }

  /** Resolves on the next assertion it signs (`WebAuthn.credentialAsserted`), for a sign-in step. */
  nextCredentialAsserted({ timeoutMs = 15_000 } = {}) {
    return this.#nextEvent('WebAuthn.credentialAsserted', timeoutMs);
  }

  /** Removes the authenticator and its credentials from the page. */
  async remove() {
    await this.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: this.id });
  }

  #nextEvent(name, timeoutMs) {
    return new Promise((ok, fail) => {
      const timer = setTimeout(() => {
        this.cdp.off(name, listener);
        fail(new Error(`no ${name} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (event) => {
        if (event.authenticatorId !== this.id) return;
        clearTimeout(timer);
        this.cdp.off(name, listener);
        ok(event.credential);
      };
      this.cdp.on(name, listener);
    });
  }
}
