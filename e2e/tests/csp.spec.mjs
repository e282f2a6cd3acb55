import { test, expect } from '@playwright/test';
import { findLog } from './helpers.mjs';
import { SIM_URL } from './sim.mjs';
import { tour } from './tour.mjs';

/**
 * Collects every CSP violation the page reports: `securitypolicyviolation` events (sent to
 * the test through a binding, which the CSP cannot block) and the console's CSP errors.
 */
async function watchCsp(page) {
  const violations = [];
  await page.exposeFunction('__cspViolation', (v) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) violations.push(`console ${m.type()}: ${m.text()}`);
  });
  return violations;
}

const policyOf = (page) => page.evaluate(
  () => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '');

test('every page type runs under the strict CSP without a single violation', async ({ page }) => {
  test.setTimeout(120_000);
  const violations = await watchCsp(page);
  const stops = await tour();
  for (const stop of stops) {
    await page.goto(stop.path);
    await stop.ready(page);
    if (stop.after) await stop.after(page);
    // Let polling and the websocket run: late requests are checked too.
    await page.waitForTimeout(500);
    expect(violations, `on ${stop.name} (${stop.path})`).toEqual([]);
  }
  // The live feed is a websocket to the page's own origin, which 'self' allows.
  await page.goto(stops.find((s) => s.name === 'build page').path);
  await expect(page.locator('.live')).toHaveText(/Live$/);
  expect(violations).toEqual([]);

  const policy = await policyOf(page);
  for (const directive of ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'",
    "connect-src 'self'", "object-src 'none'", "base-uri 'none'"]) {
    expect(policy).toContain(directive);
  }
  expect(policy).not.toContain('unsafe-inline');
  expect(await page.locator('script:not([src])').count()).toBe(0);
  console.log(`CSP: ${stops.length} page types, 0 violations; policy: ${policy}`);
});

test('the CSP blocks injected inline script, handlers, styles and foreign connections', async ({ page, request }) => {
  const violations = await watchCsp(page);
  await page.goto('/s/local');
  await expect(page.locator('section.builder').first()).toBeVisible();
  expect(violations).toEqual([]);

  // An inline <script>, as an HTML injection would add it: Playwright reports the refusal.
  await expect(page.addScriptTag({ content: 'window.__injected = "script";' }))
    .rejects.toThrow(/violates the following Content Security Policy directive/);
  // An inline event handler on markup inserted as HTML.
  await page.evaluate(() => document.body.insertAdjacentHTML('beforeend',
    '<img alt="" src="/no-such.png" onerror="window.__injected = \'handler\'">'));
  // A style attribute (CSSOM `element.style.x = ...` stays allowed: that is how Leptos sets
  // `style:` properties).
  await page.evaluate(() => document.body.setAttribute('style', 'outline: 9px solid red'));
  // A connection to another origin (the simulator's own port, not through nginx).
  const fetched = await page.evaluate((url) => fetch(url).then(() => 'fetched', () => 'failed'), `${SIM_URL}/`);

  await expect.poll(() => violations.length).toBeGreaterThanOrEqual(4);
  expect(await page.evaluate(() => window.__injected)).toBeUndefined();
  expect(fetched).toBe('failed');
  expect(await page.evaluate(() => getComputedStyle(document.body).outlineWidth)).not.toBe('9px');
  const text = violations.join('\n');
  expect(text).toMatch(/script-src-elem blocked inline/);
  expect(text).toMatch(/script-src-attr blocked inline/);
  expect(text).toMatch(/style-src-attr blocked inline/);
  expect(text).toContain(`connect-src blocked ${SIM_URL}`);

  // What a <meta> cannot say, nginx does: the app cannot be framed, and Buildbot's HTML logs
  // (raw_inline) are sandboxed and framable by the app only.
  const index = await request.get('/s/local');
  expect(index.headers()['content-security-policy']).toBe("frame-ancestors 'none'");
  expect(index.headers()['x-content-type-options']).toBe('nosniff');
  const htmlLog = await findLog('linux-build', 'h');
  const html = await request.get(`/buildbot/api/v2/logs/${htmlLog.logid}/raw_inline`);
  expect(html.headers()['content-type']).toContain('text/html');
  expect(html.headers()['content-security-policy']).toMatch(/^sandbox; default-src 'none';.*frame-ancestors 'self'$/);
});
