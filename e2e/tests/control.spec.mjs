// Control actions against the real master: rebuild a failed build and land on the new one;
// stop a running build with a reason Buildbot keeps; a cancelled confirmation sends nothing.
// Every action is one JSON-RPC POST, however often the user clicks or presses Enter.
import { test, expect } from '@playwright/test';
import { BB_API, builderByName, force, guardPage, latestBuild, startLongRunning, api } from './helpers.mjs';

/** Records the control requests (POSTs to the data API) the page sends. */
function recordPosts(page) {
  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().includes('/api/v2/')) {
      posts.push({ url: new URL(r.url()).pathname, body: r.postDataJSON() });
    }
  });
  return posts;
}

async function finishedBuild(name) {
  const builder = await builderByName(name);
  let build = await latestBuild(builder.builderid);
  if (!build || !build.complete) {
    await force(name);
    await expect.poll(async () => {
      build = await latestBuild(builder.builderid);
      return build?.complete === true;
    }, { timeout: 60_000 }).toBe(true);
  }
  return build;
}

test('rebuild a failed build: one request, then the new build opens by itself', async ({ page }) => {
  test.setTimeout(90_000);
  const guard = guardPage(page);
  const posts = recordPosts(page);
  const build = await finishedBuild('unit-tests-failing');
  const label = `unit-tests-failing #${build.number}`;
  await page.goto(`/s/local/builds/${build.buildid}`);
  await expect(page.locator('.build-head .badge__text')).toHaveText('Failure');

  await page.getByRole('button', { name: `Rebuild ${label}` }).click();
  const dialog = page.getByRole('dialog', { name: `Rebuild ${label}?` });
  await expect(dialog).toBeVisible();
  // The confirm button has the focus; a double click on it is still one rebuild.
  await expect(dialog.getByRole('button', { name: 'Rebuild', exact: true })).toBeFocused();
  await dialog.getByRole('button', { name: 'Rebuild', exact: true }).dblclick();
  await expect(dialog).toHaveCount(0);

  await expect(page.locator('.action-outcome')).toContainText(`Rebuild ${label}: requested. Build request #`);
  // The new build opens as soon as the worker starts it.
  await expect(page.locator('.build-head__number')).not.toHaveText(`#${build.number}`, { timeout: 30_000 });
  const shown = Number((await page.locator('.build-head__number').textContent()).slice(1));
  expect(shown).toBeGreaterThan(build.number);
  const { builds: [rebuilt] } = await api(`builders/${build.builderid}/builds/${shown}`);
  await expect(page).toHaveURL(new RegExp(`/s/local/builds/${rebuilt.buildid}$`));
  await expect(page.locator('.build-head .badge__text')).toHaveText('Failure', { timeout: 30_000 });

  expect(posts).toEqual([{ url: `/buildbot/api/v2/builds/${build.buildid}`, body: { jsonrpc: '2.0', method: 'rebuild', id: 1, params: {} } }]);
  await guard.check();
});

test('stop a running build with a reason; Enter twice is one stop', async ({ page }) => {
  test.setTimeout(90_000);
  const guard = guardPage(page);
  const posts = recordPosts(page);
  const build = await startLongRunning(120);
  const label = `long-running #${build.number}`;
  await page.goto(`/s/local/builds/${build.buildid}`);
  await expect(page.locator('.build-head .badge__text')).toHaveText('Running');

  await page.getByRole('button', { name: `Stop ${label}` }).click();
  const dialog = page.getByRole('dialog', { name: `Stop ${label}?` });
  const reason = dialog.getByRole('textbox', { name: /^Reason/ });
  await expect(reason).toBeFocused();
  // Live updates arrive while the user types: the dialog and the text stay.
  await reason.pressSequentially('runaway <b>job</b>', { delay: 150 });
  await expect(reason).toHaveValue('runaway <b>job</b>');
  await reason.press('Enter');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);

  await expect(page.locator('.action-outcome')).toContainText(
    `Stop ${label}: accepted by the server with the reason “runaway <b>job</b>”.`);
  await expect(page.locator('.build-head .badge__text')).toHaveText('Cancelled', { timeout: 30_000 });
  await expect(page.locator('.build-head__state')).toContainText('runaway <b>job</b>');
  // The build is over: the header now offers a rebuild instead.
  await expect(page.getByRole('button', { name: `Rebuild ${label}` })).toBeVisible();
  expect(posts).toEqual([{ url: `/buildbot/api/v2/builds/${build.buildid}`,
    body: { jsonrpc: '2.0', method: 'stop', id: 1, params: { reason: 'runaway <b>job</b>' } } }]);
  await guard.check();
});

test('a confirmation closed with Esc or Cancel sends nothing', async ({ page }) => {
  const guard = guardPage(page);
  const posts = recordPosts(page);
  const build = await finishedBuild('linux-build');
  const label = `linux-build #${build.number}`;
  await page.goto(`/s/local/builds/${build.buildid}`);
  const button = page.getByRole('button', { name: `Rebuild ${label}` });
  const dialog = page.getByRole('dialog', { name: `Rebuild ${label}?` });
  await button.click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await button.click();
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('.action-outcome')).toHaveText('');
  // Long enough for a request that left to have been seen.
  await page.waitForLoadState('networkidle');
  expect(posts).toEqual([]);
  await guard.check();
});

test('force a build with the scheduler\'s own form: a choice and a string reach the new build', async ({ page }) => {
  test.setTimeout(90_000);
  const guard = guardPage(page);
  const posts = recordPosts(page);
  const builder = await builderByName('linux-build');
  await page.goto('/s/local/builders/linux-build');
  await page.getByRole('button', { name: 'force: force a build of linux-build' }).click();
  const form = page.getByRole('dialog', { name: 'force linux-build' });
  await expect(form).toBeVisible();
  // The fields are the scheduler's, with its defaults.
  await expect(form.getByLabel('reason', { exact: true })).toHaveValue('force build');
  await expect(form.getByLabel('long-running: seconds')).toHaveValue('120');
  await expect(form.getByLabel('Flavour', { exact: true })).toHaveValue('debug');
  await expect(form.getByText('Kept as the build property `note`.')).toBeVisible();
  await form.getByLabel('Flavour', { exact: true }).selectOption('release');
  await form.getByLabel('Note', { exact: true }).fill('from e2e <i>x</i>');
  // A number that is not one is caught before anything is sent, at its field.
  const lines = form.getByLabel('biglog: lines');
  await lines.fill('many');
  await form.getByRole('button', { name: 'force', exact: true }).click();
  await expect(lines).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('biglog: lines must be a whole number')).toBeVisible();
  expect(posts).toEqual([]);
  await lines.fill('200');
  await expect(lines).toHaveAttribute('aria-invalid', 'false');
  await form.getByRole('button', { name: 'force', exact: true }).dblclick();

  // The new build opens once the worker starts it, and keeps what was typed.
  await expect(page.locator('.build-head__builder')).toHaveText('linux-build', { timeout: 30_000 });
  await page.getByRole('button', { name: /^Properties \(\d+\)$/ }).click();
  const value = (name) => page.locator(`tr.property[data-name="${name}"] .property__value`);
  await expect(value('flavour')).toHaveText('release');
  await expect(value('note')).toHaveText('from e2e <i>x</i>');
  await expect(value('lines')).toHaveText('200');
  expect(posts).toHaveLength(1);
  expect(posts[0].url).toBe('/buildbot/api/v2/forceschedulers/force');
  expect(posts[0].body).toMatchObject({ method: 'force',
    params: { builderid: builder.builderid, flavour: 'release', note: 'from e2e <i>x</i>', lines: 200, reason: 'force build' } });
  // The properties stay open across the build's live updates.
  await expect(page.locator('.build-head .badge__text')).toHaveText('Success', { timeout: 30_000 });
  await expect(value('flavour')).toBeVisible();
  await guard.check();
});

/** Stops a build through the API (the test's own cleanup, not the page's). */
async function stopBuild(buildid) {
  const res = await fetch(`${BB_API}/builds/${buildid}`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'stop', id: 1, params: { reason: 'e2e cleanup' } }) });
  expect(res.ok).toBe(true);
}

/** Starts a 90 s build of queue-demo (one build at a time) and returns it once it runs:
 *  requests made after it wait in the queue. */
async function holdQueueDemo(builder) {
  const [, first] = await force('queue-demo', { hold: 90 });
  let running;
  await expect.poll(async () => {
    [running] = (await api(`buildrequests/${first[builder.builderid]}/builds`)).builds;
    return running !== undefined;
  }, { timeout: 30_000 }).toBe(true);
  return running;
}

test('the queue: a waiting request appears live with its wait and why, and is cancelled once', async ({ page }) => {
  test.setTimeout(120_000);
  const guard = guardPage(page);
  const posts = recordPosts(page);
  const builder = await builderByName('queue-demo');
  await page.goto('/s/local/builders/queue-demo');
  await expect(page.locator('tr.build-row').first()).toBeVisible();
  await expect(page.locator('.queue-panel')).toHaveCount(0);

  // queue-demo runs one build at a time: the second request waits while the first holds.
  const running = await holdQueueDemo(builder);
  const [, second] = await force('queue-demo', { hold: 90 });
  const brid = second[builder.builderid];

  // It appears without a reload, well before the idle poll (30 s): over the websocket.
  const row = page.locator(`tr.queue-row[data-request="${brid}"]`);
  await expect(row).toBeVisible({ timeout: 10_000 });
  await expect(page.locator('#queue-title')).toHaveText('Queue: 1 waiting');
  await expect(row).toContainText('its workers are busy');
  const waited = row.locator('.queue-row__waited');
  const before = await waited.textContent();
  await expect(waited).not.toHaveText(before);

  await row.getByRole('button', { name: `Cancel request #${brid} of queue-demo` }).click();
  const dialog = page.getByRole('dialog', { name: `Cancel request #${brid} of queue-demo?` });
  await dialog.getByRole('textbox', { name: /^Reason/ }).fill('not needed');
  await dialog.getByRole('button', { name: 'Cancel request', exact: true }).dblclick();
  await expect(page.locator('.action-outcome')).toContainText(`Cancel request #${brid} of queue-demo: accepted by the server with the reason “not needed”.`);
  await expect(row).toHaveCount(0, { timeout: 15_000 });
  await expect(page.locator('.queue-panel')).toHaveCount(0);
  const { buildrequests: [request] } = await api(`buildrequests/${brid}`);
  expect(request.complete).toBe(true);
  expect(request.results).toBe(6);
  expect(posts).toEqual([{ url: `/buildbot/api/v2/buildrequests/${brid}`,
    body: { jsonrpc: '2.0', method: 'cancel', id: 1, params: { reason: 'not needed' } } }]);

  await stopBuild(running.buildid);
  await guard.check();
});

test('the master-wide queue lists every waiting request; a builder\'s whole queue is cancelled with one confirmation', async ({ page }) => {
  test.setTimeout(120_000);
  const guard = guardPage(page);
  const posts = recordPosts(page);
  const builder = await builderByName('queue-demo');
  const running = await holdQueueDemo(builder);
  const waiting = [];
  for (let i = 0; i < 2; i++) waiting.push((await force('queue-demo', { hold: 90 }))[1][builder.builderid]);

  await page.goto('/s/local');
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  await expect(page).toHaveURL(/\/s\/local\/queue$/);
  for (const id of waiting) {
    await expect(page.locator(`tr.queue-row[data-request="${id}"]`)).toContainText('queue-demo');
  }

  await page.goto('/s/local/builders/queue-demo');
  await page.getByRole('button', { name: 'Cancel all 2 waiting requests of queue-demo' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel all 2 waiting requests of queue-demo?' });
  await dialog.getByRole('button', { name: 'Cancel all', exact: true }).dblclick();
  await expect(page.locator('.queue-panel')).toHaveCount(0, { timeout: 15_000 });
  for (const id of waiting) {
    const { buildrequests: [r] } = await api(`buildrequests/${id}`);
    expect([r.complete, r.results]).toEqual([true, 6]);
  }
  expect(posts.map((p) => [p.url, p.body.method])).toEqual(waiting.map((id) => [`/buildbot/api/v2/buildrequests/${id}`, 'cancel']));

  await stopBuild(running.buildid);
  await guard.check();
});
