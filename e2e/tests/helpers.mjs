// Shared helpers: the real master's API (read directly, to compare with what the page shows)
// and guards that fail a test when the page runs injected script.
import { expect } from '@playwright/test';

export const BB_API = process.env.BB_API || 'http://127.0.0.1:18010/api/v2';

export async function api(path) {
  const res = await fetch(`${BB_API}/${path}`, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

/** Forces a build through the master's REST control API (JSON-RPC), as a user's "Force" would. */
export async function force(builderName, params = {}) {
  const res = await fetch(`${BB_API}/forceschedulers/force`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'force', id: 1,
      params: { builderNames: [builderName], reason: 'e2e', username: 'e2e <e2e@example.invalid>', ...params } }),
  });
  const body = await res.json();
  if (!res.ok || body.error) throw new Error(`force ${builderName}: HTTP ${res.status} ${JSON.stringify(body.error)}`);
  return body.result;
}

/** Forces a `long-running` build of `duration` seconds and waits until the master has started it. */
export async function startLongRunning(duration) {
  const builder = await builderByName('long-running');
  const before = await latestBuild(builder.builderid);
  await force('long-running', { duration });
  let build;
  await expect.poll(async () => {
    build = await latestBuild(builder.builderid);
    return build && build.number > (before?.number ?? 0) && build.started_at !== null && !build.complete;
  }, { timeout: 60_000 }).toBe(true);
  return build;
}

export async function builderByName(name) {
  const { builders } = await api(`builders/${name}`);
  return builders[0];
}

export async function latestBuild(builderid) {
  const { builds } = await api(`builders/${builderid}/builds?order=-number&limit=1`);
  return builds[0];
}

/** The build, step and log of `builder`'s latest build whose step is named `stepName`. A build
 * that has just started creates its steps and their logs as it reaches them, so this waits
 * until both exist (a finished build has them at once). */
export async function stepLog(builderName, stepName, slug = 'stdio') {
  const builder = await builderByName(builderName);
  const build = await latestBuild(builder.builderid);
  let step, log;
  await expect.poll(async () => {
    const { steps } = await api(`builds/${build.buildid}/steps`);
    step = steps.find((s) => s.name === stepName);
    if (!step) return false;
    const { logs } = await api(`steps/${step.stepid}/logs`);
    log = logs.find((l) => l.slug === slug);
    return Boolean(log);
  }, { timeout: 30_000, message: `${builderName} build ${build.number}: step "${stepName}" with log ${slug}` }).toBe(true);
  return { build, step, log, url: `/s/local/builds/${build.buildid}/steps/${step.number}/logs/${slug}` };
}

/** The first log of `type` (`s`, `t`, `h`) in the latest build of a builder. */
export async function findLog(builderName, type) {
  const build = await latestBuild((await builderByName(builderName)).builderid);
  const { steps } = await api(`builds/${build.buildid}/steps`);
  for (const step of steps) {
    const { logs } = await api(`steps/${step.stepid}/logs`);
    const log = logs.find((l) => l.type === type);
    if (log) return log;
  }
  throw new Error(`no log of type ${type} in ${builderName} build ${build.number}`);
}

const LABELS = { 0: 'Success', 1: 'Warnings', 2: 'Failure', 3: 'Skipped', 4: 'Exception', 5: 'Retry', 6: 'Cancelled' };

/** The badge text a user should see for a Buildbot build or step entity. */
export function expectedLabel(entity) {
  if (entity.results === null || entity.results === undefined || (entity.results === -1 && !entity.complete)) {
    return entity.started_at ? 'Running' : 'Pending';
  }
  return LABELS[entity.results] ?? `Unknown (${entity.results})`;
}

/** Fails the test on any dialog, page error or console error (injected script, crashes). */
export function guardPage(page, { allowHttpErrors = false, allowConsole = null } = {}) {
  const problems = [];
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() !== 'error') return;
    if (allowHttpErrors && m.text().startsWith('Failed to load resource')) return;
    if (allowConsole && allowConsole.test(m.text())) return;
    problems.push(`console: ${m.text()}`); });
  return {
    problems,
    async check() {
      expect(await page.evaluate(() => window.__xss)).toBeUndefined();
      expect(problems).toEqual([]);
    },
  };
}
