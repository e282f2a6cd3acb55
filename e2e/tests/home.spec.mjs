// The home page: one overview across every configured source. What runs now and what finished
// recently on the real Buildbot master and the simulated CodeArts and ServiceStage, newest
// first, failures marked in words; a source that fails shows its own error card and retries
// while the others stay listed; the status filter and search live in the URL.
import { test, expect } from '@playwright/test';
import { api, guardPage } from './helpers.mjs';
import { CODEARTS_PROJECT, addFault, clearFaults, enterToken } from './sim.mjs';

test.afterEach(async () => { await clearFaults(); });

const rows = (page, source) => page.locator(`tr.overview-row${source ? `[data-source="${source}"]` : ''}`);
const recent = (page) => page.locator('section[aria-labelledby="overview-recent"] tr.overview-row');

async function openOverview(page, path = '/') {
  await page.goto(path);
  await expect(page.locator('h1')).toHaveText('Overview');
  // ServiceStage is configured with a token the user types once per tab session. The overview
  // does not ask it without one (no 401 on every visit): its card offers the prompt.
  const card = page.locator('li.source-card[data-source="servicestage"]');
  await expect(card).toContainText('Needs a token before it can be read.');
  await card.getByRole('button', { name: 'Enter token' }).click();
  await enterToken(page);
}

test('the overview lists builds of all three sources, newest first, failures marked', async ({ page }) => {
  const guard = guardPage(page);
  await openOverview(page);
  for (const source of ['local', 'codearts', 'servicestage']) {
    await expect(rows(page, source).first()).toBeVisible({ timeout: 30_000 });
  }
  // The master's newest finished build is listed under its builder, with its number and result.
  const { builds: [newest] } = await api('builds?order=-buildid&complete=true&limit=1');
  const { builders: [builder] } = await api(`builders/${newest.builderid}`);
  const row = recent(page).filter({ has: page.locator(`a[href="/s/local/builds/${newest.buildid}"]`) });
  await expect(row).toHaveCount(1);
  await expect(row.locator('.overview-row__group')).toHaveText(builder.name);
  await expect(row.locator('.overview-row__number')).toHaveText(`#${newest.number}`);
  // Finished builds are ordered newest first across the sources.
  const when = await recent(page).evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.when)));
  expect(when.length).toBeGreaterThan(3);
  expect(when).toEqual([...when].sort((a, b) => b - a));
  // A failed build is marked by its row and says so in words (never colour alone).
  const failed = recent(page).filter({ has: page.locator('.badge[data-status="failure"]') }).first();
  await expect(failed).toHaveClass(/overview-row--failed/);
  await expect(failed.locator('.badge__text')).toHaveText('Failure');
  // Each source's card says how it is doing.
  await expect(page.locator('li.source-card[data-source="codearts"] .source-card__summary')).toHaveText(/\d+ running · \d+ of \d+ recent builds failed/);
  // A ServiceStage row opens its build page.
  await rows(page, 'servicestage').first().locator('.overview-row__number a').click();
  await expect(page).toHaveURL(/\/s\/servicestage\/builds\//);
  await expect(page.locator('li.phase').first()).toBeVisible();
  await guard.check();
});

test('a source answering 500 shows its error card and comes back; the others stay listed', async ({ page }) => {
  const guard = guardPage(page, { allowHttpErrors: true });
  await addFault(`${CODEARTS_PROJECT}/jobs`, '500');
  await openOverview(page);
  const card = page.locator('li.source-card[data-source="codearts"]');
  await expect(card.getByRole('alert').locator('.state__title')).toHaveText('⚠ CodeArts Build: HTTP 500 (CB.00060101)');
  await expect(card.getByRole('alert')).toContainText('Retrying automatically.');
  await expect(rows(page, 'local').first()).toBeVisible();
  await expect(rows(page, 'servicestage').first()).toBeVisible();
  await expect(rows(page, 'codearts')).toHaveCount(0);
  await clearFaults();
  // Its own retry loop brings it back without a reload.
  await expect(rows(page, 'codearts').first()).toBeVisible({ timeout: 40_000 });
  await expect(card.getByRole('alert')).toHaveCount(0);
  await guard.check();
});

test('status filter and search on the overview live in the URL', async ({ page }) => {
  const guard = guardPage(page);
  await openOverview(page);
  await expect(rows(page, 'codearts').first()).toBeVisible({ timeout: 30_000 });
  await page.locator('select.status-filter').selectOption('failure');
  await expect(page).toHaveURL(/[?&]status=failure/);
  await expect(rows(page).first()).toBeVisible();
  const statuses = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.status));
  expect(new Set(statuses)).toEqual(new Set(['failure']));
  await page.getByRole('searchbox', { name: 'Search builders and jobs' }).fill('codearts');
  await expect(page).toHaveURL(/[?&]q=codearts/);
  await expect(rows(page, 'local')).toHaveCount(0);
  await expect(rows(page, 'codearts').first()).toBeVisible();
  await page.reload();
  await expect(page.locator('select.status-filter')).toHaveValue('failure');
  await expect(rows(page, 'codearts').first()).toBeVisible({ timeout: 30_000 });
  await expect(rows(page, 'local')).toHaveCount(0);
  await page.getByRole('searchbox', { name: 'Search builders and jobs' }).fill('no-such-thing');
  await expect(page.getByText('No matching builds')).toBeVisible();
  await guard.check();
});
