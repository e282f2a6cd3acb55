import { test, expect } from '@playwright/test';
import { api, expectedLabel, guardPage, latestBuild, startLongRunning } from './helpers.mjs';

// What the harness's builders are designed to end with (harness/buildbot/master.cfg).
const DESIGNED = {
  'linux-build': 'Success',
  'lint-warnings': 'Warnings',
  'unit-tests-failing': 'Failure',
  'exception-builder': 'Exception',
  'kitchen-sink': 'Failure',
  'cancelled-build': 'Cancelled',
};

test('the builders page lists every builder with the status badge the master reports', async ({ page }) => {
  const guard = guardPage(page);
  const { builders } = await api('builders');
  expect(builders.length).toBeGreaterThanOrEqual(8);

  await page.goto('/');
  await page.getByRole('link', { name: 'Local Buildbot', exact: true }).first().click();
  await expect(page).toHaveURL(/\/s\/local$/);
  await expect(page.locator('section.builder')).toHaveCount(builders.length);

  for (const b of builders) {
    const section = page.locator(`section.builder[data-builder="${b.name}"]`);
    await expect(section.locator('h2')).toHaveText(b.name);
    // The master is live (long-running, biglog); compare with it until both agree.
    await expect(async () => {
      const latest = await latestBuild(b.builderid);
      const want = expectedLabel(latest);
      const row = section.locator(`tr.build-row[data-number="${latest.number}"]`);
      await expect(row.locator('.badge__text')).toHaveText(want, { timeout: 1000 });
      await expect(section.locator('.builder__latest .badge__text')).toHaveText(want, { timeout: 1000 });
      await expect(row.locator('.build-row__summary')).toHaveText(latest.state_string, { timeout: 1000 });
    }).toPass({ timeout: 30_000 });
    if (DESIGNED[b.name]) {
      await expect(section.locator('.builder__latest .badge__text')).toHaveText(DESIGNED[b.name]);
    }
  }
  // Every badge carries an icon and a word, never colour alone.
  for (const badge of await page.locator('.badge').all()) {
    await expect(badge.locator('.badge__icon')).not.toBeEmpty();
    await expect(badge.locator('.badge__text')).not.toBeEmpty();
  }
  await guard.check();
});

test('filtering builders by name', async ({ page }) => {
  await page.goto('/s/local');
  await expect(page.locator('section.builder').first()).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search builders' }).fill('lint');
  await expect(page.locator('section.builder')).toHaveCount(1);
  await expect(page.locator('section.builder h2')).toHaveText('lint-warnings');
  await page.getByRole('searchbox', { name: 'Search builders' }).fill('no-such-builder');
  await expect(page.getByText('No matching builders')).toBeVisible();
});

test('a running build ticks live and turns to Success without a reload', async ({ page }) => {
  test.setTimeout(120_000);
  const build = await startLongRunning(15);

  await page.goto('/s/local');
  // Updates arrive over Buildbot's websocket, proxied by nginx.
  await expect(page.locator('.live')).toContainText('Live');
  const row = page.locator(`section.builder[data-builder="long-running"] tr.build-row[data-number="${build.number}"]`);
  await expect(row.locator('.badge__text')).toHaveText('Running');
  const duration = row.locator('td.num');
  const first = await duration.textContent();
  await expect(duration).not.toHaveText(first, { timeout: 5000 }); // ticks every second
  await expect(row.locator('.badge__text')).toHaveText('Success', { timeout: 60_000 });
  const done = await api(`builds/${build.buildid}`);
  await expect(row.locator('.build-row__summary')).toHaveText(done.builds[0].state_string);
});

test("a running build's timeline bar grows and its badge turns to Success without a reload", async ({ page }) => {
  test.setTimeout(120_000);
  const build = await startLongRunning(15);
  await page.goto(`/s/local/builds/${build.buildid}`);
  await expect(page.locator('.build-head .badge__text')).toHaveText('Running');
  const stepRow = page.locator('li.step').last();
  await expect(stepRow.locator('.badge__text')).toHaveText('Running');
  // The running step's bar grows while we watch and reaches the moving end of the axis.
  const last = stepRow.locator('.bar');
  const s1 = Number(await last.getAttribute('data-secs'));
  await expect.poll(async () => Number(await last.getAttribute('data-secs')), { timeout: 10_000 }).toBeGreaterThan(s1 + 1);
  expect(Number(await last.getAttribute('data-left')) + Number(await last.getAttribute('data-width'))).toBeGreaterThan(99);
  await expect(page.locator('.build-head .badge__text')).toHaveText('Success', { timeout: 60_000 });
  await expect(stepRow.locator('.badge__text')).toHaveText('Success');
  await expect(page).toHaveTitle(`long-running #${build.number} — Success · buildscope`);
});
