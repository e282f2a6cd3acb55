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

test('the changes list shows each change with its builds; a change page lists every build of it', async ({ page }) => {
  const guard = guardPage(page);
  const { changes } = await api('changes?order=-changeid&limit=20');
  changes.sort((a, b) => b.changeid - a.changeid);
  expect(changes.length).toBeGreaterThanOrEqual(5);
  const built = await buildsOf(changes);

  await page.goto('/s/local');
  await page.getByRole('link', { name: 'Changes', exact: true }).click();
  await expect(page).toHaveURL(/\/s\/local\/changes$/);
  const items = page.locator('li.change');
  await expect(items).toHaveCount(changes.length);
  await expect(items.first()).toHaveAttribute('data-change', String(changes[0].changeid));
  // Each change lists its builders' newest builds of it, with the status in words.
  // (The newest change may still be getting its builds, say the grid spec's live one: the
  // list follows them live, so the two agree once the master's answer stops changing.)
  for (const c of changes) {
    const item = page.locator(`li.change[data-change="${c.changeid}"]`);
    const builders = async () => new Set((await api(`changes/${c.changeid}/builds`)).builds.map((b) => b.builderid)).size;
    await expect.poll(async () => (await item.locator('li.change__build').count()) === await builders(), { timeout: 15_000 }).toBe(true);
    await expect(item.locator('.change__head')).toContainText(c.author);
    for (const b of await item.locator('li.change__build').all()) await expect(b.locator('.badge__text')).not.toBeEmpty();
  }

  // One change: its message as text, who, what, where, and every build of it.
  const change = changes.find((c) => built.get(c.changeid).length >= 3 && c.comments.includes('<b>'));
  await page.locator(`li.change[data-change="${change.changeid}"] a.change__title`).click();
  await expect(page).toHaveURL(new RegExp(`/s/local/changes/${change.changeid}$`));
  await expect(page.locator('h1.change__heading')).toHaveText(change.comments.split('\n')[0]);
  await expect(page.locator('pre.change__comments')).toHaveText(change.comments);
  const facts = page.locator('dl.facts');
  for (const text of [change.revision, change.author, change.branch, change.repository]) await expect(facts).toContainText(text);
  await expect(page.locator('ul.change__files li')).toHaveText(change.files);
  const rows = page.locator('table.builds tbody tr');
  await expect(rows).toHaveCount(built.get(change.changeid).length);
  for (const b of built.get(change.changeid)) {
    await expect(page.locator(`table.builds a[href="/s/local/builds/${b.buildid}"]`)).toHaveCount(1);
  }
  // From the grid, a change's revision opens the same page.
  await page.goto('/s/local/grid');
  await page.locator(`th.grid__change[data-change="${change.changeid}"] a`).click();
  await expect(page).toHaveURL(new RegExp(`/s/local/changes/${change.changeid}$`));
  await guard.check();
});
