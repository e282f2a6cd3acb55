import { test, expect } from '@playwright/test';
import { api, expectedLabel, guardPage, latestBuild } from './helpers.mjs';

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
  await expect(page).toHaveURL(/\/s\/local$/); // one source: straight to it
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
  await page.getByRole('searchbox', { name: 'Filter builders by name' }).fill('lint');
  await expect(page.locator('section.builder')).toHaveCount(1);
  await expect(page.locator('section.builder h2')).toHaveText('lint-warnings');
  await page.getByRole('searchbox', { name: 'Filter builders by name' }).fill('no-such-builder');
  await expect(page.getByText('No matching builders')).toBeVisible();
});

test('a running build shows Running with a live duration', async ({ page }) => {
  const { builds } = await api('builds?complete=false&order=-buildid');
  test.skip(builds.length === 0, 'no build is running on the master right now');
  const running = builds[0];
  const { builders } = await api(`builders/${running.builderid}`);
  await page.goto('/s/local');
  const row = page.locator(`section.builder[data-builder="${builders[0].name}"] tr.build-row[data-number="${running.number}"]`);
  await expect(row.locator('.badge__text')).toHaveText('Running');
  const cell = row.locator('td.num');
  const first = await cell.textContent();
  await expect(cell).not.toHaveText(first, { timeout: 5000 }); // it ticks
});
