import { test, expect } from '@playwright/test';
import {
  CODEARTS_JOBS, SEED_PHASES_BUILD, SEED_RECORD, SIM_TOKEN, SS_JOBS,
  addFault, clearFaults, enterToken, startCodeArtsBuild, startServiceStageBuild,
} from './sim.mjs';
import { guardPage } from './helpers.mjs';

test.afterEach(async () => { await clearFaults(); });

test('the documented CodeArts example shows its stages in sequence order', async ({ page }) => {
  const guard = guardPage(page, { allowHttpErrors: true });
  await page.goto(`/s/codearts/builds/${SEED_RECORD}`);
  const stages = page.locator('ol.stages > li.stage');
  await expect(stages.locator('.stage__name')).toHaveText(['initial', 'Cache Check', 'Code CheckOut', 'Maven', 'final']);
  await expect(stages.locator('.badge__text')).toHaveText(Array(5).fill('Cancelled'));
  await expect(stages.first().locator('.badge')).toHaveAttribute('title', 'ABORTED (8)');
  await guard.check();
});

test('CodeArts jobs, their history and a build with its record header', async ({ page }) => {
  const guard = guardPage(page);
  await page.goto('/');
  await page.getByRole('link', { name: 'CodeArts Build', exact: true }).click();
  const jobs = page.locator('tr.job-row');
  await expect(jobs).toHaveCount(3);
  await page.getByRole('link', { name: 'sim-maven-failure' }).click();
  // The job's name heads its page, not its 32-character id (which is still there, muted).
  await expect(page.locator('h1')).toContainText('sim-maven-failure');
  await expect(page).toHaveTitle(/^sim-maven-failure · /);
  const rows = page.locator('tr.history-row');
  await expect(rows.first()).toBeVisible();
  const failed = rows.filter({ has: page.locator('.badge[data-status="failure"]') }).first();
  await failed.getByRole('link').click();
  await expect(page.locator('.build-head .badge__text')).toHaveText('Failure');
  await expect(page.locator('.facts')).toContainText('Repository');
  await expect(page.locator('ol.stages > li.stage[data-status="failure"] > .stage__main .stage__name')).toHaveText('Maven');
  await expect(page).toHaveTitle(/— Failure · buildscope$/);
  await guard.check();
});

test('a job page opened by its address alone looks up the job name', async ({ page }) => {
  const guard = guardPage(page);
  await page.goto(`/s/codearts/jobs/${CODEARTS_JOBS.failure}`);
  await expect(page.locator('h1')).toContainText('sim-maven-failure');
  await expect(page.locator('h1 .kind')).toHaveText(CODEARTS_JOBS.failure);
  await guard.check();
});

test('the CodeArts stage map draws stages on the build time axis with the critical path and nested steps', async ({ page }) => {
  const guard = guardPage(page);
  await page.goto(`/s/codearts/jobs/${CODEARTS_JOBS.failure}`);
  await page.locator('tr.history-row').filter({ has: page.locator('.badge[data-status="failure"]') }).first().getByRole('link').click();
  const stages = page.locator('ol.stages > li.stage');
  await expect(stages.first().locator('.stage__main .bar')).toBeVisible();
  // Every stage that ran has a bar; bars follow the sequence left to right and stay on the axis.
  const bars = await stages.evaluateAll((els) => els.map((li) => {
    const b = li.querySelector(':scope > .stage__main .bar');
    return b && { left: +b.dataset.left, width: +b.dataset.width, critical: li.dataset.critical === 'true', status: li.dataset.status };
  }));
  const ran = bars.filter(Boolean);
  expect(ran.length).toBeGreaterThan(1);
  for (let i = 1; i < ran.length; i++) expect(ran[i].left).toBeGreaterThanOrEqual(ran[i - 1].left);
  for (const b of ran) expect(b.left + b.width).toBeLessThanOrEqual(100.001);
  // The failed build ends with its failing stage: the chain that decided its length ends there,
  // said in words, not only by colour.
  const lastRan = stages.filter({ has: page.locator(':scope > .stage__main .bar') }).last();
  await expect(lastRan).toHaveAttribute('data-critical', 'true');
  await expect(lastRan.locator('.chip--critical')).toHaveText('critical path');
  // Cascaded steps sit under their stage, on the same axis, with no sequence number of their own.
  const steps = page.locator('ol.stages > li.stage > ol.stage__steps > li.stage-step');
  expect(await steps.count()).toBeGreaterThan(0);
  await expect(steps.locator('.stage__seq')).toHaveCount(0);
  await expect(steps.first().locator('.bar')).toBeVisible();
  await guard.check();
});

test('a running CodeArts build advances stage by stage while the page is open', async ({ page }) => {
  test.setTimeout(90_000);
  const { recordId } = await startCodeArtsBuild(CODEARTS_JOBS.success);
  await page.goto(`/s/codearts/builds/${recordId}`);
  // Top-level stages only: cascaded steps are stages too, nested under theirs.
  const done = page.locator('ol.stages > li.stage[data-status="success"]');
  await expect(page.locator('ol.stages > li.stage')).toHaveCount(5);
  const seen = new Set();
  await expect(async () => {
    seen.add(await done.count());
    expect(await done.count()).toBe(5);
  }).toPass({ timeout: 60_000, intervals: [500] });
  // It was watched going through intermediate states, not jumping from nothing to done.
  expect([...seen].filter((n) => n > 0 && n < 5).length).toBeGreaterThan(0);
  await expect(page.locator('.build-head .badge__text')).toHaveText('Success');
});

test('ServiceStage asks for a token on 401, rejects a wrong one, then shows jobs', async ({ page }) => {
  const guard = guardPage(page, { allowHttpErrors: true });
  await page.goto('/s/servicestage');
  await enterToken(page, 'wrong-token');
  await expect(page.locator('form.token-prompt')).toBeVisible(); // 401 again: asked again
  await enterToken(page);
  await expect(page.locator('form.token-prompt')).toHaveCount(0);
  await expect(page.locator('tr.job-row')).toHaveCount(4);
  // The token never appears in the URL or localStorage.
  expect(page.url()).not.toContain(SIM_TOKEN);
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(SIM_TOKEN);
  await guard.check();
});

test('the ServiceStage phases example shows its six phases in order', async ({ page }) => {
  await page.goto(`/s/servicestage/builds/${SEED_PHASES_BUILD}`);
  await enterToken(page);
  await expect(page.locator('li.phase .phase__name')).toHaveText(['Init', 'Download', 'PreProcess', 'Build', 'Artifact', 'PostProcess']);
});

test('a ServiceStage build walks its phases live', async ({ page }) => {
  test.setTimeout(90_000);
  const buildId = await startServiceStageBuild(SS_JOBS.failed[0]);
  await page.goto(`/s/servicestage/builds/${buildId}`);
  await enterToken(page);
  await expect(page.locator('li.phase')).toHaveCount(6);
  await expect(page.locator('li.phase[data-status="running"]')).toHaveCount(1, { timeout: 30_000 });
  await expect(page.locator('li.phase[data-status="failure"]')).toHaveCount(1, { timeout: 60_000 });
  await expect(page.locator('.build-head .badge__text')).toHaveText('Failure');
});

// Each fault the simulator can inject, as the user sees it, and recovery once it stops.
const FAULTS = [
  { fault: '500', expect: /HTTP 500 \(CB\.00060101\)/ },
  { fault: '400', expect: /HTTP 400 \(CB\.00060200\)/ },
  { fault: '403', expect: /HTTP 403 \(APIGW\.0302\)/ },
  { fault: '404', expect: /HTTP 404 \(CB\.00060214\)/ },
  { fault: 'throttle', expect: /HTTP 400 \(CB\.00060211\)/ },
  { fault: 'html502', expect: /HTTP 502/ },
  { fault: 'malformed', expect: /unreadable response/ },
];

for (const f of FAULTS) {
  test(`CodeArts fault ${f.fault}: a clear error naming the source, then recovery on its own`, async ({ page }) => {
    test.setTimeout(90_000);
    await addFault('full-stages', f.fault);
    await page.goto(`/s/codearts/builds/${SEED_RECORD}`);
    const alert = page.getByRole('alert');
    await expect(alert.locator('.state__title')).toHaveText(new RegExp(`CodeArts Build: .*${f.expect.source}`), { timeout: 30_000 });
    await expect(alert).toContainText('/codearts/v1/record/');
    await clearFaults();
    await expect(page.locator('ol.stages > li.stage')).toHaveCount(5, { timeout: 40_000 });
    await expect(page.getByRole('alert')).toHaveCount(0);
  });
}

test('ServiceStage faults name the source, status and code and recover', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(`/s/servicestage/builds/${SEED_PHASES_BUILD}`);
  await enterToken(page);
  await expect(page.locator('li.phase')).toHaveCount(6);
  await addFault('/phases', '500');
  await page.reload();
  await expect(page.getByRole('alert').locator('.state__title')).toHaveText(/ServiceStage: HTTP 500 \(SVCSTG\.CPE\.5004500\)/, { timeout: 30_000 });
  await clearFaults();
  await expect(page.locator('li.phase')).toHaveCount(6, { timeout: 40_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('a slow answer shows the loading state, then the data', async ({ page }) => {
  await addFault('full-stages', 'slow', { delay_ms: 3000, times: 1 });
  await page.goto(`/s/codearts/builds/${SEED_RECORD}`);
  await expect(page.getByRole('status').filter({ hasText: 'Loading build' })).toBeVisible();
  await expect(page.locator('ol.stages > li.stage')).toHaveCount(5, { timeout: 15_000 });
});
