// Debian's chromium driven by playwright-core (the machine cannot download
// Playwright's own browser builds), and the per-test set-up every journey shares.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { addVirtualAuthenticator } from './authenticator.mjs';
import { ARTEFACTS, Careid } from './careid.mjs';

export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Saves a full-page screenshot as target/e2e/NAME.png; resolves to its path. */
export async function screenshot(page, name) {
  await mkdir(ARTEFACTS, { recursive: true });
  const path = join(ARTEFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Runs `journey` with a fresh careid and a fresh browser page that has a
 * virtual platform authenticator:
 *
 *   journey({ careid, browser, context, page, authenticator, t })
 *
 * `seed(careid)` runs the CLI before `careid serve` starts. On failure the
 * careid log is printed and a screenshot saved as target/e2e/failure-NAME.png;
 * the server (SIGTERM) and the browser are always stopped.
 */
export async function withJourney(t, { name, seed = async () => {}, extraToml } = {}, journey) {
  const careid = await Careid.create({ extraToml });
  let browser;
  let page;
  const consoleLines = [];
  try {
    await seed(careid);
    await careid.start();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    const authenticator = await addVirtualAuthenticator(page);
    return await journey({ careid, browser, context, page, authenticator, t });
  } catch (error) {
    if (page) {
      const shot = await screenshot(page, `failure-${name ?? 'journey'}`).catch(() => null);
      if (shot) console.error(`# failure screenshot: ${shot} (page at ${page.url()})`);
    }
    if (consoleLines.length) console.error(`# browser console:\n${consoleLines.join('\n').replace(/^/gm, '#   ')}`);
    await careid.stop().catch(() => {});
    console.error(`# careid log (${careid.dir}):\n${careid.log().replace(/^/gm, '#   ')}`);
    throw error;
  } finally {
    await browser?.close().catch(() => {});
    await careid.dispose();
  }
}
