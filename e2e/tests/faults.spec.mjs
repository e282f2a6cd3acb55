// The fault matrix: every fault a dashboard meets in the wild, against each of the five views,
// as the user sees it. Buildbot faults come from a fault-injecting proxy (faultproxy.mjs) in
// front of nginx and the real master; CodeArts and ServiceStage faults from the simulator's own
// fault API (its documented error envelopes), except connection refused, wrong field types and
// replayed old answers, which the proxy makes for every source. Each cell checks: a clear error
// (source, HTTP status, server code), retries while the fault is transient, recovery on its own
// once the fault clears, and never older data over newer. The table is printed at the end.
import { test, expect } from '@playwright/test';
import fs from 'node:fs';
import { startFaultProxy } from './faultproxy.mjs';
import { guardPage, startLongRunning, stepLog, builderByName } from './helpers.mjs';
import {
  CODEARTS_JOBS, CODEARTS_PROJECT, SEED_PHASES_BUILD, SEED_RECORD, SIM_TOKEN, SS_JOBS,
  addFault, clearFaults, enterToken, ssBuildId, startCodeArtsBuild, startServiceStageBuild,
} from './sim.mjs';

test.describe.configure({ mode: 'serial' });

const TIMEOUT_S = 4; // the sources' request timeout in this run (config `timeout_s`)
let proxy;
const table = {}; // view → fault → cell text

const FAULTS = ['500', 'html502', 'hang', 'refused', 'truncated', 'wrongtypes', '401', 'throttle', 'stale', 'ws drop'];
const TRANSIENT = new Set(['500', 'html502', 'hang', 'refused', 'throttle']);

const SOURCES = {
  buildbot: 'Local Buildbot',
  codearts: 'CodeArts Build',
  servicestage: 'ServiceStage',
};

// What the headline of the error must say, per fault and system.
function expected(fault, system) {
  switch (fault) {
    case '500': return {
      buildbot: /HTTP 500$/, codearts: /HTTP 500 \(CB\.00060101\)/, servicestage: /HTTP 500 \(SVCSTG\.CPE\.5004500\)/,
    }[system];
    case 'html502': return /HTTP 502/;
    case 'hang': return /no answer in time/;
    case 'refused': return /cannot reach the server/;
    case 'truncated': return /unreadable response/;
    case '401': return system === 'buildbot' ? /HTTP 401$/ : /HTTP 401 \(APIGW\.0301\)/;
    case 'throttle': return {
      buildbot: /HTTP 429$/, codearts: /HTTP 400 \(CB\.00060211\)/, servicestage: /HTTP 429 \(APIGW\.0308\)/,
    }[system];
    default: return null;
  }
}

// Simulator faults (its own envelopes) for the Huawei views.
const SIM_FAULT = {
  500: ['500'], html502: ['html502'], hang: ['slow', { delay_ms: 120_000 }], truncated: ['malformed'],
  401: ['401'], throttle: ['throttle'],
};
const PROXY_FAULT = { 500: '500', html502: 'html502', hang: 'hang', truncated: 'truncate', wrongtypes: 'wrongtypes', 401: '401', throttle: 'throttle' };

// The app's not-found page: it reads no source, so each cell starts from silence.
const QUIET = '/no/such/page';

/** Client-side navigation (the app stays loaded, so it keeps running while the port is closed). */
async function spaGo(page, path) {
  await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate', { state: null })); }, path);
}

async function simHits() {
  const res = await fetch(`${process.env.SIM_URL || 'http://127.0.0.1:18090'}/__sim/faults`, { headers: { 'X-Auth-Token': SIM_TOKEN } });
  const list = await res.json();
  return (Array.isArray(list) ? list : list.faults || []).reduce((n, f) => n + (f.hits || 0), 0);
}

const VIEWS = {
  'builds list': {
    system: 'buildbot', match: '/buildbot/api/v2/',
    path: async () => '/s/local/builders/kitchen-sink',
    ready: async (page) => { await expect(page.locator('tr.build-row').first()).toBeVisible({ timeout: 40_000 }); },
  },
  'build page': {
    system: 'buildbot', match: '/buildbot/api/v2/',
    path: async () => `/s/local/builds/${(await stepLog('kitchen-sink', 'ansi colours')).build.buildid}`,
    ready: async (page) => { await expect(page.locator('li.step').first()).toBeVisible({ timeout: 40_000 }); },
  },
  'stage map': {
    system: 'codearts', match: 'full-stages',
    path: async () => `/s/codearts/builds/${SEED_RECORD}`,
    ready: async (page) => { await expect(page.locator('ol.stages > li.stage')).toHaveCount(5, { timeout: 40_000 }); },
  },
  'phase strip': {
    system: 'servicestage', match: '/phases',
    path: async () => `/s/servicestage/builds/${SEED_PHASES_BUILD}`,
    ready: async (page) => { await expect(page.locator('li.phase')).toHaveCount(6, { timeout: 40_000 }); },
  },
  'log viewer': {
    system: 'buildbot', match: '/contents',
    path: async () => (await stepLog('kitchen-sink', 'ansi colours')).url,
    ready: async (page) => {
      await expect(page.locator('.log-row[data-line="3"] .lt')).not.toBeEmpty({ timeout: 40_000 });
    },
  },
  // The home overview across all three sources: faults hit CodeArts' job list; its card shows
  // the error and retries while the Buildbot and ServiceStage rows stay listed.
  'overview': {
    system: 'codearts', match: `${CODEARTS_PROJECT}/jobs`,
    path: async () => '/',
    alert: (page) => page.locator('li.source-card[data-source="codearts"]').getByRole('alert'),
    during: async (page) => {
      for (const s of ['local', 'servicestage']) {
        await expect(page.locator(`tr.overview-row[data-source="${s}"]`).first()).toBeVisible({ timeout: 40_000 });
      }
    },
    ready: async (page) => {
      await expect(page.locator('tr.overview-row[data-source="codearts"]').first()).toBeVisible({ timeout: 40_000 });
    },
  },
  // The Huawei logs, read by byte offset (CodeArts v1/v3 real-time-log, ServiceStage logs):
  // faults hit the log reads only, the page's other requests go through.
  'log viewer (CodeArts)': {
    system: 'codearts', match: '/v1/log/',
    path: async () => `/s/codearts/builds/5eed0001-0000-4000-8000-000000000001/log?job=${CODEARTS_JOBS.success}&no=1`,
    ready: async (page) => {
      await expect(page.locator('.log-row[data-line="3"] .lt')).not.toBeEmpty({ timeout: 40_000 });
    },
  },
  'log viewer (ServiceStage)': {
    system: 'servicestage', match: '/logs',
    path: async () => `/s/servicestage/builds/${ssBuildId(1, 1)}/log`,
    ready: async (page) => {
      await expect(page.locator('.log-row[data-line="3"] .lt')).not.toBeEmpty({ timeout: 40_000 });
    },
  },
};

test.beforeAll(async () => {
  proxy = await startFaultProxy({
    upstream: process.env.E2E_BASE_URL || 'http://127.0.0.1:18080',
    configPatch: (c) => ({ ...c, sources: c.sources.map((s) => ({ ...s, timeout_s: TIMEOUT_S })) }),
  });
});

test.afterEach(async () => {
  proxy.clear();
  await proxy.accept().catch(() => {});
  await clearFaults();
});

test.afterAll(async () => {
  await proxy?.close();
  const views = Object.keys(VIEWS).filter((v) => table[v]);
  if (!views.length) return;
  const rows = FAULTS.map((f) => [f, ...views.map((v) => table[v]?.[f] ?? '—')]);
  const head = ['fault', ...views];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  const out = ['', `Fault matrix: "error" = an alert naming source, HTTP status and server code; "N tries" = requests while the fault lasted; "recovered" = the view came back by itself once the fault cleared; "kept newer" = replayed older answers never replaced what was shown (request timeout ${TIMEOUT_S} s)`,
    line(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.map(line), ''].join('\n');
  console.log(out);
  if (process.env.FAULT_MATRIX_OUT) fs.writeFileSync(process.env.FAULT_MATRIX_OUT, out);
});

/** One error cell: fault on, navigate, read the error, watch retries, fault off, recovery. */
async function errorCell(page, view, fault) {
  const v = VIEWS[view];
  const path = await v.path();
  // A page that asks no source first, and wait until it is on screen: the view is mounted
  // afresh for this cell, and nothing else is in flight when the fault starts. (Not home: the
  // overview there reads every source, Buildbot's websocket too, and a fault that closes the
  // port would cut that socket mid-handshake, which the browser reports as a console error.)
  await spaGo(page, QUIET);
  await expect(page.locator('h1')).toBeAttached();
  let hits = () => 0;
  if (fault === 'refused') {
    // A closed port has nobody to count tries: the browser reports each refused request.
    let refused = 0;
    page.on('requestfailed', (r) => { if (r.url().includes(`/${v.system}/`)) refused++; });
    hits = async () => refused;
    await proxy.refuse();
  } else if (v.system !== 'buildbot' && SIM_FAULT[fault]) {
    const [kind, extra] = SIM_FAULT[fault];
    await addFault(v.match, kind, extra);
    hits = simHits;
  } else {
    const rule = proxy.add(v.match, PROXY_FAULT[fault]);
    hits = async () => rule.hits;
  }
  await spaGo(page, path);
  const notes = [];
  if (fault === 'wrongtypes') {
    // Odd types are tolerated where the meaning is clear ("12" for 12); otherwise a clear
    // decode error. Either way the page keeps working.
    const alert = v.alert ? v.alert(page) : page.getByRole('alert');
    const shown = await Promise.race([
      v.ready(page).then(() => 'tolerated'),
      expect(alert.locator('.state__title')).toHaveText(new RegExp(`^⚠ ${SOURCES[v.system]}: .*unreadable response`), { timeout: 40_000 }).then(() => 'decode error'),
    ]);
    notes.push(shown);
  } else {
    const alert = v.alert ? v.alert(page) : page.getByRole('alert');
    const title = alert.locator('.state__title').first();
    await expect(title).toHaveText(new RegExp(`${SOURCES[v.system]}: `), { timeout: 40_000 });
    await expect(title).toHaveText(expected(fault, v.system));
    notes.push('error');
    if (fault === 'html502') await expect(alert.first()).toContainText('HTML page instead of JSON');
    // Every other source keeps answering (a refused port refuses them all).
    if (v.during && fault !== 'refused') {
      await v.during(page);
      notes.push('others listed');
    }
    if (TRANSIENT.has(fault)) {
      await expect.poll(hits, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
      notes.push(`${await hits()} tries`);
    }
  }
  if (fault === 'refused') await proxy.accept(); else { proxy.clear(); await clearFaults(); }
  await v.ready(page);
  await expect(page.getByRole('alert')).toHaveCount(0, { timeout: 40_000 });
  notes.push('recovered');
  return notes.join(' · ');
}

async function runCells(page, view, faults) {
  const failures = [];
  table[view] ??= {};
  for (const fault of faults) {
    try {
      table[view][fault] = await errorCell(page, view, fault);
    } catch (e) {
      table[view][fault] = 'FAILED';
      console.log(`${view} × ${fault} failed; the page said:\n${await page.locator('body').innerText().catch(() => '?')}`);
      failures.push(`${view} × ${fault}: ${brief(e)}`);
    } finally {
      proxy.clear();
      await proxy.accept().catch(() => {});
      await clearFaults();
    }
  }
  return failures;
}

const ERROR_FAULTS = ['500', 'html502', 'hang', 'refused', 'truncated', 'wrongtypes', '401', 'throttle'];

async function openApp(page) {
  await page.goto(`${proxy.url}/`);
  await expect(page.locator('main')).toBeVisible();
}

/** Samples a number from the page every 100 ms (what "never older over newer" is judged on). */
async function sample(page, fnSource) {
  await page.evaluate((src) => {
    const f = new Function(`return (${src})()`);
    window.__samples = [];
    window.__sampler = setInterval(() => { const v = f(); if (v !== null) window.__samples.push(v); }, 100);
  }, fnSource);
  return async () => page.evaluate(() => { clearInterval(window.__sampler); return window.__samples; });
}

/** The first lines of a failed expectation, for the list of failed cells. */
const brief = (e) => String(e.message).split('\n').slice(0, 12).join(' | ');

const nonDecreasing = (xs) => xs.every((x, i) => i === 0 || x >= xs[i - 1]);

for (const view of ['builds list', 'build page', 'log viewer']) {
  test(`fault matrix: ${view} (Buildbot)`, async ({ page }) => {
    test.setTimeout(420_000);
    const guard = guardPage(page, { allowHttpErrors: true, allowConsole: /WebSocket|ERR_CONNECTION_REFUSED|net::/ });
    await openApp(page);
    const failures = await runCells(page, view, ERROR_FAULTS);

    // Older after newer: a build finishes while watched; then every answer is replayed from
    // the first one seen (the build still running) and a websocket reconnect makes the page
    // fetch again (a log page polls while its log grows). The page must keep the newer data.
    try {
      const build = await startLongRunning(view === "log viewer" ? 12 : 6);
      const builder = await builderByName('long-running');
      if (view === 'log viewer') {
        const { url } = await stepLog('long-running', 'slow step');
        await spaGo(page, url);
        const lines = page.locator('.log-status');
        await expect.poll(async () => parseInt((await lines.textContent()).replace(/,/g, ''), 10), { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
        const stop = await sample(page, "() => { const t = document.querySelector('.log-status')?.textContent; return t ? parseInt(t.replace(/,/g, ''), 10) : null; }");
        const rule = proxy.add('/buildbot/api/v2/', 'stale');
        await expect.poll(() => rule.replayed, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
        proxy.clear();
        await expect(page.locator('.log-row').filter({ hasText: /done after 12 ticks/ })).toHaveCount(1, { timeout: 40_000 });
        const samples = await stop();
        expect(samples.length).toBeGreaterThan(10);
        expect(nonDecreasing(samples), `line counts went back: ${samples.join(',')}`).toBe(true);
        table[view].stale = `kept newer · ${rule.replayed} replays · ${samples[0]}→${samples.at(-1)} lines`;
      } else {
        const where = view === 'builds list' ? `/s/local/builders/${builder.builderid}` : `/s/local/builds/${build.buildid}`;
        const badge = view === 'builds list'
          ? `tr.build-row[data-number="${build.number}"] .badge__text` : '.build-head .badge__text';
        await spaGo(page, where);
        await expect(page.locator(badge)).toHaveText('Running', { timeout: 20_000 });
        await expect(page.locator(badge)).toHaveText('Success', { timeout: 40_000 });
        await expect(page.locator('.live')).toContainText('Live');
        const stop = await sample(page, `() => document.querySelector(${JSON.stringify(badge)})?.textContent ?? null`);
        const rule = proxy.add('/buildbot/api/v2/', 'stale');
        proxy.dropWebsockets();
        await expect.poll(() => rule.replayed, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
        await page.waitForTimeout(1500);
        proxy.clear();
        const samples = await stop();
        expect(samples.length).toBeGreaterThan(10);
        expect(samples.filter((s) => s !== 'Success'), 'an older answer replaced Success').toEqual([]);
        table[view].stale = `kept newer · ${rule.replayed} replays · stayed Success`;
      }
    } catch (e) {
      table[view].stale = 'FAILED';
      failures.push(`${view} × stale: ${brief(e)}`);
    } finally { proxy.clear(); }

    // Websocket drop: the live connection is cut and refused while a build runs. The page says
    // so, keeps up by polling, and goes live again once websockets are back.
    try {
      const build = await startLongRunning(view === 'log viewer' ? 16 : 8);
      if (view === 'log viewer') {
        const { url } = await stepLog('long-running', 'slow step');
        await spaGo(page, url);
        await expect(page.locator('.log-row').filter({ hasText: /tick 1\/16/ })).toHaveCount(1, { timeout: 30_000 });
        await expect(page.locator('.live')).toContainText('Live');
        const rule = proxy.add('/ws', 'ws');
        proxy.dropWebsockets();
        await expect(page.locator('.live')).toContainText('Reconnecting… (polling meanwhile)', { timeout: 15_000 });
        const before = await page.locator('.log-status').textContent();
        // Lines keep arriving by polling while the websocket is down.
        await expect(page.locator('.log-status')).not.toHaveText(before, { timeout: 20_000 });
        proxy.clear();
        await expect(page.locator('.log-row').filter({ hasText: /done after 16 ticks/ })).toHaveCount(1, { timeout: 40_000 });
        table[view]['ws drop'] = `"Reconnecting…" · polled · ${rule.hits} refused · done`;
      } else {
        const where = view === 'builds list' ? '/s/local/builders/long-running' : `/s/local/builds/${build.buildid}`;
        const badge = view === 'builds list'
          ? `tr.build-row[data-number="${build.number}"] .badge__text` : '.build-head .badge__text';
        await spaGo(page, where);
        await expect(page.locator(badge)).toHaveText('Running', { timeout: 20_000 });
        await expect(page.locator('.live')).toContainText('Live');
        const rule = proxy.add('/ws', 'ws');
        proxy.dropWebsockets();
        await expect(page.locator('.live')).toContainText('Reconnecting… (polling meanwhile)', { timeout: 15_000 });
        await expect(page.locator(badge)).toHaveText('Success', { timeout: 40_000 });
        proxy.clear();
        await expect(page.locator('.live')).toContainText('Live', { timeout: 40_000 });
        table[view]['ws drop'] = `"Reconnecting…" · polled · ${rule.hits} refused · live`;
      }
    } catch (e) {
      table[view]['ws drop'] = 'FAILED';
      failures.push(`${view} × ws drop: ${brief(e)}`);
    } finally { proxy.clear(); }

    expect(failures).toEqual([]);
    await guard.check();
  });
}

for (const [view, system] of [['stage map', 'codearts'], ['phase strip', 'servicestage']]) {
  test(`fault matrix: ${view} (${system === 'codearts' ? 'CodeArts' : 'ServiceStage'}, simulator)`, async ({ page }) => {
    test.setTimeout(420_000);
    const guard = guardPage(page, { allowHttpErrors: true, allowConsole: /ERR_CONNECTION_REFUSED|net::/ });
    await openApp(page);
    if (system === 'servicestage') {
      await spaGo(page, await VIEWS[view].path());
      await enterToken(page);
      await VIEWS[view].ready(page);
    }
    const failures = await runCells(page, view, ERROR_FAULTS);

    // Older after newer: a running build is watched until some parts are done; then every
    // answer is the first one seen (fewer parts done) until the fault clears. The count of
    // finished parts on screen must never go down.
    try {
      const part = system === 'codearts' ? 'ol.stages > li.stage' : 'li.phase';
      const id = system === 'codearts'
        ? (await startCodeArtsBuild(CODEARTS_JOBS.success)).recordId
        : await startServiceStageBuild(SS_JOBS.success[0]);
      await spaGo(page, `/s/${system}/builds/${id}`);
      const done = page.locator(`${part}[data-status="success"]`);
      await expect.poll(() => done.count(), { timeout: 40_000 }).toBeGreaterThanOrEqual(2);
      const stop = await sample(page, `() => document.querySelectorAll(${JSON.stringify(`${part}[data-status="success"]`)}).length`);
      const rule = proxy.add(`/${system}/`, 'stale');
      await expect.poll(() => rule.replayed, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
      proxy.clear();
      await expect(page.locator('.build-head .badge__text')).toHaveText('Success', { timeout: 60_000 });
      await expect(done).toHaveCount(await page.locator(part).count());
      const samples = await stop();
      expect(samples.length).toBeGreaterThan(10);
      expect(nonDecreasing(samples), `finished parts went back: ${samples.join(',')}`).toBe(true);
      table[view].stale = `kept newer · ${rule.replayed} replays · done ${samples[0]}→${samples.at(-1)}`;
    } catch (e) {
      table[view].stale = 'FAILED';
      failures.push(`${view} × stale: ${brief(e)}`);
    } finally { proxy.clear(); }
    table[view]['ws drop'] = 'n/a (polled API)';

    expect(failures).toEqual([]);
    await guard.check();
  });
}

// The overview across sources: every error fault on one source (CodeArts), each on its card
// alone, recovering by itself. (Replayed answers and websocket drops are the Buildbot cells'.)
test('fault matrix: overview (all sources)', async ({ page }) => {
  test.setTimeout(420_000);
  const guard = guardPage(page, { allowHttpErrors: true, allowConsole: /WebSocket|ERR_CONNECTION_REFUSED|net::/ });
  await openApp(page);
  await spaGo(page, '/');
  const card = page.locator('li.source-card[data-source="servicestage"]');
  await card.getByRole('button', { name: 'Enter token' }).click();
  await enterToken(page);
  await VIEWS.overview.during(page);
  const failures = await runCells(page, 'overview', ERROR_FAULTS);
  table.overview.stale = 'n/a (Buildbot cells)';
  table.overview['ws drop'] = 'n/a (Buildbot cells)';
  expect(failures).toEqual([]);
  await guard.check();
});

// The Huawei log viewers: every error fault on the log reads, each recovering on its own.
// (Replayed older answers are a Buildbot cell: a byte-offset read names its offset, and a
// websocket drop does not apply to a polled API.)
for (const view of ['log viewer (CodeArts)', 'log viewer (ServiceStage)']) {
  test(`fault matrix: ${view}, simulator`, async ({ page }) => {
    test.setTimeout(420_000);
    const guard = guardPage(page, { allowHttpErrors: true, allowConsole: /ERR_CONNECTION_REFUSED|net::/ });
    await openApp(page);
    if (VIEWS[view].system === 'servicestage') {
      await spaGo(page, await VIEWS[view].path());
      await enterToken(page);
      await VIEWS[view].ready(page);
    }
    const failures = await runCells(page, view, ERROR_FAULTS);
    table[view].stale = 'n/a (reads by offset)';
    table[view]['ws drop'] = 'n/a (polled API)';
    expect(failures).toEqual([]);
    await guard.check();
  });
}
