import { test, expect } from '@playwright/test';
import { guardPage } from './helpers.mjs';

test('a build the master does not have shows the source, HTTP status and server message', async ({ page }) => {
  const guard = guardPage(page, { allowHttpErrors: true });
  await page.goto('/s/local/builds/999999');
  const alert = page.getByRole('alert');
  await expect(alert.locator('.state__title')).toContainText('Local Buildbot: HTTP 404');
  await expect(alert.locator('.error__message')).toContainText('not found');
  await expect(alert).toContainText('/buildbot/api/v2/builds/999999');
  await guard.check();
});

test('a missing config.json is a clear on-page error', async ({ page }) => {
  await page.route('**/config.json', (route) => route.fulfill({ status: 404, contentType: 'text/html', body: '<h1>404 Not Found</h1>' }));
  await page.goto('/');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Configuration error');
  await expect(alert).toContainText('could not load config.json');
  await expect(alert).toContainText('HTTP 404');
});

test('a malformed config.json names the problem', async ({ page }) => {
  await page.route('**/config.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"sources": [' }));
  await page.goto('/s/local');
  await expect(page.getByRole('alert')).toContainText('malformed JSON');
});

test('a config entry with a bad URL names the field', async ({ page }) => {
  await page.route('**/config.json', (route) => route.fulfill({
    status: 200, contentType: 'application/json',
    body: JSON.stringify({ sources: [{ id: 'x', kind: 'buildbot', url: 'javascript:alert(1)' }] }),
  }));
  await page.goto('/');
  await expect(page.getByRole('alert')).toContainText('sources[0].url');
});

test('unknown sources and paths get a designed empty state', async ({ page }) => {
  await page.goto('/s/nope');
  await expect(page.getByText('Unknown source')).toBeVisible();
  await page.goto('/no/such/page');
  await expect(page.getByText('Nothing here')).toBeVisible();
});
