// CodeArts history paging and comparing two builds of a CodeArts or ServiceStage job, against
// the simulator (scenario jobs have builds 1-4 from start-up; see sim/README.md).
import { test, expect } from '@playwright/test';
import {
  CODEARTS_JOBS, SS_JOBS, addFault, clearFaults, codeartsHistory, enterToken, ssBuildId,
} from './sim.mjs';
import { guardPage } from './helpers.mjs';

test.afterEach(async () => { await clearFaults(); });

test('a CodeArts job pages through its history, the page in the URL', async ({ page }) => {
  const guard = guardPage(page);
  // Nothing else starts builds of the aborted job, so its history holds still.
  const job = CODEARTS_JOBS.aborted;
  const [first, second] = [await codeartsHistory(job, 0, 2), await codeartsHistory(job, 1, 2)];
  const ids = (h) => h.history_records.map((r) => r.record_id);
  expect(first.total).toBeGreaterThan(2);

  await page.goto(`/s/codearts/jobs/${job}?per_page=2`);
  const rows = page.locator('tr.history-row');
  const shown = async () => rows.evaluateAll((rs) => rs.map((r) => r.dataset.record));
  await expect.poll(shown).toEqual(ids(first));
  await expect(page.getByRole('link', { name: '← Newer' })).toHaveCount(0);

  await page.getByRole('link', { name: 'Older →' }).click();
  await expect(page).toHaveURL(/per_page=2&page=1$/);
  await expect.poll(shown).toEqual(ids(second));
  await expect(page.locator('.pager')).toContainText('Page 2');
  await page.reload();
  await expect.poll(shown).toEqual(ids(second));

  await page.getByRole('link', { name: '← Newer' }).click();
  await expect.poll(shown).toEqual(ids(first));
  await page.goBack();
  await expect.poll(shown).toEqual(ids(second));
  await guard.check();
});

test('two CodeArts builds compare stage by stage from "Compare with #n"', async ({ page }) => {
  const guard = guardPage(page);
  const job = CODEARTS_JOBS.failure;
  await page.goto(`/s/codearts/jobs/${job}`);
  await page.locator('tr.history-row').getByRole('link', { name: '#3', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`\\?job=${job}$`));
  await page.getByRole('link', { name: 'Compare with #2' }).click();
  await expect(page).toHaveURL(new RegExp(`/s/codearts/jobs/${job}/compare/2/3$`));

  const rows = page.locator('tr.compare-row');
  // Stages in `sequence` order, as the build page shows them.
  await expect(rows.locator('.compare__name')).toHaveText(['initial', 'Cache Check', 'Code CheckOut', 'Maven', 'final']);
  await expect(page.locator('table.compare th')).toHaveText(['Stage', '#2', '#3', 'Change', 'Notable']); // the last header is named for screen readers only
  // Each side says how its stage ended and how long it ran.
  await expect(rows.filter({ hasText: 'Maven' }).locator('.badge__text')).toHaveText(['Failure', 'Failure']);
  for (const secs of await rows.locator('.compare__secs').all()) await expect(secs).toHaveText(/^\d+s$/);
  await expect(page.locator('.compare__head .badge__text')).toHaveText(['Failure', 'Failure']);
  await expect(page.locator('.compare__summary')).toContainText('0 added, 0 removed');
  // Both builds link to their own pages.
  await page.locator('.compare__head').getByRole('link', { name: '#2' }).click();
  await expect(page.locator('.build-head__number')).toHaveText('#2');
  await guard.check();
});

test('two ServiceStage builds compare phase by phase from "Compare with previous"', async ({ page }) => {
  const guard = guardPage(page, { allowHttpErrors: true });
  const [jobId, jobName] = SS_JOBS.failed;
  const [older, newer] = [ssBuildId(2, 2), ssBuildId(2, 3)];
  await page.goto(`/s/servicestage/builds/${newer}`);
  await enterToken(page);
  await page.getByRole('link', { name: 'Compare with previous' }).click();
  await expect(page).toHaveURL(new RegExp(`/s/servicestage/jobs/${jobId}/compare/${older}/${newer}\\?name=${jobName}$`));

  const rows = page.locator('tr.compare-row');
  await expect(rows.locator('.compare__name')).toHaveText(['Init', 'Download', 'PreProcess', 'Build', 'Artifact', 'PostProcess']);
  await expect(page.locator('table.compare th')).toHaveText(['Phase', '#2', '#3', 'Change', 'Notable']); // the last header is named for screen readers only
  await expect(rows.filter({ hasText: 'Build' }).locator('.badge__text')).toHaveText(['Failure', 'Failure']);
  await expect(rows.filter({ hasText: 'Init' }).locator('.badge__text')).toHaveText(['Success', 'Success']);
  // No times per phase in this API: the page says so instead of inventing them.
  await expect(page.getByText('ServiceStage reports no times per phase')).toBeVisible();
  await expect(page.locator('.compare__head .badge__text')).toHaveText(['Failure', 'Failure']);
  await page.getByRole('link', { name: jobName }).click();
  await expect(page.locator('tr.history-row').first()).toBeVisible();
  await guard.check();
});

test('a comparison the server fails names source, status and code, then recovers', async ({ page }) => {
  test.setTimeout(90_000);
  await addFault('/record-info', '500');
  await page.goto(`/s/codearts/jobs/${CODEARTS_JOBS.failure}/compare/2/3`);
  const alert = page.getByRole('alert');
  await expect(alert.locator('.state__title')).toHaveText(/CodeArts Build: HTTP 500 \(CB\.00060101\)/, { timeout: 30_000 });
  await expect(alert).toContainText('/record-info');
  await clearFaults();
  await expect(page.locator('tr.compare-row')).toHaveCount(5, { timeout: 40_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
});
