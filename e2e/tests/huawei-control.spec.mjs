// Control actions on the Huawei systems against the simulator (which implements RunJob,
// StopBuildJob and ServiceStage's build start in their documented shapes): run a CodeArts job
// with parameters from its form and land on the new build; stop a running build; start a
// ServiceStage build. Each is one POST, however often the user clicks.
import { test, expect } from '@playwright/test';
import { CODEARTS_JOBS, SS_JOBS, enterToken, startCodeArtsBuild } from './sim.mjs';
import { guardPage } from './helpers.mjs';

/** The sim's job whose Maven stage runs for ever: a build of it is running until stopped. */
const GROWING_JOB = 'a1b2c3d4e5f60718293a4b5c6d7e8f05';

/** Records the POSTs the page sends below `prefix`. */
function recordPosts(page, prefix) {
  const posts = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (r.method() === 'POST' && url.pathname.startsWith(prefix)) {
      posts.push({ path: url.pathname, body: r.postDataJSON() });
    }
  });
  return posts;
}

test('a CodeArts job runs once with the parameters of its form and opens the new build', async ({ page }) => {
  const guard = guardPage(page);
  const posts = recordPosts(page, '/codearts/');
  const job = CODEARTS_JOBS.success;
  // The form starts from the newest build's parameters: one with the job's own.
  await startCodeArtsBuild(job);
  await page.goto(`/s/codearts/jobs/${job}`);
  await expect(page.locator('h1')).toContainText('sim-maven-success');
  await page.getByRole('button', { name: 'Run sim-maven-success' }).click();
  const form = page.getByRole('dialog', { name: 'Run sim-maven-success?' });
  await expect(form).toBeVisible();

  // Filled from the newest build: its parameters and their values, the secret one blank
  // with its name fixed, and an empty row to add one.
  const names = form.locator('.run-form__name');
  await expect(names).toHaveCount(4);
  await expect(names.nth(0)).toHaveValue('codeBranch');
  await expect(form.getByLabel('Value of parameter 1')).toHaveValue('master');
  await expect(names.nth(2)).toHaveValue('deployToken');
  await expect(names.nth(2)).toBeDisabled();
  await expect(form.getByLabel('Value of deployToken (secret: left empty, the job keeps its own)')).toHaveValue('');

  await form.getByLabel('Value of parameter 1').fill('feature/e2e-run');
  await form.getByLabel('Name of parameter 4').fill('BAD-NAME');
  await form.getByLabel('Value of parameter 4').fill('debug');
  await form.getByRole('button', { name: 'Run', exact: true }).click();
  // Checked before anything is sent, said at its row.
  await expect(form.locator('.run-form__row').nth(3).getByRole('alert')).toContainText('only letters, digits and _');
  expect(posts).toEqual([]);

  await form.getByLabel('Name of parameter 4').fill('FLAVOUR');
  await expect(form.getByRole('alert')).toHaveCount(0);
  // A row added and removed again sends nothing.
  await form.getByRole('button', { name: 'Add parameter' }).click();
  await form.getByLabel('Name of parameter 5').fill('EXTRA');
  await form.getByRole('button', { name: 'Remove parameter 5' }).click();
  await expect(names).toHaveCount(4);
  await form.getByRole('button', { name: 'Run', exact: true }).dblclick();

  // The new build opens by itself once CodeArts has its record.
  await expect(page).toHaveURL(new RegExp(`/s/codearts/builds/[0-9a-f-]{36}\\?job=${job}$`), { timeout: 20_000 });
  await expect(page.locator('.build-head__builder')).toHaveText('sim-maven-success');
  const params = page.locator('table.parameters tr.parameter-row');
  await expect(params.filter({ hasText: 'codeBranch' }).locator('td')).toHaveText('feature/e2e-run');
  await expect(params.filter({ hasText: 'FLAVOUR' }).locator('td')).toHaveText('debug');
  await expect(params.filter({ hasText: 'deployToken' }).locator('td')).toHaveText('secret (hidden)');
  await expect(page.locator('.facts')).toContainText('feature/e2e-run');

  expect(posts).toEqual([{
    path: '/codearts/v3/jobs/build',
    body: { job_id: job, parameter: [
      { name: 'codeBranch', value: 'feature/e2e-run' },
      { name: 'isRelease', value: 'false' },
      { name: 'FLAVOUR', value: 'debug' },
    ] },
  }]);
  await guard.check();
});

test('a running CodeArts build stops once, after its confirmation, and shows it aborted', async ({ page }) => {
  const guard = guardPage(page);
  const posts = recordPosts(page, '/codearts/');
  await page.goto(`/s/codearts/jobs/${GROWING_JOB}`);
  // Run from the job page with the form as it comes: its newest build's parameters.
  await page.getByRole('button', { name: `Run ${GROWING_JOB}` }).click();
  const form = page.getByRole('dialog', { name: `Run ${GROWING_JOB}?` });
  await expect(form.getByLabel('Value of parameter 1')).toHaveValue('master');
  await form.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/s/codearts/builds/[0-9a-f-]{36}\\?job=${GROWING_JOB}$`), { timeout: 20_000 });
  const number = (await page.locator('.build-head__number').textContent()).trim();
  const label = `sim-synthetic-growing ${number}`;
  await expect(page.locator('.build-head .badge__text')).toHaveText('Running', { timeout: 20_000 });

  // Cancelling the confirmation sends nothing.
  await page.getByRole('button', { name: `Stop ${label}` }).click();
  const dialog = page.getByRole('dialog', { name: `Stop ${label}?` });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  expect(posts.filter((p) => p.path.endsWith('/stop'))).toEqual([]);

  await page.getByRole('button', { name: `Stop ${label}` }).click();
  await expect(dialog.getByRole('button', { name: 'Stop', exact: true })).toBeFocused();
  await dialog.getByRole('button', { name: 'Stop', exact: true }).dblclick();
  await expect(page.locator('.action-outcome')).toContainText(`Stop ${label}: accepted by CodeArts`);
  await expect(page.locator('.build-head .badge__text')).toHaveText('Cancelled', { timeout: 20_000 });
  await expect(page.getByRole('button', { name: `Stop ${label}` })).toHaveCount(0);
  expect(posts.filter((p) => p.path.endsWith('/stop'))).toEqual([
    { path: `/codearts/v3/jobs/${GROWING_JOB}/${number.slice(1)}/stop`, body: {} },
  ]);
  await guard.check();
});

test('a ServiceStage job starts a build once and opens it', async ({ page }) => {
  // The first read is answered 401 (no token yet): that is what asks for it.
  const guard = guardPage(page, { allowHttpErrors: true });
  const posts = recordPosts(page, '/servicestage/');
  const [id, name] = SS_JOBS.success;
  await page.goto(`/s/servicestage/jobs/${id}?name=${name}`);
  await enterToken(page);
  await expect(page.locator('tr.history-row').first()).toBeVisible();
  await page.getByRole('button', { name: `Start build ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Start build ${name}?` });
  await dialog.getByRole('button', { name: 'Start build', exact: true }).dblclick();
  await expect(page).toHaveURL(/\/s\/servicestage\/builds\/ss0bld\d{34}$/, { timeout: 20_000 });
  await expect(page.locator('.build-head__builder')).toHaveText(name);
  const buildId = new URL(page.url()).pathname.split('/').pop();
  expect(posts).toEqual([{ path: `/servicestage/assembling/v1/jobs/${id}/builds`, body: {} }]);
  // It is the newest build of the job.
  await page.goBack();
  await expect(page.locator('tr.history-row').first()).toHaveAttribute('data-build', buildId);
  await guard.check();
});
