// The source overview: what each build built, the status filter and the name search, kept in
// the URL (reload, back and forward), for Buildbot and the Huawei sources.
import { randomBytes } from 'node:crypto';
import { test, expect } from '@playwright/test';
import { api, builderByName, force, guardPage } from './helpers.mjs';
import { enterToken } from './sim.mjs';

const names = (page) => page.locator('section.builder h2');

test('the overview shows the branch and a short revision of a build', async ({ page }) => {
  test.setTimeout(120_000);
  const guard = guardPage(page);
  // A build forced with the default codebase's fields, as the force form would send them.
  const revision = randomBytes(20).toString('hex');
  await force('linux-build', { branch: 'release/e2e', revision });
  const builder = await builderByName('linux-build');
  let build;
  await expect.poll(async () => {
    const { builds } = await api(`builders/${builder.builderid}/builds?order=-number&limit=5&property=revision`);
    build = builds.find((b) => b.properties.revision?.[0] === revision);
    return build?.complete ?? false;
  }, { timeout: 90_000 }).toBe(true);

  await page.goto('/s/local');
  const row = page.locator(`section.builder[data-builder="linux-build"] tr.build-row[data-buildid="${build.buildid}"]`);
  await expect(row.locator('.build-row__branch')).toHaveText('release/e2e');
  const rev = row.locator('.build-row__revision code');
  await expect(rev).toHaveText(revision.slice(0, 10));
  await expect(rev).toHaveAttribute('title', revision);
  // The builder's own history shows the same.
  await page.goto('/s/local/builders/linux-build');
  await expect(page.locator(`tr.build-row[data-buildid="${build.buildid}"] .build-row__revision code`))
    .toHaveText(revision.slice(0, 10));
  await guard.check();
});

test('status filter and name search on the overview live in the URL', async ({ page }) => {
  const guard = guardPage(page);
  await page.goto('/s/local');
  await expect(names(page).filter({ hasText: 'linux-build' })).toHaveCount(1);

  // kitchen-sink and unit-tests-failing always fail; linux-build and lint-warnings never do.
  await page.locator('select.status-filter').selectOption('failure');
  await expect(page).toHaveURL(/\/s\/local\?status=failure$/);
  await expect(names(page).filter({ hasText: 'kitchen-sink' })).toHaveCount(1);
  await expect(names(page).filter({ hasText: 'unit-tests-failing' })).toHaveCount(1);
  await expect(names(page).filter({ hasText: 'linux-build' })).toHaveCount(0);
  await expect(names(page).filter({ hasText: 'lint-warnings' })).toHaveCount(0);

  const search = page.getByRole('searchbox', { name: 'Search builders' });
  await search.fill('KITCHEN');
  await expect(page).toHaveURL(/status=failure&q=KITCHEN$/);
  await expect(names(page)).toHaveText(['kitchen-sink']);

  await page.reload();
  await expect(names(page)).toHaveText(['kitchen-sink']);
  await expect(search).toHaveValue('KITCHEN');
  await expect(page.locator('select.status-filter')).toHaveValue('failure');

  // Typing replaced the filtered entry, so back leads to the unfiltered overview.
  await page.goBack();
  await expect(page).toHaveURL(/\/s\/local$/);
  await expect(names(page).filter({ hasText: 'linux-build' })).toHaveCount(1);
  await expect(search).toHaveValue('');
  await expect(page.locator('select.status-filter')).toHaveValue('');
  await page.goForward();
  await expect(names(page)).toHaveText(['kitchen-sink']);

  // A filter that leaves nothing says so.
  await page.locator('select.status-filter').selectOption('success');
  await expect(page.getByText('No matching builders')).toBeVisible();
  await expect(page).not.toHaveURL(/page=/);
  await guard.check();
});

test('CodeArts and ServiceStage jobs are searched and filtered the same way', async ({ page }) => {
  const guard = guardPage(page, { allowHttpErrors: true });
  await page.goto('/s/codearts?q=maven%20fail');
  const jobs = page.locator('tr.job-row');
  await expect(jobs).toHaveCount(1);
  await expect(jobs.getByRole('link')).toHaveText('sim-maven-failure');
  await page.getByRole('searchbox', { name: 'Search jobs' }).fill('');
  await expect(jobs).toHaveCount(3);
  await page.locator('select.status-filter').selectOption('cancelled');
  await expect(page).toHaveURL(/status=cancelled/);
  await expect(jobs.getByRole('link')).toHaveText(['sim-maven-aborted']);

  await page.goto('/s/servicestage');
  await enterToken(page);
  await expect(jobs).toHaveCount(4);
  await page.getByRole('searchbox', { name: 'Search jobs' }).fill('timeout');
  await expect(jobs.getByRole('link')).toHaveText(['sim-ss-timeout']);
  await page.reload();
  await expect(jobs.getByRole('link')).toHaveText(['sim-ss-timeout']);
  await guard.check();
});
