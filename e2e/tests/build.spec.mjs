import { test, expect } from '@playwright/test';
import { api, builderByName, expectedLabel, guardPage, latestBuild } from './helpers.mjs';

async function stepsOf(buildid) {
  const { steps } = await api(`builds/${buildid}/steps`);
  return steps.sort((a, b) => a.number - b.number);
}

test('a failed build lists its steps in order with the failing step marked', async ({ page }) => {
  const guard = guardPage(page);
  const builder = await builderByName('unit-tests-failing');
  const build = await latestBuild(builder.builderid);
  const steps = (await stepsOf(build.buildid)).filter((s) => !s.hidden);

  // Arrive the way a user does: from the builders page.
  await page.goto('/s/local');
  const section = page.locator('section.builder[data-builder="unit-tests-failing"]');
  await section.locator(`tr.build-row[data-number="${build.number}"] a`).click();
  await expect(page).toHaveURL(new RegExp(`/s/local/builds/${build.buildid}$`));

  await expect(page.locator('.build-head__builder')).toHaveText('unit-tests-failing');
  await expect(page.locator('.build-head__number')).toHaveText(`#${build.number}`);
  await expect(page.locator('.build-head .badge__text')).toHaveText('Failure');
  await expect(page).toHaveTitle(`unit-tests-failing #${build.number} — Failure · buildscope`);

  const rows = page.locator('ol.steps > li.step');
  await expect(rows).toHaveCount(steps.length);
  await expect(rows.locator('.step__name')).toHaveText(steps.map((s) => s.name));
  await expect(rows.locator('.badge__text')).toHaveText(steps.map(expectedLabel));

  const failing = steps.find((s) => s.results === 2);
  expect(failing.name).toBe('unit tests');
  const failRow = page.locator(`li.step[data-step-number="${failing.number}"]`);
  await expect(failRow).toHaveClass(/step--first-failure/);
  await expect(failRow.locator('.chip--bad')).toHaveText('first failure');
  await expect(page.locator('.step--first-failure')).toHaveCount(1);
  // A step after haltOnFailure never ran: Buildbot has no row for it, and neither do we.
  await expect(page.getByText('not reached')).toHaveCount(0);
  await guard.check();
});

test('a step named <script>alert(1)</script> is plain text', async ({ page }) => {
  const guard = guardPage(page);
  const builder = await builderByName('kitchen-sink');
  const build = await latestBuild(builder.builderid);
  await page.goto(`/s/local/builds/${build.buildid}`); // deep link, straight from a reload
  const name = page.locator('li.step .step__name', { hasText: '<script>alert(1)</script>' });
  await expect(name).toHaveText('<script>alert(1)</script>');
  await expect(name.locator('script')).toHaveCount(0);
  expect(await page.locator('main script').count()).toBe(0);
  await guard.check();
});

test('hidden steps are folded away until asked for; only http(s) URLs are links', async ({ page }) => {
  const guard = guardPage(page);
  const builder = await builderByName('linux-build');
  const build = await latestBuild(builder.builderid);
  const steps = await stepsOf(build.buildid);
  const hidden = steps.filter((s) => s.hidden);
  expect(hidden.length).toBeGreaterThan(0);

  await page.goto(`/s/local/builds/${build.buildid}`);
  await expect(page.locator('li.step')).toHaveCount(steps.length - hidden.length);
  await page.getByLabel(/Show \d+ hidden step/).check();
  await expect(page.locator('li.step')).toHaveCount(steps.length);
  await expect(page.locator('li.step[data-hidden="true"] .step__name')).toHaveText(hidden.map((s) => s.name));

  const urls = steps.flatMap((s) => s.urls);
  const safe = urls.filter((u) => /^https?:\/\//i.test(u.url));
  const unsafe = urls.filter((u) => !/^https?:\/\//i.test(u.url));
  expect(unsafe.length).toBeGreaterThan(0);
  for (const u of safe) {
    await expect(page.locator(`.step__urls a[href="${u.url}"]`)).toHaveText(u.name);
  }
  await expect(page.locator('a[href^="javascript:"]')).toHaveCount(0);
  for (const u of unsafe) {
    await expect(page.locator('.url--unsafe', { hasText: u.name })).toBeVisible();
  }
  await guard.check();
});

test('a cancelled build says Cancelled', async ({ page }) => {
  const builder = await builderByName('cancelled-build');
  const build = await latestBuild(builder.builderid);
  expect(build.results).toBe(6);
  await page.goto(`/s/local/builds/${build.buildid}`);
  await expect(page.locator('.build-head .badge__text')).toHaveText('Cancelled');
  await expect(page.locator('.build-head__state')).toHaveText(build.state_string);
});

test('back and forward move between the builders page and a build', async ({ page }) => {
  const builder = await builderByName('lint-warnings');
  const build = await latestBuild(builder.builderid);
  await page.goto('/s/local');
  await page.locator(`section.builder[data-builder="lint-warnings"] tr.build-row[data-number="${build.number}"] a`).click();
  await expect(page.locator('.build-head .badge__text')).toHaveText('Warnings');
  await page.goBack();
  await expect(page.locator('section.builder[data-builder="lint-warnings"]')).toBeVisible();
  await page.goForward();
  await expect(page.locator('.build-head__builder')).toHaveText('lint-warnings');
});

test('a #step-N link opens the build at that step, revealing it if hidden', async ({ page }) => {
  const builder = await builderByName('kitchen-sink');
  const build = await latestBuild(builder.builderid);
  const hidden = (await stepsOf(build.buildid)).find((s) => s.hidden);
  await page.goto(`/s/local/builds/${build.buildid}#step-${hidden.number}`);
  const row = page.locator(`#step-${hidden.number}`);
  await expect(row).toBeVisible();
  await expect(row).toHaveClass(/step--linked/);
  await expect(row).toBeInViewport();
  await expect(page.getByLabel(/Show \d+ hidden step/)).toBeChecked();
  // Each step number is the link to copy.
  await expect(row.locator('a.step__number')).toHaveAttribute('href', `#step-${hidden.number}`);
});
