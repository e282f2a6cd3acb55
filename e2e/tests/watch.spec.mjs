// Watch and notify: a Watch toggle on a running build; while watched, the tab title and
// favicon follow it, on every page of the app and across a reload; when it finishes, a desktop notification names
// build, result and duration. Chromium's notification permission is granted in this context;
// a spy over the browser's own Notification records what was shown (and still shows it).
import { test, expect } from '@playwright/test';
import { guardPage, startLongRunning } from './helpers.mjs';
import { CODEARTS_JOBS, SS_JOBS, enterToken, startCodeArtsBuild, startServiceStageBuild } from './sim.mjs';

test.use({ permissions: ['notifications'] });

async function spyOnNotifications(page) {
  await page.addInitScript(() => {
    const Real = window.Notification;
    window.__notifications = [];
    class Recorded extends Real {
      constructor(title, options) {
        super(title, options);
        window.__notifications.push({ title, body: options?.body ?? '' });
      }
    }
    Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
    Recorded.requestPermission = (...args) => Real.requestPermission(...args);
    window.Notification = Recorded;
  });
}

const notifications = (page) => page.evaluate(() => window.__notifications);
const favicon = (page) => page.locator('link[rel=icon]');

test('a watched Buildbot build leads the title and favicon, on any page, and is announced when it ends', async ({ page }) => {
  test.setTimeout(120_000);
  const guard = guardPage(page);
  await spyOnNotifications(page);
  const build = await startLongRunning(10);
  const label = `long-running #${build.number}`;
  await page.goto(`/s/local/builds/${build.buildid}`);
  await expect(page.locator('.build-head .badge__text')).toHaveText('Running');
  await expect(page).toHaveTitle(new RegExp(`^long-running #${build.number} — Running · buildscope$`));
  await page.getByRole('button', { name: 'Watch', exact: true }).click();
  await expect(page.locator('.watch-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('nav.watches li.watch')).toContainText(label);
  await expect(page).toHaveTitle(new RegExp(`^◐ Running ${label} · long-running`));
  await expect(favicon(page)).toHaveAttribute('href', '/favicon-running.svg');

  // Elsewhere in the app the watch goes on.
  await page.locator('.topbar a.brand').click();
  await expect(page.locator('h1')).toHaveText('Overview');
  await expect(page).toHaveTitle(`◐ Running ${label} · buildscope`);
  await expect(page.locator('nav.watches li.watch')).toContainText(label);

  // It ends: title, favicon, the watch list and one notification say how.
  await expect(page).toHaveTitle(`✓ Success ${label} · buildscope`, { timeout: 60_000 });
  await expect(favicon(page)).toHaveAttribute('href', '/favicon-success.svg');
  await expect(page.locator('nav.watches li.watch .badge__text')).toHaveText('Success');
  await expect.poll(() => notifications(page)).toHaveLength(1);
  const [shown] = await notifications(page);
  expect(shown.title).toBe(`✓ ${label}: Success`);
  expect(shown.body).toMatch(/^Success after \d+s$/);
  // Nothing more is announced: the watch has said all it will say.
  await page.waitForTimeout(5_000);
  expect(await notifications(page)).toHaveLength(1);

  // Stopping the watch gives the page its own title and favicon back.
  await page.getByRole('button', { name: `Stop watching ${label}` }).click();
  await expect(page.locator('nav.watches')).toHaveCount(0);
  await expect(page).toHaveTitle('buildscope');
  await expect(favicon(page)).toHaveAttribute('href', '/favicon.svg');
  await guard.check();
});

/** Client-side navigation: the app stays loaded (a reload would start it again). */
async function spaGo(page, path) {
  await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate', { state: null })); }, path);
}

test('CodeArts and ServiceStage builds can be watched to their end too', async ({ page }) => {
  test.setTimeout(150_000);
  // ServiceStage answers 401 until the token is typed.
  const guard = guardPage(page, { allowHttpErrors: true });
  await spyOnNotifications(page);
  const { recordId, number } = await startCodeArtsBuild(CODEARTS_JOBS.success);
  await page.goto(`/s/codearts/builds/${recordId}?job=${CODEARTS_JOBS.success}`);
  await expect(page.locator('.build-head .badge__text')).toHaveText(/Running|Queued|Pending/);
  await page.getByRole('button', { name: 'Watch', exact: true }).click();
  await expect(page.locator('nav.watches li.watch')).toContainText(`#${number}`);
  // A reload keeps the watch (the tab keeps its watches, sessionStorage) and it goes on.
  await page.reload();
  await expect(page.locator('nav.watches li.watch')).toContainText(`#${number}`);
  await expect(page.locator('.watch-toggle')).toHaveAttribute('aria-pressed', 'true');

  const ss = await startServiceStageBuild(SS_JOBS.success[0]);
  await spaGo(page, `/s/servicestage/builds/${ss}`);
  await enterToken(page);
  await expect(page.locator('.build-head .badge__text')).toHaveText(/Running|Queued|Pending/);
  await page.getByRole('button', { name: 'Watch', exact: true }).click();
  // Both are listed, each with its live status; both end and both are announced.
  const watched = page.locator('nav.watches li.watch');
  await expect(watched).toHaveCount(2);
  await expect(watched.locator('.badge__text')).toHaveText(['Success', 'Success'], { timeout: 120_000 });
  await expect.poll(() => notifications(page), { timeout: 10_000 }).toHaveLength(2);
  const titles = (await notifications(page)).map((n) => n.title);
  expect(titles).toEqual(expect.arrayContaining([
    expect.stringMatching(new RegExp(`^✓ .*#${number}: Success$`)),
    expect.stringMatching(/^✓ sim-ss-success( #\d+)?: Success$/),
  ]));
  await expect(page).toHaveTitle(/^✓ 0 running, 0 failed of 2 watched · /);
  await guard.check();
});
