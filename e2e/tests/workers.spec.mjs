// Workers against the real master: the list says who is connected and what runs on each,
// live; a worker's page lists its builds and builders, and pauses (with a reason Buildbot
// keeps) and unpauses it, each behind a confirmation and each one request.
import { test, expect } from '@playwright/test';
import { BB_API, api, guardPage, startLongRunning } from './helpers.mjs';

async function workerControl(workerid, method) {
  const res = await fetch(`${BB_API}/workers/${workerid}`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method, id: 1, params: { reason: 'e2e cleanup' } }) });
  expect(res.ok).toBe(true);
}

test('workers: who is connected and what runs, live; pause with a reason, then unpause', async ({ page }) => {
  test.setTimeout(90_000);
  const guard = guardPage(page);
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push({ url: new URL(r.url()).pathname, body: r.postDataJSON() }); });
  const { workers: [worker] } = await api('workers/local-worker');
  const { builders } = await api('builders');

  await page.goto('/s/local');
  await page.getByRole('link', { name: 'Workers', exact: true }).click();
  await expect(page).toHaveURL(/\/s\/local\/workers$/);
  const row = page.locator('tr.worker-row[data-worker="local-worker"]');
  await expect(row.locator('.worker-state')).toHaveText('● Connected');
  await expect(row.locator('td.num')).toHaveText(String(builders.length));
  await expect(row).toContainText(worker.workerinfo.version);
  // A build that starts shows on its worker's row without a reload.
  const build = await startLongRunning(20);
  await expect(row.getByRole('link', { name: `long-running #${build.number}` })).toBeVisible({ timeout: 15_000 });

  await row.getByRole('link', { name: 'local-worker' }).click();
  await expect(page.locator('h1')).toHaveText('local-worker');
  await expect(page.locator('tr.build-row').first()).toContainText(`long-running #${build.number}`);
  await expect(page.locator('.worker-builders li')).toHaveCount(builders.length);
  await expect(page.locator('.facts')).toContainText('buildscope harness worker on 127.0.0.1');

  try {
    await page.getByRole('button', { name: 'Pause local-worker' }).click();
    const pause = page.getByRole('dialog', { name: 'Pause local-worker?' });
    await pause.getByRole('textbox', { name: /^Reason/ }).fill('disk <b>full</b>');
    await pause.getByRole('button', { name: 'Pause', exact: true }).dblclick();
    await expect(page.locator('.build-head .worker-state')).toHaveText('⏸ Paused', { timeout: 15_000 });
    await expect(page.locator('.facts')).toContainText('disk <b>full</b>');
    expect((await api('workers/local-worker')).workers[0].paused).toBe(true);

    await page.getByRole('button', { name: 'Unpause local-worker' }).click();
    await page.getByRole('dialog', { name: 'Unpause local-worker?' }).getByRole('button', { name: 'Unpause', exact: true }).click();
    await expect(page.locator('.build-head .worker-state')).toHaveText('● Connected', { timeout: 15_000 });
  } finally {
    if ((await api('workers/local-worker')).workers[0].paused) await workerControl(worker.workerid, 'unpause');
  }
  expect(posts).toEqual([
    { url: `/buildbot/api/v2/workers/${worker.workerid}`, body: { jsonrpc: '2.0', method: 'pause', id: 1, params: { reason: 'disk <b>full</b>' } } },
    { url: `/buildbot/api/v2/workers/${worker.workerid}`, body: { jsonrpc: '2.0', method: 'unpause', id: 1, params: {} } },
  ]);
  await guard.check();
});
