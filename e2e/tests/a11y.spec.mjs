// Accessibility: axe-core on every page type (WCAG 2.x A/AA rules and axe's best practices),
// failing on serious or critical violations; and a keyboard-only walk through the main flow.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { builderByName, latestBuild } from './helpers.mjs';
import { tour } from './tour.mjs';

test('axe finds no serious or critical violation on any page type', async ({ page }) => {
  test.setTimeout(180_000);
  const summary = [];
  const blocking = [];
  for (const stop of await tour()) {
    await page.goto(stop.path);
    await stop.ready(page);
    // Legacy mode, no frames: axe cannot run inside the HTML log's sandboxed frame (scripts are
    // off there, on purpose) and would wait for it forever; that frame is the log's own markup.
    const axe = new AxeBuilder({ page }).setLegacyMode(true).options({ iframes: false });
    for (const selector of stop.axeExclude ?? []) axe.exclude(selector);
    const { violations, passes } = await axe.analyze();
    const counts = {};
    for (const v of violations) {
      counts[`${v.id} (${v.impact})`] = v.nodes.length;
      if (v.impact === 'serious' || v.impact === 'critical') {
        blocking.push(`${stop.name}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      }
    }
    summary.push(`${stop.name}: ${passes.length} rules pass; violations ${JSON.stringify(counts)} (rule: nodes)`);
    if (stop.after) await stop.after(page);
  }
  console.log(`axe:\n  ${summary.join('\n  ')}`);
  expect(blocking).toEqual([]);
});

/**
 * Presses Tab until the focused element matches `selector` (at most `max` times), checking
 * that every element reached shows a focus indicator. Returns the focused element.
 */
async function tabTo(page, selector, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focus = await page.evaluate((sel) => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
      return { matches: el.matches(sel), ring, what: `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 40)}"` };
    }, selector);
    if (!focus) continue;
    expect(focus.ring, `no visible focus on ${focus.what}`).toBe(true);
    if (focus.matches) return page.locator(':focus');
  }
  throw new Error(`${selector} not reached with ${max} Tabs`);
}

test('keyboard only: home → source → builder → build → a step → back', async ({ page }) => {
  const builder = await builderByName('kitchen-sink');
  const build = await latestBuild(builder.builderid);

  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Local Buildbot', exact: true })).toBeVisible();
  // The first Tab reaches the skip link, which moves focus to the content.
  await page.keyboard.press('Tab');
  await expect(page.locator(':focus')).toHaveClass(/skip-link/);

  await tabTo(page, 'a[href="/s/local"]');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/s\/local$/);
  await expect(page.locator('section.builder').first()).toBeVisible();

  await tabTo(page, 'section.builder[data-builder="kitchen-sink"] h2 a');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/s\/local\/builders\/kitchen-sink$/);
  await expect(page.locator('tr.build-row').first()).toBeVisible();

  await tabTo(page, `tr.build-row[data-number="${build.number}"] a`);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/s/local/builds/${build.buildid}$`));
  const failing = page.locator('li.step[data-status="failure"]').first();
  await expect(failing).toBeVisible();
  const number = await failing.getAttribute('data-step-number');

  await tabTo(page, `li.step[data-step-number="${number}"] a.step__number`);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/s/local/builds/${build.buildid}#step-${number}$`));
  await expect(failing).toHaveClass(/step--linked/);

  // Back to the builder through the breadcrumbs, still without a mouse.
  await page.keyboard.press('Home');
  await tabTo(page, `.breadcrumbs a[href="/s/local/builders/kitchen-sink"]`);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/s\/local\/builders\/kitchen-sink$/);
  await expect(page.locator('h1.builder-title')).toHaveText('kitchen-sink');
});
