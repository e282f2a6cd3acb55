// Test results of a Buildbot build, which Buildbot's own UI never shows: the harness's
// test-report builder submits two JUnit reports through Buildbot's TestResultSubmitter (40 unit
// tests with 3 failures; a 50,000-test integration suite). Counts, the failing tests named, the
// links to the step's log, and a 50,000-result set that pages with a small DOM.
import { test, expect } from '@playwright/test';
import { api, builderByName, guardPage, latestBuild } from './helpers.mjs';

async function reportBuild() {
  const builder = await builderByName('test-report');
  const build = await latestBuild(builder.builderid);
  const { test_result_sets: sets } = await api(`builds/${build.buildid}/test_result_sets`);
  const unit = sets.find((s) => s.description === 'unit tests (junit)');
  const big = sets.find((s) => s.description === 'integration suite (junit)');
  return { build, unit, big };
}

test('a build with failing tests: counts, the failing tests named, links to the log', async ({ page }) => {
  const guard = guardPage(page);
  const { build, unit } = await reportBuild();
  const { test_results: failing } = await api(`test_result_sets/${unit.test_result_setid}/results?value=0`);
  expect(failing.length).toBe(3);

  await page.goto(`/s/local/builds/${build.buildid}`);
  // The failing-test count sits next to the status in the header.
  await expect(page.locator('.build-head .tests-failed')).toHaveText('✗ 3 tests failed');
  const row = page.locator(`tr.test-set[data-set="${unit.test_result_setid}"]`);
  await expect(row.locator('.test-set__passed')).toHaveText('37');
  await expect(row.locator('.test-set__failed')).toHaveText('✗ 3');
  await expect(row).toHaveClass(/test-set--failed/);
  // Each step that reported results says so in the step list, linking its set.
  const unitStep = page.locator('li.step').filter({ has: page.locator('.step__name', { hasText: /^unit tests$/ }) });
  await expect(unitStep.locator('.step__tests')).toHaveText('✗ 3 of 40 tests failed');
  await expect(unitStep.locator('.step__tests')).toHaveAttribute('href', `/s/local/builds/${build.buildid}/tests/${unit.test_result_setid}`);
  const bigStep = page.locator('li.step').filter({ has: page.locator('.step__name', { hasText: /^integration suite$/ }) });
  await expect(bigStep.locator('.step__tests')).toHaveText('50000 tests passed');
  await row.getByRole('link', { name: 'unit tests (junit)' }).click();

  await expect(page.locator('h1')).toHaveText('unit tests (junit)');
  await expect(page.locator('.test-summary')).toContainText('37 passed · ✗ 3 failed · 40 results');
  // Failures first, in the order the step reported them, then the passes.
  const names = page.locator('tr.test-row .test-row__name');
  await expect(names.first()).toHaveText(failing[0].test_name);
  await expect(page.locator('tr.test-row--failed .test-row__name')).toHaveText(failing.map((r) => r.test_name));
  await expect(page.locator('tr.test-row--failed').first().locator('.badge__text')).toHaveText('Failed');
  await expect(page.locator('tr.test-row--failed').first().locator('.test-row__where')).toHaveText(`${failing[0].test_code_path}:${failing[0].line}`);
  await expect(page.locator('tr.test-row')).toHaveCount(40);
  // Only the failures, kept in the URL.
  await page.locator('select.tests-show').selectOption('failed');
  await expect(page).toHaveURL(/[?&]show=failed/);
  await expect(page.locator('tr.test-row')).toHaveCount(3);
  // Search by name, on the master.
  const wanted = failing[1].test_name;
  await page.getByRole('searchbox', { name: 'Search test names' }).fill(wanted.split('.').pop());
  await expect(page.locator('tr.test-row .test-row__name')).toHaveText([wanted]);
  // A result links the log of the step that reported it.
  await page.locator('tr.test-row').first().getByRole('link', { name: 'log' }).click();
  await expect(page).toHaveURL(new RegExp(`/s/local/builds/${build.buildid}/steps/\\d+/logs/stdio`));
  await expect(page.locator('h1')).toHaveText('unit tests');
  await expect(page.locator('.log-row:not(.log-row--loading)').first()).toBeVisible();
  await guard.check();
});

test('the 50,000-result set opens, pages to its end and keeps the DOM small', async ({ page }) => {
  const guard = guardPage(page);
  const { build, big } = await reportBuild();
  expect(big.tests_passed).toBe(50_000);
  await page.goto(`/s/local/builds/${build.buildid}/tests/${big.test_result_setid}`);
  await expect(page.locator('.test-summary')).toContainText('50000 passed · 0 failed · 50000 results');
  await expect(page.locator('tr.test-row')).toHaveCount(50);
  await expect(page.locator('.pager')).toContainText('Page 1 of 1000');
  const nodes = () => page.evaluate(() => document.getElementsByTagName('*').length);
  expect(await nodes()).toBeLessThan(1400);
  await page.getByRole('link', { name: 'Next →' }).click();
  await expect(page.locator('.tests-range')).toHaveText('51–100 of 50000');
  await expect(page.locator('tr.test-row .test-row__name').first()).toHaveText('integration.module_10.test_case_00050');
  // The last page, from the URL (reload-safe), and back.
  await page.goto(`/s/local/builds/${build.buildid}/tests/${big.test_result_setid}?page=999`);
  await expect(page.locator('.tests-range')).toHaveText('49951–50000 of 50000');
  await expect(page.locator('tr.test-row .test-row__name').last()).toHaveText('integration.module_39.test_case_49999');
  await expect(page.getByRole('link', { name: 'Next →' })).toHaveCount(0);
  expect(await nodes()).toBeLessThan(1400);
  await page.getByRole('link', { name: '← Previous' }).click();
  await expect(page.locator('.tests-range')).toHaveText('49901–49950 of 50000');
  await guard.check();
});
