import { test, expect } from '@playwright/test';
import { api, builderByName, force, guardPage } from './helpers.mjs';

test('a builder history pages through builds and filters by status, in the URL', async ({ page }) => {
  test.setTimeout(120_000);
  const guard = guardPage(page);
  const builder = await builderByName('lint-warnings');
  await force('lint-warnings');
  await force('lint-warnings');
  // Wait until the master has finished at least three builds of it.
  await expect.poll(async () => {
    const { builds } = await api(`builders/${builder.builderid}/builds?complete=true`);
    return builds.length;
  }, { timeout: 90_000 }).toBeGreaterThanOrEqual(3);
  const { builds } = await api(`builders/${builder.builderid}/builds?order=-number&limit=3`);

  // From the overview, the builder's name leads to its history.
  await page.goto('/s/local');
  await page.locator('section.builder[data-builder="lint-warnings"] h2 a').click();
  await expect(page).toHaveURL(/\/s\/local\/builders\/lint-warnings$/);
  await expect(page.locator('h1.builder-title')).toHaveText('lint-warnings');

  await page.goto('/s/local/builders/lint-warnings?per_page=1');
  const rows = page.locator('tr.build-row');
  await expect(rows).toHaveCount(1);
  await expect(rows).toHaveAttribute('data-number', String(builds[0].number));
  await page.getByRole('link', { name: 'Older →' }).click();
  await expect(page).toHaveURL(/page=1/);
  await expect(rows).toHaveAttribute('data-number', String(builds[1].number));
  await page.reload(); // the page survives a reload
  await expect(rows).toHaveAttribute('data-number', String(builds[1].number));
  await page.getByRole('link', { name: '← Newer' }).click();
  await expect(rows).toHaveAttribute('data-number', String(builds[0].number));
  await page.goBack();
  await expect(rows).toHaveAttribute('data-number', String(builds[1].number));

  // Filtering happens on the server: kitchen-sink always fails.
  await page.goto('/s/local/builders/kitchen-sink');
  await page.locator('select.status-filter').selectOption('failure');
  await expect(page).toHaveURL(/status=failure/);
  await expect(rows.first()).toBeVisible();
  for (const badge of await rows.locator('.badge').all()) await expect(badge).toHaveAttribute('data-status', 'failure');
  await page.locator('select.status-filter').selectOption('success');
  await expect(page.getByText('No builds match')).toBeVisible();
  await page.reload();
  await expect(page.locator('select.status-filter')).toHaveValue('success');
  await guard.check();
});

test('comparing a build with the previous one shows both step durations side by side', async ({ page }) => {
  const guard = guardPage(page);
  const builder = await builderByName('lint-warnings');
  const { builds } = await api(`builders/${builder.builderid}/builds?order=-number&limit=2&complete=true`);
  test.skip(builds.length < 2, 'needs two finished builds (the paging test makes them)');
  const [newer, older] = builds;
  await page.goto(`/s/local/builds/${newer.buildid}`);
  await page.getByRole('link', { name: `Compare with #${newer.number - 1}` }).click();
  await expect(page).toHaveURL(new RegExp(`/builders/lint-warnings/compare/${newer.number - 1}/${newer.number}$`));
  const { steps } = await api(`builds/${newer.buildid}/steps`);
  await expect(page.locator('tr.compare-row .compare__name')).toHaveText(steps.map((s) => s.name));
  await expect(page.locator('table.compare th').nth(1)).toHaveText(`#${newer.number - 1}`);
  await expect(page.locator('.compare__summary')).toContainText(/Total [+−±]/);
  await expect(page.locator('.compare__summary')).toContainText(/\d+ slower, \d+ faster, 0 added, 0 removed/);
  expect(older.number).toBeLessThan(newer.number);
  await guard.check();
});
