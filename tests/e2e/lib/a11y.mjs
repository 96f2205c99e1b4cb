// What every hosted page owes a person who does not use it the way its author
// does: axe-core's WCAG 2.2 A/AA rules (and its best practices) with no serious
// or critical violation, the page's language and direction, a title and one h1,
// and form errors tied to their fields. Screenshots go to target/e2e/pages/.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { ARTEFACTS } from './careid.mjs';

const require = createRequire(import.meta.url);
/** axe-core's browser bundle as a string, evaluated in the page (CSP does not apply to DevTools' evaluate). */
const AXE_SOURCE = require('axe-core').source;

/** The languages careid speaks, and their direction. */
export const LANGUAGES = Object.freeze({ en: 'ltr', de: 'ltr', ar: 'rtl' });

/** The rule sets axe runs: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Impacts that fail a page (moderate and minor ones are reported as diagnostics). */
export const FAILING_IMPACTS = new Set(['serious', 'critical']);

/** Runs axe-core on the page as it is; resolves to its violations. */
export async function axeViolations(page) {
  const installed = await page.evaluate(() => typeof window.axe === 'object');
  if (!installed) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    (tags) =>
      window.axe
        .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
        .then((r) =>
          r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            helpUrl: v.helpUrl,
            nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
          })),
        ),
    AXE_TAGS,
  );
}

/** One violation as lines a person can act on. */
export function describeViolation(v) {
  const nodes = v.nodes.map((n) => `      ${n.target}\n        ${(n.summary ?? '').replace(/\n/g, '\n        ')}`);
  return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes.join('\n')}`;
}

/**
 * What the page says about itself, read in the browser: language, direction,
 * title, h1s, form controls without a label, and form errors (an element with
 * an id ending in "-error") with the controls that point at them.
 */
function pageFacts() {
  const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  const controls = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(
    (el) => !el.hidden && visible(el),
  );
  const unlabelled = controls
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
    .map((el) => el.id || el.name || el.outerHTML.slice(0, 80));
  // A message about the page as a whole (data-about="page") is tied to no field.
  const errors = [...document.querySelectorAll('[id$="-error"]:not([data-about="page"])')].filter(visible).map((el) => ({
    id: el.id,
    announced: el.getAttribute('role') === 'alert' || !!el.closest('[aria-live]'),
    describes: [...document.querySelectorAll('[aria-describedby]')]
      .filter((c) => c.getAttribute('aria-describedby').split(/\s+/).includes(el.id))
      .map((c) => ({ id: c.id || c.name, invalid: c.getAttribute('aria-invalid') === 'true' })),
  }));
  return {
    lang: document.documentElement.getAttribute('lang'),
    dir: document.documentElement.getAttribute('dir'),
    title: document.title.trim(),
    h1s: [...document.querySelectorAll('h1')].filter(visible).map((h) => h.textContent.trim()),
    unlabelled,
    errors,
  };
}

/** Saves a full-page screenshot as target/e2e/pages/LANG/NAME.png; resolves to its path. */
export async function pageScreenshot(page, lang, name) {
  const dir = join(ARTEFACTS, 'pages', lang);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Checks the page the browser shows as page NAME in LANG and screenshots it.
 * Throws with every problem found; resolves to axe's violations (all impacts).
 */
export async function checkPage(page, { lang, name }) {
  await page.waitForLoadState('load');
  const facts = await page.evaluate(pageFacts);
  const problems = [];
  if (facts.lang !== lang) problems.push(`<html lang="${facts.lang}">, expected "${lang}"`);
  if (facts.dir !== LANGUAGES[lang]) problems.push(`<html dir="${facts.dir}">, expected "${LANGUAGES[lang]}"`);
  if (!facts.title || facts.title === 'careid') problems.push(`the title "${facts.title}" does not say the page`);
  if (/\b[a-z]+(-[a-z]+)+\b/.test(facts.title) && !/\s/.test(facts.title)) problems.push(`the title "${facts.title}" is a raw message key`);
  if (facts.h1s.length !== 1) problems.push(`${facts.h1s.length} visible h1 (${JSON.stringify(facts.h1s)}), expected one`);
  for (const control of facts.unlabelled) problems.push(`form control without a label: ${control}`);
  for (const error of facts.errors) {
    if (!error.announced) problems.push(`#${error.id} is not announced (role="alert" or an aria-live region)`);
    if (!error.describes.length) problems.push(`#${error.id} is tied to no field (aria-describedby)`);
    for (const c of error.describes.filter((c) => !c.invalid)) problems.push(`${c.id} points at #${error.id} without aria-invalid="true"`);
  }
  const violations = await axeViolations(page);
  const failing = violations.filter((v) => FAILING_IMPACTS.has(v.impact));
  for (const v of failing) problems.push(describeViolation(v));
  await pageScreenshot(page, lang, name);
  assert.ok(problems.length === 0, `page "${name}" in ${lang} (${page.url()}):\n${problems.join('\n')}`);
  return violations;
}

/**
 * The focused element as the browser draws it: its id, tag, whether it
 * matches :focus-visible, its outline, and the contrast of the outline against
 * the nearest opaque background around the element.
 */
function focusFacts() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const rgb = (value) => (value.match(/[\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  let around = el.parentElement;
  let background = [255, 255, 255];
  while (around) {
    const bg = rgb(getComputedStyle(around).backgroundColor);
    if (bg.length >= 3 && (bg.length < 4 || bg[3] > 0)) {
      background = bg.slice(0, 3);
      break;
    }
    around = around.parentElement;
  }
  const style = getComputedStyle(el);
  const [a, b] = [luminance(rgb(style.outlineColor)), luminance(background)].sort((x, y) => y - x);
  return {
    id: el.id,
    tag: el.tagName.toLowerCase(),
    text: (el.textContent || '').trim().slice(0, 40),
    focusVisible: el.matches(':focus-visible'),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    contrast: (a + 0.05) / (b + 0.05),
  };
}

/** Asserts that the page's focused element matches `selector` and that its focus can be seen. */
export async function assertVisibleFocus(page, selector) {
  // A page opened by Enter takes its autofocus once it has loaded: wait for that
  // (briefly), then judge whatever has the focus.
  await page
    .waitForFunction((s) => document.readyState === 'complete' && !!document.activeElement?.matches(s), selector, { timeout: 5000 })
    .catch(() => {});
  const focused = await page.evaluate(focusFacts);
  assert.ok(focused, `nothing has the focus; expected ${selector}`);
  assert.ok(await page.evaluate((s) => document.activeElement.matches(s), selector), `the focus is on ${JSON.stringify(focused)}, expected ${selector}`);
  assert.ok(focused.focusVisible, `${selector} has the focus but does not match :focus-visible`);
  assert.notEqual(focused.outlineStyle, 'none', `${selector} shows no outline when focused`);
  assert.ok(focused.outlineWidth >= 2, `${selector}'s focus outline is ${focused.outlineWidth}px, under 2px`);
  assert.ok(focused.contrast >= 3, `${selector}'s focus outline has ${focused.contrast.toFixed(2)}:1 against its background, under 3:1`);
}

/** Presses Tab until the focus is on `selector` (at most `max` times), then asserts it can be seen. */
export async function tabTo(page, selector, { max = 40 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) break;
    await page.keyboard.press('Tab');
  }
  await assertVisibleFocus(page, selector);
}
