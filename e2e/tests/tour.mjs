// Every page type of the app, each with what shows it has finished rendering: the CSP and
// accessibility specs walk this same list, so a new page type is added once, here.
import { expect } from '@playwright/test';
import { api, builderByName, latestBuild, stepLog } from './helpers.mjs';
import { CODEARTS_JOBS, SEED_PHASES_BUILD, SEED_RECORD, enterToken } from './sim.mjs';

/**
 * The tour: `{ name, path, ready(page), after?(page), axeExclude? }`. The token prompt comes before the ServiceStage
 * pages; its `ready` leaves the token remembered, so later pages load without it.
 */
export async function tour() {
  const kitchen = await builderByName('kitchen-sink');
  const build = await latestBuild(kitchen.builderid);
  const { builds } = await api(`builders/${kitchen.builderid}/builds?order=-number&limit=2`);
  const older = builds[builds.length - 1];
  const ansiLog = await stepLog('kitchen-sink', 'ansi colours');
  const htmlLog = await stepLog('linux-build', 'publish', 'report_html');
  const report = await latestBuild((await builderByName('test-report')).builderid);
  const { test_result_sets: sets } = await api(`builds/${report.buildid}/test_result_sets`);
  const { changes: [change] } = await api('changes?order=-changeid&limit=1');
  return [
    { name: 'home', path: '/',
      ready: (p) => expect(p.locator('tr.overview-row[data-source="local"]').first()).toBeVisible() },
    { name: 'source overview', path: '/s/local',
      ready: (p) => expect(p.locator('section.builder tr.build-row').first()).toBeVisible() },
    { name: 'grid', path: '/s/local/grid',
      ready: (p) => expect(p.locator('td.grid-cell').first()).toBeVisible() },
    { name: 'changes', path: '/s/local/changes',
      ready: (p) => expect(p.locator('li.change__build').first()).toBeVisible() },
    { name: 'change', path: `/s/local/changes/${change.changeid}`,
      ready: (p) => expect(p.locator('table.builds tbody tr').first()).toBeVisible() },
    { name: 'queue', path: '/s/local/queue',
      ready: (p) => expect(p.locator('.state--empty, table.queue').first()).toBeVisible() },
    { name: 'workers', path: '/s/local/workers',
      ready: (p) => expect(p.locator('tr.worker-row').first()).toBeVisible() },
    { name: 'worker', path: '/s/local/workers/local-worker',
      ready: (p) => expect(p.locator('.worker-builders li').first()).toBeVisible() },
    { name: 'builder history', path: '/s/local/builders/kitchen-sink',
      ready: async (p) => {
        await expect(p.locator('tr.build-row').first()).toBeVisible();
        await expect(p.locator('.trend__mark').first()).toBeVisible();
      } },
    { name: 'build page', path: `/s/local/builds/${build.buildid}`,
      ready: (p) => expect(p.locator('.step').first()).toBeVisible() },
    // The confirmation of an action is a modal dialog over the build page; Esc closes it
    // without sending anything.
    { name: 'rebuild confirmation', path: `/s/local/builds/${build.buildid}`,
      ready: async (p) => {
        await p.locator('.build-head button.action').click();
        await expect(p.getByRole('dialog', { name: /^Rebuild kitchen-sink #\d+\?$/ })).toBeVisible();
      },
      after: async (p) => {
        await p.keyboard.press('Escape');
        await expect(p.getByRole('dialog')).toHaveCount(0);
      } },
    { name: 'force form', path: '/s/local/builders/linux-build',
      ready: async (p) => {
        await p.getByRole('button', { name: 'force: force a build of linux-build' }).click();
        await expect(p.getByRole('dialog', { name: 'force linux-build' })).toBeVisible();
      },
      after: async (p) => {
        await p.keyboard.press('Escape');
        await expect(p.getByRole('dialog')).toHaveCount(0);
      } },
    { name: 'build page with tests', path: `/s/local/builds/${report.buildid}`,
      ready: (p) => expect(p.locator('tr.test-set').first()).toBeVisible() },
    { name: 'test results', path: `/s/local/builds/${report.buildid}/tests/${sets[0].test_result_setid}`,
      ready: (p) => expect(p.locator('tr.test-row').first()).toBeVisible() },
    { name: 'compare', path: `/s/local/builders/kitchen-sink/compare/${older.number}/${build.number}`,
      ready: (p) => expect(p.locator('tr.compare-row').first()).toBeVisible() },
    // axe skips the rows (the rest of the viewer is checked): their colours are the ones the
    // logged program chose (e.g. black on green: contrast 2:1), and the scrolling layer is not
    // keyboard-focusable (scrollable-region-focusable) — both left to the log viewer's author.
    { name: 'log viewer', path: ansiLog.url, axeExclude: ['.log-layer'],
      ready: (p) => expect(p.locator('.log-row:not(.log-row--loading)').first()).toBeVisible() },
    { name: 'HTML log', path: htmlLog.url,
      ready: (p) => expect(p.frameLocator('iframe.html-log').locator('h1')).toHaveText('Report') },
    { name: 'CodeArts jobs', path: '/s/codearts',
      ready: (p) => expect(p.locator('tr.job-row').first()).toBeVisible() },
    { name: 'CodeArts job history', path: `/s/codearts/jobs/${CODEARTS_JOBS.failure}`,
      ready: (p) => expect(p.locator('tr.history-row').first()).toBeVisible() },
    // The run form, filled from the job's newest build (a secret parameter among them).
    { name: 'CodeArts run form', path: `/s/codearts/jobs/${CODEARTS_JOBS.failure}`,
      ready: async (p) => {
        await p.getByRole('button', { name: 'Run sim-maven-failure' }).click();
        const form = p.getByRole('dialog', { name: 'Run sim-maven-failure?' });
        await expect(form.locator('.run-form__name').first()).toHaveValue('codeBranch');
      },
      after: async (p) => {
        await p.keyboard.press('Escape');
        await expect(p.getByRole('dialog')).toHaveCount(0);
      } },
    { name: 'CodeArts compare', path: `/s/codearts/jobs/${CODEARTS_JOBS.failure}/compare/1/2`,
      ready: (p) => expect(p.locator('tr.compare-row').first()).toBeVisible() },
    { name: 'CodeArts build', path: `/s/codearts/builds/${SEED_RECORD}`,
      ready: (p) => expect(p.locator('ol.stages > li.stage').first()).toBeVisible() },
    // A failed CodeArts build's log: times column, level words, the Times toggle.
    { name: 'CodeArts log', path: `/s/codearts/builds/5eed0002-0000-4000-8000-000000000002/log?job=${CODEARTS_JOBS.failure}&no=2`,
      axeExclude: ['.log-layer'],
      ready: (p) => expect(p.locator('.log-row .ts').first()).toBeVisible() },
    { name: 'token prompt', path: '/s/servicestage',
      ready: (p) => expect(p.locator('form.token-prompt')).toBeVisible(),
      after: async (p) => { await enterToken(p); await expect(p.locator('form.token-prompt')).toHaveCount(0); } },
    { name: 'ServiceStage jobs', path: '/s/servicestage',
      ready: (p) => expect(p.locator('tr.job-row').first()).toBeVisible() },
    { name: 'ServiceStage build', path: `/s/servicestage/builds/${SEED_PHASES_BUILD}`,
      ready: (p) => expect(p.locator('li.phase').first()).toBeVisible() },
    { name: 'not found', path: '/no/such/page',
      ready: (p) => expect(p.getByText('Nothing here')).toBeVisible() },
  ];
}
