// Request-storm guard: frantic scrolling through the 200k-line log and rapid route changes
// never have more than one log request in flight (Buildbot #8306: scroll storms wedged the
// master). Prints the totals.
import { test, expect } from '@playwright/test';
import { api, builderByName, guardPage, latestBuild } from './helpers.mjs';

/**
 * Counts log requests in flight inside the page: a request stops being in flight when it
 * settles or the moment it is aborted (its signal's abort event fires synchronously in
 * `abort()`, when the browser cancels it). Playwright's own request events arrive from the
 * network process and may report a cancellation after the next request has started.
 */
async function inFlightCounter(page) {
  await page.addInitScript(() => {
    const s = (window.__logRequests = { now: 0, max: 0, sent: 0, aborted: 0 });
    const fetch0 = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input.url;
      if (!/\/logs\/[^/?]+\/contents/.test(url)) return fetch0(input, init);
      const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
      let open = true;
      const done = (aborted) => { if (open) { open = false; s.now -= 1; if (aborted) s.aborted += 1; } };
      s.sent += 1; s.now += 1; s.max = Math.max(s.max, s.now);
      signal?.addEventListener('abort', () => done(true));
      return fetch0(input, init).finally(() => done(false));
    };
  });
  return () => page.evaluate(() => ({ ...window.__logRequests }));
}

test('fast scrolling and rapid route changes keep at most one log request in flight', async ({ page }) => {
  test.setTimeout(120_000);
  // A storm of route changes may meet a busy master (502s are retried by the app).
  const guard = guardPage(page, { allowHttpErrors: true });
  const builder = await builderByName('biglog');
  const build = await latestBuild(builder.builderid);
  const { steps } = await api(`builds/${build.buildid}/steps`);
  const step = steps.find((s) => s.name === 'generate big log');
  const url = `/s/local/builds/${build.buildid}/steps/${step.number}/logs/stdio`;
  const counts = await inFlightCounter(page);
  await page.goto(url);
  await expect(page.locator('.log-row[data-line="0"] .lt')).not.toBeEmpty();

  // 300 jumps of the scrollbar to random places, one every 10 ms, then wheel bursts.
  await page.evaluate(async () => {
    const el = document.querySelector('.log-scroll');
    let seed = 12345;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    for (let i = 0; i < 300; i++) {
      el.scrollTop = rnd() * (el.scrollHeight - el.clientHeight);
      await new Promise((r) => setTimeout(r, 10));
    }
  });
  await page.locator('.log-scroll').hover();
  for (let i = 0; i < 100; i++) await page.mouse.wheel(0, i % 2 ? 4000 : -3000);
  // Once the user stops, the screen is filled.
  await page.waitForTimeout(500);
  const top = Math.floor(+(await page.locator('.log-scroll').getAttribute('data-top')));
  await expect(page.locator(`.log-row[data-line="${top + 2}"] .lt`)).not.toBeEmpty();
  const scrolling = await counts();

  // Rapid route changes: log → build page → back, ten times without waiting.
  for (let i = 0; i < 10; i++) {
    await page.locator('.breadcrumbs a', { hasText: `#${build.number}` }).click();
    await page.goBack();
  }
  await expect(page.locator('.log-row').first()).toBeVisible();
  await page.waitForTimeout(1000);
  const s = await counts();
  console.log(`request storm: scrolling sent ${scrolling.sent} log requests (${scrolling.aborted} aborted as stale), ` +
    `at most ${scrolling.max} in flight; with 10 route changes: ${s.sent} sent, ${s.aborted} aborted, at most ${s.max} in flight`);
  expect(s.max).toBe(1);
  // Far fewer requests than scroll positions: stale windows are dropped, not queued.
  expect(scrolling.sent).toBeLessThan(300);
  await guard.check();
});
