// Buildbot's own auth and authz, against the harness's second master (BB_AUTH=1: nothing is
// readable without signing in; "viewer" may read, "admin" may also control), proxied by the
// same nginx recipe under /buildbot-auth/ beside the master without auth under /buildbot/.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { guardPage } from './helpers.mjs';

const AUTH_API = process.env.BB_AUTH_API || 'http://127.0.0.1:18011/api/v2';
const SOURCE = { id: 'secure', kind: 'buildbot', name: 'Secure Buildbot', url: '/buildbot-auth/' };

/** The app's config plus the master with auth. */
async function withSecureSource(page) {
  await page.route('**/config.json', async (route) => {
    const config = await (await route.fetch()).json();
    config.sources.push(SOURCE);
    await route.fulfill({ json: config });
  });
}

/** The test's own admin session on the master (Buildbot's sign-in: Basic credentials). */
let adminCookie;
async function admin(path, init = {}) {
  if (!adminCookie) {
    const res = await fetch(AUTH_API.replace(/api\/v2$/, 'auth/login'), { redirect: 'manual',
      headers: { Authorization: `Basic ${Buffer.from('admin:admin-pass').toString('base64')}` } });
    // Buildbot sets the anonymous session first, then the signed-in one: the last counts.
    adminCookie = res.headers.getSetCookie().at(-1).split(';')[0];
  }
  const res = await fetch(`${AUTH_API}/${path}`, { ...init,
    headers: { Cookie: adminCookie, 'Content-Type': 'application/json', Accept: 'application/json', ...init.headers } });
  const body = await res.json();
  if (!res.ok || body.error) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(body.error)}`);
  return body;
}

async function adminForce(builder, params = {}) {
  const { builders: [b] } = await admin(`builders/${builder}`);
  const { result: [, requests] } = await admin('forceschedulers/force', { method: 'POST',
    body: JSON.stringify({ jsonrpc: '2.0', method: 'force', id: 1, params: { builderNames: [builder], ...params } }) });
  let build;
  await expect.poll(async () => {
    [build] = (await admin(`buildrequests/${requests[b.builderid]}/builds`)).builds;
    return build !== undefined;
  }, { timeout: 30_000 }).toBe(true);
  return build;
}

// The pages of a master that refuses anonymous readers: its 403s (and its websocket's) are
// the point of the first test; every other console error still fails.
const refusals = { allowHttpErrors: true, allowConsole: /WebSocket connection to '.*\/buildbot-auth\/ws' failed/ };

async function signIn(page, user, password) {
  await page.getByRole('button', { name: 'Sign in to Secure Buildbot' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Sign in to Secure Buildbot' });
  await expect(dialog.getByLabel('Username')).toBeFocused();
  await dialog.getByLabel('Username').fill(user);
  await dialog.getByLabel('Password').fill(password);
  await dialog.getByRole('button', { name: 'Sign in', exact: true }).click();
  return dialog;
}

test('a master that wants a sign-in says so on every page, instead of a wall of errors', async ({ page }) => {
  const guard = guardPage(page, refusals);
  await withSecureSource(page);
  for (const path of ['/s/secure', '/s/secure/builders/linux-build', '/s/secure/builds/1']) {
    await page.goto(path);
    await expect(page.locator('.sign-in-prompt').first()).toContainText('Secure Buildbot wants you to sign in');
    await expect(page.locator('.state--error')).toHaveCount(0);
  }
  await expect(page.getByRole('button', { name: 'Sign in to Secure Buildbot' }).first()).toBeVisible();
  // The master without auth is untouched by it.
  await page.goto('/s/local');
  await expect(page.locator('section.builder').first()).toBeVisible();
  await guard.check();
});

test('a wrong password is refused in the dialog; the right one signs in, and each master keeps its own session', async ({ page }) => {
  const guard = guardPage(page, refusals);
  await withSecureSource(page);
  await page.goto('/s/secure');
  const dialog = await signIn(page, 'viewer', 'wrong');
  await expect(dialog.getByRole('alert')).toContainText('Secure Buildbot: HTTP 401: the username or password was not accepted');
  await dialog.getByLabel('Password').fill('viewer-pass');
  await dialog.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('.sessions')).toContainText('Secure Buildbot: signed in as viewer');
  await expect(page.locator('section.builder[data-builder="linux-build"]')).toBeVisible();
  // The master without auth answers with its own (anonymous) session cookie: scoped by the
  // recipe to its prefix, it leaves the other master's session alone.
  await page.goto('/s/local');
  await expect(page.locator('section.builder').first()).toBeVisible();
  await page.goto('/s/secure');
  await expect(page.locator('section.builder[data-builder="linux-build"]')).toBeVisible();
  await expect(page.locator('.sessions')).toContainText('signed in as viewer');
  const cookies = await page.context().cookies();
  expect(cookies.filter((c) => c.name === 'TWISTED_SESSION').map((c) => c.path).sort()).toEqual(['/buildbot-auth/', '/buildbot/']);
  expect(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage))).not.toContain('viewer-pass');

  await page.getByRole('button', { name: 'Sign out of Secure Buildbot' }).click();
  await expect(page.locator('.sign-in-prompt').first()).toBeVisible();
  await guard.check();
});

test('a viewer sees actions disabled with the reason; an admin rebuilds and stops', async ({ page }) => {
  test.setTimeout(120_000);
  const guard = guardPage(page, refusals);
  await withSecureSource(page);
  const done = await adminForce('unit-tests-failing');
  await expect.poll(async () => (await admin(`builds/${done.buildid}`)).builds[0].complete, { timeout: 30_000 }).toBe(true);

  await page.goto(`/s/secure/builds/${done.buildid}`);
  await signIn(page, 'viewer', 'viewer-pass');
  const reason = "Secure Buildbot does not let viewer control builds: you need to have role 'admins'.";
  await expect(page.locator('.build-head .action-blocked')).toHaveText(reason);
  await expect(page.getByRole('button', { name: `Rebuild unit-tests-failing #${done.number}` })).toBeDisabled();
  await page.goto('/s/secure/builders/linux-build');
  await expect(page.getByRole('button', { name: 'force: force a build of linux-build' })).toBeDisabled();
  await expect(page.locator('.force-buttons .action-blocked')).toHaveText(reason);

  await page.getByRole('button', { name: 'Sign out of Secure Buildbot' }).click();
  await expect(page.locator('.sign-in-prompt').first()).toBeVisible();
  await signIn(page, 'admin', 'admin-pass');
  await expect(page.locator('.sessions')).toContainText('signed in as admin');
  await page.goto(`/s/secure/builds/${done.buildid}`);
  await page.getByRole('button', { name: `Rebuild unit-tests-failing #${done.number}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rebuild', exact: true }).click();
  await expect(page.locator('.build-head__number')).not.toHaveText(`#${done.number}`, { timeout: 30_000 });
  await expect(page).not.toHaveURL(new RegExp(`/builds/${done.buildid}$`));

  const running = await adminForce('long-running', { duration: 60 });
  await page.goto(`/s/secure/builds/${running.buildid}`);
  await page.getByRole('button', { name: `Stop long-running #${running.number}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(page.locator('.build-head .badge__text')).toHaveText('Cancelled', { timeout: 30_000 });
  await guard.check();
});

test("an action the master refuses (the session ended behind the page's back) says so with its 403, and is not offered again", async ({ page }) => {
  test.setTimeout(90_000);
  const guard = guardPage(page, refusals);
  await withSecureSource(page);
  const done = await adminForce('unit-tests-failing');
  await expect.poll(async () => (await admin(`builds/${done.buildid}`)).builds[0].complete, { timeout: 30_000 }).toBe(true);
  await page.goto(`/s/secure/builds/${done.buildid}`);
  await signIn(page, 'admin', 'admin-pass');
  const rebuild = page.getByRole('button', { name: `Rebuild unit-tests-failing #${done.number}` });
  await expect(rebuild).toBeEnabled();
  // Signed out elsewhere (another tab, the session's end): the page still offers the action.
  await page.request.get('/buildbot-auth/auth/logout', { maxRedirects: 0 });
  await rebuild.click();
  await page.getByRole('dialog').getByRole('button', { name: 'Rebuild', exact: true }).click();
  const failed = page.locator('.action-outcome--failed');
  await expect(failed).toContainText(`Rebuild unit-tests-failing #${done.number} did not happen:`);
  await expect(failed).toContainText('Secure Buildbot');
  await expect(failed).toContainText('HTTP 403');
  await expect(failed).toContainText("you need to have role 'admins'");
  // Not offered again: no enabled Rebuild (disabled with the reason, or a sign-in prompt).
  await expect(page.getByRole('button', { name: `Rebuild unit-tests-failing #${done.number}`, disabled: false })).toHaveCount(0);
  await guard.check();
});

test("a worker's graceful shutdown, confirmed, takes it offline (the master with auth's own worker, started again after)", async ({ page }) => {
  test.setTimeout(120_000);
  const guard = guardPage(page, refusals);
  await withSecureSource(page);
  const { workers: [worker] } = await admin('workers/local-worker');
  expect(worker.connected_to.length).toBeGreaterThan(0);
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST') posts.push({ url: new URL(r.url()).pathname, method: r.postDataJSON()?.method }); });
  await page.goto('/s/secure/workers/local-worker');
  await signIn(page, 'admin', 'admin-pass');
  await expect(page.locator('.build-head .worker-state')).toHaveText('● Connected');
  try {
    await page.getByRole('button', { name: 'Shut down local-worker' }).click();
    const dialog = page.getByRole('dialog', { name: 'Shut down local-worker?' });
    await dialog.getByRole('button', { name: 'Shut down', exact: true }).dblclick();
    // Nothing runs on it, so it goes at once; the page follows it live.
    await expect(page.locator('.build-head .worker-state')).toHaveText('○ Offline', { timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'Shut down local-worker' })).toHaveCount(0);
    expect((await admin('workers/local-worker')).workers[0].connected_to).toEqual([]);
    // One shutdown for the double click (besides the sign-in's one authz probe).
    expect(posts.filter((p) => p.url.endsWith(`/workers/${worker.workerid}`))).toEqual([
      { url: `/buildbot-auth/api/v2/workers/${worker.workerid}`, method: 'stop' },
    ]);
  } finally {
    // The worker process has exited: bb.sh starts it again and waits until it is connected.
    execFileSync('bash', [fileURLToPath(new URL('../../harness/buildbot/bb.sh', import.meta.url)), 'start', process.env.BB_AUTH_DIR],
      { stdio: 'ignore', timeout: 90_000 });
  }
  await expect(page.locator('.build-head .worker-state')).toHaveText('● Connected', { timeout: 30_000 });
  await guard.check();
});
