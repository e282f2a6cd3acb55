// The grid over changes (Buildbot's grid and console views) against the real master: the
// harness sent six changes (five on main, one on release), each built by three builders;
// builders as rows, changes as columns newest first, each cell that builder's build of that
// change; branch and tag filters in the URL; a new change shows up live.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { api, guardPage } from './helpers.mjs';

const BUILDBOT = `${process.env.BUILDSCOPE_CACHE || `${os.homedir()}/.cache/buildscope`}/bb-venv/bin/buildbot`;

async function buildsOf(changes) {
  const out = new Map();
  for (const c of changes) out.set(c.changeid, (await api(`changes/${c.changeid}/builds`)).builds);
  return out;
}

test('the grid: one cell per builder × change, newest change first; branch and tag filters in the URL; live', async ({ page }) => {
  test.setTimeout(90_000);
  const guard = guardPage(page);
  // Buildbot sends the newest changes oldest first (its database layer reverses them).
  const { changes } = await api('changes?order=-changeid&limit=10');
  changes.sort((a, b) => b.changeid - a.changeid);
  expect(changes.filter((c) => c.branch === 'main').length).toBeGreaterThanOrEqual(5);
  const built = await buildsOf(changes);
  const { builders } = await api('builders');
  const name = (id) => builders.find((b) => b.builderid === id).name;
  const rows = new Set([...built.values()].flat().map((b) => name(b.builderid)));
  expect(rows.size).toBeGreaterThanOrEqual(3);

  await page.goto('/s/local');
  await page.getByRole('link', { name: 'Grid', exact: true }).click();
  await expect(page).toHaveURL(/\/s\/local\/grid$/);
  const columns = page.locator('th.grid__change');
  await expect(columns).toHaveCount(changes.length);
  await expect(page.locator('tr.grid-row')).toHaveCount(rows.size);
  await expect(page.locator('td.grid-cell')).toHaveCount(rows.size * changes.length);
  await expect(columns.first()).toHaveAttribute('data-change', String(changes[0].changeid));
  await expect(columns.first()).toContainText(changes[0].revision.slice(0, 10));
  await expect(columns.first()).toContainText(changes[0].author);
  // Every cell is its builder's newest build of that change, with its status in words.
  for (const c of changes) {
    for (const b of built.get(c.changeid)) {
      const newest = built.get(c.changeid).filter((x) => x.builderid === b.builderid).sort((x, y) => y.buildid - x.buildid)[0];
      const cell = page.locator(`tr.grid-row[data-builder="${name(b.builderid)}"] td.grid-cell[data-change="${c.changeid}"]`);
      await expect(cell.getByRole('link')).toHaveAttribute('href', `/s/local/builds/${newest.buildid}`);
      await expect(cell).toContainText(`#${newest.number}`);
    }
  }

  // Branch: in the URL, kept on reload.
  await page.locator('input.grid-branch').fill('release');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page).toHaveURL(/[?&]branch=release(&|$)/);
  const release = changes.filter((c) => c.branch === 'release');
  await expect(columns).toHaveCount(release.length);
  await page.reload();
  await expect(columns).toHaveCount(release.length);
  await expect(page.locator('input.grid-branch')).toHaveValue('release');
  // Tag: only the builders that carry it.
  await page.goto('/s/local/grid?tag=linux');
  await expect(page.locator('tr.grid-row')).toHaveCount(1);
  await expect(page.locator('tr.grid-row')).toHaveAttribute('data-builder', 'linux-build');

  // A new change arrives (as a VCS hook sends it): its column appears without a reload.
  await page.goto('/s/local/grid');
  await expect(columns).toHaveCount(changes.length);
  execFileSync(BUILDBOT, ['sendchange', '--master', `127.0.0.1:${process.env.BB_PB_PORT || 19989}`, '--auth', 'change:changepw',
    '--who', 'Live Dev <live@example.invalid>', '--branch', 'main', '--revision', 'feed00001111222233334444555566667777aaaa',
    '--repository', 'https://example.invalid/repo.git', '--project', 'demo', '--comments', 'A live change', 'src/live.c']);
  await expect(columns.first()).toContainText('feed000011', { timeout: 15_000 });
  await expect(columns.first()).toContainText('Live Dev');
  await guard.check();
});
