// The verbs of the accessibility tour (tests/e2e/a11y_tour.test.mjs): each
// brings one browser page, in one language, to a hosted page of careid from
// nothing (a fresh person made with the CLI when it needs one), so every line
// of the tour stands alone and a new page is one more line.

import { randomBytes } from 'node:crypto';

import { addVirtualAuthenticator } from './authenticator.mjs';
import { newAuthorizationRequest } from './oauth.mjs';

/** The programmes and clients the tour's people belong to and sign in at. */
export async function seedTour(careid) {
  await careid.addDeployment('heart', 'Heart Failure', { 'terms-version': '2024-05', 'terms-url': 'https://care.example/terms' });
  await careid.addDeployment('clinic', 'Cardiology Clinic', { 'mfa-required': true });
  await careid.addDeployment('bio', 'Biometric Programme', { 'passkey-required': true });
  await careid.addDeployment('home', 'Home Care', { 'app-link': 'https://app.example/home' });
  const redirectUris = [REDIRECT_URI];
  await careid.addPublicClient({ id: 'app', name: 'Care App', redirectUris, allowedRoles: ['patient'] });
  await careid.addPublicClient({ id: 'portal', name: 'Clinician Portal', redirectUris, allowedRoles: ['clinician'] });
  // Not first-party (asks for consent) and asking for the programme's terms.
  await careid.cli(['clients', 'add', '--id', 'partner', '--name', 'Partner Diary', '--public', '--no-require-dpop', '--redirect-uri', REDIRECT_URI]);
  await careid.cli([
    'clients', 'add', '--id', 'terms-app', '--name', 'Care App', '--public', '--first-party', '--no-require-dpop',
    '--require-terms', '--redirect-uri', REDIRECT_URI,
  ]);
}

/** Where the tour's clients say they are; nothing listens (a page is caught before it gets there). */
export const REDIRECT_URI = 'http://127.0.0.1/tour/callback';

const tag = () => randomBytes(5).toString('hex');

export class Tour {
  /** `page` is a Playwright page of a context whose language is `lang`. */
  constructor({ careid, page, lang }) {
    this.careid = careid;
    this.page = page;
    this.lang = lang;
  }

  /**
   * The page's platform authenticator, present (so passkey pages show what a
   * phone shows) but not touched by itself, so a login page's passkey autofill
   * waits instead of signing someone in.
   */
  async addAuthenticator() {
    this.authenticator = await addVirtualAuthenticator(this.page, { automaticPresenceSimulation: false });
  }

  /** A new account made with the CLI: { email, password, role, deployment }. */
  async person({ role = 'patient', deployment = 'heart' } = {}) {
    const who = { email: `${role}.${this.lang}.${tag()}@example.com`, password: `amber kite ${tag()} orbits quietly`, role, deployment };
    await this.careid.cli(
      ['users', 'add', '--email', who.email, '--name', 'Sam Lee', '--given-name', 'Sam', '--family-name', 'Lee',
        '--role', role, '--deployment', deployment, '--email-verified', '--password-stdin'],
      { stdin: who.password },
    );
    return who;
  }

  clinician() {
    return this.person({ role: 'clinician', deployment: 'clinic' });
  }

  /** An invitation link in this language (`careid invite --locale`). */
  invitation({ role = 'patient', deployment = 'heart' } = {}) {
    return this.careid.invite({ role, deployment, locale: this.lang });
  }

  /** The login page of a sign-in at `client`, asked for in this language (ui_locales). */
  async login({ client = 'app', extra = {} } = {}) {
    const request = newAuthorizationRequest({
      discovery: this.careid.discovery,
      clientId: client,
      redirectUri: REDIRECT_URI,
      scope: 'openid profile email',
      extra: { ui_locales: this.lang, ...extra },
    });
    await this.page.goto(request.url);
    return request;
  }

  /** Types email and password into the login page and submits it. */
  async password({ email, password }) {
    await this.page.fill('#email', email);
    await this.page.fill('#password', password);
    await Promise.all([this.page.waitForNavigation(), this.page.click('button.login-submit')]);
  }

  /** Signs `who` in at `client` with the password; the page is the step after it. */
  async signIn(who, { client = who.role === 'clinician' ? 'portal' : 'app' } = {}) {
    await this.login({ client });
    await this.password(who);
  }

  /** A signed-in patient's account page. */
  async account(who) {
    who ??= await this.person();
    await this.page.goto(this.careid.url('/account'));
    await this.password(who);
    await this.page.locator('#account-email').waitFor();
    return who;
  }

  /** The sign-in's transaction, from the page's form. */
  tx() {
    return this.page.locator('input[name="tx"]').first().inputValue();
  }

  /** A new clinician signed in with the password, on "Add your mobile number". */
  async phonePage() {
    const who = await this.clinician();
    await this.signIn(who);
    await this.page.locator('#phone').waitFor();
    return who;
  }

  /** A new clinician who gave a number, on the code page; resolves to { who, phone }. */
  async codePage() {
    const who = await this.phonePage();
    const phone = `+447400${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    await this.page.fill('#phone', phone);
    await this.submit('form[action="/login/phone"]');
    await this.page.locator('#code').waitFor();
    return { who, phone };
  }

  /** Submits the form matched by `form` with its submit button, waiting for the page it leads to. */
  async submit(form) {
    await Promise.all([this.page.waitForNavigation(), this.page.click(`${form} button[type="submit"]`)]);
  }

  /** Fills `fields` ({ selector: value }) and submits `form`. */
  async fillAndSubmit(form, fields) {
    for (const [selector, value] of Object.entries(fields)) await this.page.fill(selector, value);
    await this.submit(form);
  }

  /** The newest link under `path` in an email to `to`. */
  async linkFromEmail(to, path) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const links = (await this.careid.emails())
        .filter((m) => m.to.includes(to))
        .flatMap((m) => this.careid.linksUnder(m))
        .filter((l) => new URL(l).pathname.startsWith(path));
      if (links.length) return links.at(-1);
      if (Date.now() > deadline) throw new Error(`no email to ${to} with a link under ${path}`);
      await new Promise((ok) => setTimeout(ok, 200));
    }
  }

  /** Someone who signed up from an invitation, on the page sign-up leads to. */
  async signedUp({ deployment = 'heart' } = {}) {
    const email = `new.${this.lang}.${tag()}@example.com`;
    const link = await this.careid.invite({ role: 'patient', deployment, email, locale: this.lang });
    await this.page.goto(link);
    await this.page.fill('#given_name', 'Sam');
    await this.page.fill('#family_name', 'Lee');
    await this.page.fill('#password', `amber kite ${tag()} orbits quietly`);
    const terms = this.page.locator('input[name="accept_terms"]');
    if (await terms.count()) await terms.check();
    await Promise.all([this.page.waitForNavigation(), this.page.click('button.signup-submit')]);
    return email;
  }

  /** A new member of the passkey programme, on "Add a passkey". */
  async passkeyRegisterPage() {
    const who = await this.person({ deployment: 'bio' });
    await this.signIn(who);
    await this.page.locator('#passkey-add').waitFor({ state: 'visible' });
    return who;
  }

  /**
   * A member with a passkey who signed in with the password at a client that
   * asks for a phishing-resistant sign-in (acr_values), on "Use your passkey"
   * (the ceremony is not started: the page is what a person sees).
   */
  async passkeyConfirmPage() {
    const who = await this.passkeyRegisterPage();
    await this.authenticator.setAutomaticPresence(true);
    const added = this.authenticator.nextCredentialAdded();
    await this.page.click('#passkey-add');
    await added;
    await this.page.locator('#account-email, #app-callback').first().waitFor().catch(() => {});
    await this.authenticator.setAutomaticPresence(false);
    await this.page.goto(this.careid.url('/end_session'));
    await Promise.all([this.page.waitForNavigation(), this.page.click('button.logout-yes')]);
    await this.login({ extra: { acr_values: 'urn:careid:acr:phishing-resistant' } });
    await this.password(who);
    await this.page.locator('#passkey-confirm').waitFor({ state: 'visible' });
    // Leave no passkey behind for the next page's autofill.
    await this.authenticator.clearCredentials();
    return who;
  }
}
