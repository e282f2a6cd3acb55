// Duration trends on a builder's page: one mark per finished build, oldest left, shaped and
// coloured by result, titled with number, duration and result, opening its build on click or
// Enter; a table with the same builds; each step's duration as a small multiple; the number of
// builds kept in the URL.
import { test, expect } from '@playwright/test';
import { api, builderByName, force, guardPage } from './helpers.mjs';
import { CODEARTS_JOBS, SS_JOBS, codeartsHistory, enterToken } from './sim.mjs';

test('a builder with 20 builds: one mark per build, by result; click or Enter opens the build', async ({ page }) => {
  test.setTimeout(180_000);
  const guard = guardPage(page);
  const builder = await builderByName('lint-warnings');
  // The harness forced one build of each builder; 20 more here, on the real master.
  for (let i = 0; i < 20; i++) await force('lint-warnings');
  const recent = async () => (await api(`builders/${builder.builderid}/builds?order=-number&limit=50`)).builds;
  await expect.poll(async () => {
    const builds = await recent();
    return builds.length >= 21 && builds.every((b) => b.complete);
  }, { timeout: 150_000 }).toBe(true);
  const builds = await recent();

  await page.goto('/s/local/builders/lint-warnings');
  const marks = page.locator('.trend__mark');
  await expect(marks).toHaveCount(builds.length);
  const numbers = await marks.evaluateAll((gs) => gs.map((g) => g.dataset.number));
  expect(numbers).toEqual(builds.map((b) => `#${b.number}`).reverse());
  // lint-warnings ends with WARNINGS: a triangle, not a colour alone.
  await expect(marks.first()).toHaveClass(/trend__mark--warnings/);
  await expect(marks.first().locator('polygon')).toHaveCount(1);
  const newest = builds[0];
  await expect(marks.last()).toHaveAttribute('aria-label', new RegExp(`^#${newest.number} · \\S+ · Warnings$`));
  await expect(marks.last().locator('title')).toHaveText(new RegExp(`^#${newest.number} · `));
  // The hover tooltip is an SVG <title>; one in the HTML namespace shows nothing.
  expect(await marks.last().locator('title').evaluate((t) => t instanceof SVGTitleElement)).toBe(true);
  // The same builds as a table, for screen readers and keyboards.
  await expect(page.locator('.trend__table tbody tr')).toHaveCount(builds.length);
  // Each step's duration over the builds.
  await expect(page.locator('.step-trend[data-step="lint"] .step-trend__words')).toHaveText(/^longest \S+, latest \S+$/);

  // Keyboard: focus the newest mark, Enter opens its build.
  await marks.last().focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/s/local/builds/${newest.buildid}$`));
  await page.goBack();
  // Pointer: the oldest mark opens the oldest build.
  await marks.first().click();
  await expect(page).toHaveURL(new RegExp(`/s/local/builds/${builds.at(-1).buildid}$`));
  await page.goBack();

  // How many builds: in the URL, kept on reload.
  await page.locator('select.trend-n').selectOption('20');
  await expect(page).toHaveURL(/[?&]n=20/);
  await expect(marks).toHaveCount(20);
  await page.reload();
  await expect(marks).toHaveCount(20);
  await expect(page.locator('select.trend-n')).toHaveValue('20');
  await guard.check();
});

test('a CodeArts job charts its builds and each stage; a ServiceStage job its builds', async ({ page }) => {
  test.setTimeout(120_000);
  // ServiceStage answers 401 until the token is typed.
  const guard = guardPage(page, { allowHttpErrors: true });
  const { history_records: records } = await codeartsHistory(CODEARTS_JOBS.failure, 0, 50);
  await page.goto(`/s/codearts/jobs/${CODEARTS_JOBS.failure}`);
  const rows = page.locator('tr.history-row');
  await expect(rows.first()).toBeVisible();
  const marks = page.locator('.trend__mark');
  await expect(marks.first()).toBeVisible();
  // One mark per finished build of the history (a running one has no duration yet).
  const running = await rows.filter({ has: page.locator('.badge[data-status="running"], .badge[data-status="queued"], .badge[data-status="pending"]') }).count();
  await expect(marks).toHaveCount(records.length - running);
  // Each stage of the job over its newest builds, by the names the stage map uses.
  await expect(page.locator('.step-trend .step-trend__name')).toHaveText(['initial', 'Cache Check', 'Code CheckOut', 'Maven', 'final']);
  await marks.last().click();
  await expect(page).toHaveURL(/\/s\/codearts\/builds\//);
  await expect(page.locator('ol.stages > li.stage').first()).toBeVisible();

  await page.goto(`/s/servicestage/jobs/${SS_JOBS.failed[0]}?name=${SS_JOBS.failed[1]}`);
  await enterToken(page);
  await expect(page.locator('tr.history-row').first()).toBeVisible();
  const ssRows = await page.locator('tr.history-row').count();
  const ssRunning = await page.locator('tr.history-row').filter({ has: page.locator('.badge[data-status="running"], .badge[data-status="queued"], .badge[data-status="pending"]') }).count();
  await expect(page.locator('.trend__mark')).toHaveCount(ssRows - ssRunning);
  await expect(page.locator('.trend__mark--failure').first()).toBeVisible();
  await guard.check();
});
