// Huawei build logs (CodeArts Build, ServiceStage) in the same log viewer as Buildbot's, read
// by byte offset from the simulator (sim/README.md: "Log offsets and chunks", the seeded ids).
import { test, expect } from '@playwright/test';
import { CODEARTS_JOBS, SS_JOBS, codeartsRawLog, enterToken, ssBuildId, startServiceStageBuild } from './sim.mjs';
import { guardPage } from './helpers.mjs';

const recordId = (job, build) => `5eed000${job}-0000-4000-8000-${build.toString(16).padStart(12, '0')}`;
const BIG_JOB = 'a1b2c3d4e5f60718293a4b5c6d7e8f04';
const BIG_RECORD = '5eed0004-0000-4000-8000-000000000001';
const GROWING_JOB = 'a1b2c3d4e5f60718293a4b5c6d7e8f05';
const GROWING_RECORD = '5eed0005-0000-4000-8000-000000000001';

const row = (page, n) => page.locator(`.log-row[data-line="${n}"]`);

/** Counts the log reads the page sends (CodeArts `v1`/`v3` log endpoints, ServiceStage logs). */
function logRequests(page) {
  const sent = [];
  page.on('request', (r) => {
    if (/\/codearts\/v[13]\/(log\/|jobs\/[^/]+\/\d+\/real-time-log)|\/servicestage\/assembling\/v1\/builds\/[^/]+\/logs/.test(r.url())) sent.push(r.url());
  });
  return sent;
}

test('a CodeArts build log opens from a stage row, a step log from a step row', async ({ page }) => {
  const guard = guardPage(page);
  const job = CODEARTS_JOBS.success;
  await page.goto(`/s/codearts/builds/${recordId(1, 1)}?job=${job}`);
  const stage = page.locator('li.stage').first();
  await stage.locator('.stage__main .stage__log').click();
  await expect(page).toHaveURL(new RegExp(`/s/codearts/builds/${recordId(1, 1)}/log\\?job=${job}&no=1$`));
  await expect(row(page, 0).locator('.lt')).not.toBeEmpty();
  await expect(row(page, 0).locator('.ln')).toHaveAttribute('data-ln', '1');
  await expect(row(page, 0).locator('.lt')).toContainText('queued');
  // The breadcrumb and the title say which build.
  await expect(page.locator('.breadcrumbs')).toContainText('#1');
  await expect(page).toHaveTitle(/^Log · .*#1 — /);
  await expect(page.locator('.log-status')).toContainText(/^[\d,]+ lines · /);

  await page.goBack();
  const step = page.locator('li.stage-step').first();
  const stepName = (await step.locator('.stage-step__name').textContent()).trim();
  await step.locator('.stage__log').click();
  await expect(page).toHaveURL(/&step=/);
  await expect(row(page, 0).locator('.lt')).not.toBeEmpty();
  await expect(page.locator('.log-head h1')).toContainText(stepName);
  await expect(page).toHaveTitle(new RegExp(`^${stepName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} log · `));
  await guard.check();
});

test('the 1M-line CodeArts log opens fast, jumps to its end without reading it all, and finds a needle', async ({ page }) => {
  test.setTimeout(240_000);
  const guard = guardPage(page);
  const sent = logRequests(page);
  await page.goto(`/s/codearts/builds/${BIG_RECORD}?job=${BIG_JOB}`);
  await page.locator('.build-log-link').click();
  // A failed build opens at its first error (line 1,020), read within the first chunks.
  const first = page.locator('.log-row--selected');
  await expect(first).toHaveAttribute('data-line', '1019', { timeout: 10_000 });
  await expect(first.locator('.lt')).toContainText('item 000000999 failed');
  // Nobody says how many lines it has: a lower bound while it is read.
  await expect(page.locator('.log-status')).toContainText(/^≥ [\d,]+ lines · reading [\d.]+ [KM]?B · /);

  // End: the last chunk is read next, before the lines ahead of it are counted; its lines
  // are numbered from the end, and the log's size is known from it.
  await page.locator('.log-scroll').focus();
  const before = sent.length;
  await page.keyboard.press('G');
  const last = page.locator('.log-row', { hasText: 'Finished: FAILED' });
  await expect(last).toBeVisible({ timeout: 15_000 });
  await expect(last.locator('.ln')).toHaveAttribute('data-ln', '−1');
  await expect(page.locator('.log-status')).toContainText(/^≥ [\d,]+ lines · reading [\d.]+ MB of 94\.6 MB · /);
  const tailReads = sent.slice(before);
  expect(tailReads.filter((u) => u.includes('sort=DESC'))).toHaveLength(1);
  // A few reads, not the thousand pages of the whole log.
  expect(tailReads.length).toBeLessThan(30);

  // A search reads on to the end of the count and finds the one line.
  await page.getByLabel('Search the log').fill('SIM1M-NEEDLE-CHARLIE-e05a67');
  await expect(page.locator('.hit-counter')).toHaveText(/\/ 1$/, { timeout: 200_000 });
  await page.getByLabel('Search the log').press('Enter');
  const hit = page.locator('.log-row', { has: page.locator('mark.hit') });
  await expect(hit).toContainText('SIM1M-NEEDLE-CHARLIE-e05a67');
  await expect(hit.locator('.ln')).toHaveAttribute('data-ln', '999997');
  await expect(page.locator('.log-status')).toContainText(/^1,000,000 lines · /);

  // Back to the top, then a permalink deep in the log survives a reload: the count starts
  // again and the line is shown, selected, once its number is known.
  await page.locator('.log-scroll').focus();
  await page.keyboard.press('g');
  await expect(row(page, 0).locator('.ln')).toHaveAttribute('data-ln', '1');
  await expect(row(page, 0)).toBeInViewport();
  await page.getByLabel('Search the log').fill('SIM1M-NEEDLE-ALPHA-7f3c9e');
  await page.getByLabel('Search the log').press('Enter');
  const alpha = page.locator('.log-row', { has: page.locator('mark.hit') });
  await expect(alpha.locator('.ln')).toHaveAttribute('data-ln', '999990', { timeout: 60_000 });
  await alpha.locator('.ln').click();
  await expect(page).toHaveURL(/#L999990$/);
  await page.reload();
  const selected = page.locator('.log-row--selected');
  await expect(selected).toHaveAttribute('data-line', '999989', { timeout: 200_000 });
  await expect(selected.locator('.lt')).toContainText('SIM1M-NEEDLE-ALPHA-7f3c9e');
  await expect(selected).toBeInViewport();
  await guard.check();
});

test('a failed build opened from its failed stage shows its first error', async ({ page }) => {
  const guard = guardPage(page);
  const job = CODEARTS_JOBS.failure;
  await page.goto(`/s/codearts/builds/${recordId(2, 2)}?job=${job}`);
  await page.locator('li.stage[data-status="failure"] .stage__main .stage__log').click();
  // The error is inside Maven's surefire section, folded by default: the section opens to
  // show the error line itself, selected.
  await expect(page.getByRole('button', { name: /^Collapse group maven-surefire-plugin/ })).toBeVisible();
  const selected = page.locator('.log-row--selected');
  await expect(selected).toHaveCount(1);
  await expect(selected).toHaveAttribute('data-line', '37');
  await expect(selected).toHaveClass(/log-row--error/);
  await expect(selected.locator('.lt')).toContainText('Failures: 1, Errors: 0, Skipped: 0 <<< FAILURE!');
  await expect(selected).toBeInViewport();
  await guard.check();
});

test('a ServiceStage build log shows its lines', async ({ page }) => {
  // The token prompt comes from a 401.
  const guard = guardPage(page, { allowHttpErrors: true });
  const build = ssBuildId(1, 1);
  await page.goto(`/s/servicestage/builds/${build}`);
  await enterToken(page);
  // From a phase row: ServiceStage logs a build, so every phase opens the build's log.
  await page.locator('li.phase').nth(3).locator('.phase__log').click();
  await expect(page).toHaveURL(new RegExp(`/s/servicestage/builds/${build}/log$`));
  await expect(row(page, 0).locator('.lt')).not.toBeEmpty();
  await page.locator('.log-scroll').focus();
  await page.keyboard.press('G');
  await expect(page.locator('.log-row', { hasText: 'build finished: Successful' })).toBeVisible({ timeout: 20_000 });
  // No download endpoint: no Download link.
  await expect(page.locator('.log-actions a', { hasText: 'Download' })).toHaveCount(0);
  await expect(page.locator('.breadcrumbs')).toContainText(SS_JOBS.success[1]);
  await guard.check();
});

test('a running CodeArts log follows new lines at the bottom', async ({ page }) => {
  test.setTimeout(90_000);
  const guard = guardPage(page);
  await page.goto(`/s/codearts/builds/${GROWING_RECORD}/log?job=${GROWING_JOB}&no=1`);
  await expect(page.locator('button.follow')).toHaveAttribute('aria-pressed', 'true');
  const lastText = () => page.locator('.log-row').last().locator('.lt').textContent();
  await expect.poll(lastText, { timeout: 15_000 }).toMatch(/item \d+/);
  const first = await lastText();
  // One line a millisecond: the bottom row moves on, and the view stays at the bottom.
  await expect.poll(lastText, { timeout: 20_000 }).not.toBe(first);
  const atBottom = () => page.locator('.log-scroll').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 40);
  await expect.poll(atBottom).toBe(true);
  await expect(page.locator('button.follow')).toHaveAttribute('aria-pressed', 'true');

  // Scrolling up pauses: the reader's line stays in view while the log grows below it.
  await page.locator('.log-scroll').hover();
  await page.mouse.wheel(0, -600);
  await expect(page.locator('button.follow')).toHaveAttribute('aria-pressed', 'false');
  // The row at the middle of the viewport: the one being read, by its text (its place may
  // still move down while the lines before the tail are counted in).
  const text = await page.locator('.log-scroll').evaluate((el) => {
    const r = el.getBoundingClientRect();
    return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2).closest('.log-row').querySelector('.lt').textContent;
  });
  // A real line (not a placeholder): every tenth line of the synthetic body is the CJK one.
  expect(text).toMatch(/(?:item|处理条目) \d{9}/);
  const count = async () => Number((await page.locator('.log-status').textContent()).match(/^≥? ?([\d,]+) lines/)[1].replace(/,/g, ''));
  const before = await count();
  await expect.poll(count, { timeout: 20_000 }).toBeGreaterThan(before + 100);
  await expect(page.locator('.log-row .lt').getByText(text, { exact: true })).toBeInViewport();
  await expect(page.locator('button.follow')).toHaveAttribute('aria-pressed', 'false');
  await guard.check();
});

test('a running log does not poll while the tab is hidden, and catches up when shown', async ({ page }) => {
  test.setTimeout(90_000);
  const guard = guardPage(page, { allowHttpErrors: true });
  // The page's own visibility, under the test's control.
  await page.addInitScript(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => !!window.__hidden });
  });
  const build = await startServiceStageBuild(SS_JOBS.success[0]);
  const sent = logRequests(page);
  await page.goto(`/s/servicestage/builds/${build}/log`);
  await enterToken(page);
  await expect(row(page, 0).locator('.lt')).not.toBeEmpty();
  // Caught up with what is written: from here on only polls ask for more.
  await expect(page.locator('.log-status')).not.toContainText('≥', { timeout: 20_000 });
  await page.evaluate(() => { window.__hidden = true; });
  const hiddenAt = sent.length;
  await page.waitForTimeout(6_000);
  // At most the read that was already on its way.
  expect(sent.length - hiddenAt).toBeLessThanOrEqual(1);
  await page.evaluate(() => { window.__hidden = false; });
  await expect.poll(() => sent.length, { timeout: 10_000 }).toBeGreaterThan(hiddenAt + 1);
  await expect(page.locator('.log-row', { hasText: 'build finished: Successful' })).toBeVisible({ timeout: 60_000 });
  await guard.check();
});

test.describe('line times', () => {
  // A reader in Beijing: the simulator stamps its lines in GMT+08:00, so local time reads
  // as the prefix's clock.
  test.use({ timezoneId: 'Asia/Shanghai' });

  test('CodeArts lines show their time in a column: local, elapsed or hidden, remembered, the prefix gone', async ({ page }) => {
    const guard = guardPage(page);
    const job = CODEARTS_JOBS.success;
    // What the server wrote: each line opens with its time, level and stage:step.
    const raw = (await codeartsRawLog(job, 1)).split('\n').slice(0, 6);
    const prefix = /^\[(\d{4})\/(\d\d)\/(\d\d) (\d\d:\d\d:\d\d\.\d{3}) GMT\+08:00\] \[(\w+)\] \[[^\]]*\] : (.*)$/;
    const parsed = raw.map((l) => l.match(prefix));
    expect(parsed.every(Boolean), raw.join('\n')).toBe(true);
    const at = (m) => Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}+08:00`);
    const elapsed = (m) => {
      const d = at(m) - at(parsed[0]);
      const s = Math.floor(d / 1000);
      return `+${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}.${String(d % 1000).padStart(3, '0')}`;
    };

    await page.goto(`/s/codearts/builds/${recordId(1, 1)}/log?job=${job}&no=1`);
    const toggle = page.getByRole('button', { name: /^Times: / });
    await expect(toggle).toHaveText('Times: local');
    for (let n = 0; n < parsed.length; n++) {
      await expect(row(page, n).locator('.ts')).toHaveAttribute('data-ts', parsed[n][4]);
      // The text is the message alone: no time, level or tag repeated.
      await expect(row(page, n).locator('.lt')).toHaveText(parsed[n][6]);
    }
    await expect(row(page, 0).locator('.ts')).toBeVisible();

    await toggle.click();
    await expect(toggle).toHaveText('Times: elapsed');
    await expect(row(page, 0).locator('.ts')).toHaveAttribute('data-ts', '+0:00.000');
    for (let n = 1; n < parsed.length; n++) {
      await expect(row(page, n).locator('.ts')).toHaveAttribute('data-ts', elapsed(parsed[n]));
    }

    // Remembered across visits.
    await page.reload();
    await expect(toggle).toHaveText('Times: elapsed');
    await expect(row(page, 1).locator('.ts')).toHaveAttribute('data-ts', elapsed(parsed[1]));

    // Hidden, by key: no column, the text unchanged.
    await page.locator('.log-scroll').focus();
    await page.keyboard.press('t');
    await expect(toggle).toHaveText('Times: hidden');
    await expect(page.locator('.log-row .ts')).toHaveCount(0);
    await expect(row(page, 1).locator('.lt')).toHaveText(parsed[1][6]);
    await page.keyboard.press('t');
    await expect(toggle).toHaveText('Times: local');
    await expect(row(page, 0).locator('.ts')).toHaveAttribute('data-ts', parsed[0][4]);
    await guard.check();
  });

  test('a log without times has no column and no toggle; levels other than INFO are words', async ({ page }) => {
    const guard = guardPage(page, { allowHttpErrors: true });
    // ServiceStage lines carry no CodeArts prefix.
    const build = ssBuildId(1, 1);
    await page.goto(`/s/servicestage/builds/${build}/log`);
    await enterToken(page);
    await expect(row(page, 0).locator('.lt')).not.toBeEmpty();
    await expect(page.getByRole('button', { name: /^Times: / })).toHaveCount(0);
    await expect(page.locator('.log-row .ts')).toHaveCount(0);

    // The failed CodeArts build: its ERROR lines say so in words, not colour alone.
    const job = CODEARTS_JOBS.failure;
    const raw = (await codeartsRawLog(job, 2, 65536)).split('\n');
    const firstError = raw.findIndex((l) => / \[ERROR\] \[/.test(l));
    expect(firstError).toBeGreaterThan(0);
    await page.goto(`/s/codearts/builds/${recordId(2, 2)}/log?job=${job}&no=2#L${firstError + 1}`);
    const r = row(page, firstError);
    await expect(r.locator('.lv')).toHaveText('ERROR');
    await expect(r).toHaveClass(/lv-error/);
    await expect(row(page, 0).locator('.lv')).toHaveCount(0);
    await guard.check();
  });
});
