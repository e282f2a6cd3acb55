// The XSS corpus (harness/xss-vectors.json) arrives through the real Buildbot master (builder
// `xss-corpus`: step names, state strings, URL names and targets, builder description and
// tags, build properties) and through the Huawei simulator (`--xss-vectors`: job, stage and
// phase names, branches, commits, commit messages, record fields, error messages). Every page
// showing them is opened and must run none of them and show each as plain text.
//
// The CSP would block most of these even if the app inserted them as HTML, so this spec turns
// it off (`bypassCSP`): it tests the app's own escaping; csp.spec.mjs tests the CSP.
//
// The log viewer opens the build's three logs of vectors (stdio "print vectors", text
// "vectors.txt", HTML "vectors.html" in its sandboxed frame), the simulator's CodeArts build log
// (each vector as a stamped ERROR line's stage tag and message, then raw) and its ServiceStage
// build log, and must run none of them; every log of text is scrolled through, top to bottom,
// and each vector must show as text in its (virtualized) rows.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { BB_API, api, builderByName, latestBuild, stepLog } from './helpers.mjs';
import { enterToken } from './sim.mjs';

const { vectors } = JSON.parse(readFileSync(new URL('../../harness/xss-vectors.json', import.meta.url), 'utf8'));
const ALL = vectors.map((v) => v.text);
// The simulator's fixed ids (sim/src/xss.rs).
const XSS = {
  caProject: 'e55e0000e55e0000e55e0000e55e0000',
  caJob: 'e55e0000e55e0000e55e0000e55e0001',
  caRecord: 'e55e0000-0000-4000-8000-000000000001',
  caErrorRecord: 'e55e0000-0000-4000-8000-0000000000e4',
  ssJob: 'e55e0000e55e0000e55e0000e55e0000e55e0001',
  ssBuild: 'e55e0000e55e0000e55e0000e55e0000e55e0b01',
  ssErrorBuild: 'e55e0000e55e0000e55e0000e55e0000e55e00e4',
};

test.use({ bypassCSP: true });

/** Counts any execution: the dialogs, `window.__xss`, and every dialog the browser raises. */
async function watchExecutions(page) {
  const hits = [];
  await page.exposeFunction('__xssHit', (what) => hits.push(what));
  await page.addInitScript(() => {
    for (const name of ['alert', 'confirm', 'prompt', 'print']) {
      window[name] = (...args) => window.__xssHit(`${name}(${args.join(',')}) in ${location.href}`);
    }
    Object.defineProperty(window, '__xss', { configurable: true, get: () => undefined,
      set: (v) => window.__xssHit(`__xss = ${v} in ${location.href}`) });
  });
  page.on('dialog', async (d) => { hits.push(`dialog ${d.type()}: ${d.message()}`); await d.dismiss(); });
  page.on('pageerror', (e) => hits.push(`pageerror: ${e.message}`));
  return hits;
}

/** What would let a vector run later: inline handlers, elements the app never makes itself
 *  (scripts, frames, plugins, images...) and script-capable URLs anywhere in the app's DOM. */
const injectedMarkup = (page) => page.evaluate(() => {
  const found = [];
  for (const el of document.body.querySelectorAll('*:not(body > noscript)')) { // index.html's own
    const tag = el.tagName.toLowerCase();
    // The HTML log's frame, with every sandbox permission withheld, is the only frame allowed.
    if (el.matches('iframe.html-log[sandbox=""]')) continue;
    // The app's own charts (trends): their SVG root in its place, the table alternative, and
    // inside the SVG only the shapes the app draws. Server text there is text: an element
    // under a <title> or <text>, or any other tag, is a vector that became markup.
    const ownSvg = el.closest('figure.trend > svg.trend__chart, li.step-trend > svg.step-trend__chart');
    const own = ownSvg === el
      || el.matches('figure.trend > details.trend__table')
      || (ownSvg && el.namespaceURI === 'http://www.w3.org/2000/svg'
        && ['g', 'line', 'text', 'title', 'circle', 'path', 'polygon'].includes(tag)
        && !el.parentElement.matches('title, text'));
    if (ownSvg && !own) found.push(`<${tag}> (${el.namespaceURI}) in a chart`);
    else if (!own && ['script', 'iframe', 'object', 'embed', 'base', 'meta', 'style', 'svg', 'math', 'img', 'details', 'noscript'].includes(tag)) {
      found.push(`<${tag}>`);
    }
    for (const a of el.attributes) {
      const value = a.value.replace(/[\s\u0000-\u001f\u200b-\u200d]/g, '').toLowerCase();
      if (a.name.startsWith('on') || a.name === 'autofocus' || (['href', 'src', 'action', 'formaction', 'data', 'srcdoc'].includes(a.name)
          && /^(javascript|data|vbscript):/.test(value))) {
        found.push(`<${tag} ${a.name}="${a.value}">`);
      }
    }
  }
  return found;
});

/** The vectors of `want` not found whole in one visible text node. */
const missingText = (page, want) => page.evaluate((want) => {
  const texts = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.parentElement?.checkVisibility()) texts.push(n.data);
  }
  return want.filter((v) => !texts.some((t) => t.includes(v)));
}, want);

test('no XSS vector runs or becomes markup anywhere, and each shows as text', async ({ page }) => {
  test.setTimeout(180_000);
  expect(ALL.length).toBeGreaterThanOrEqual(30);
  const hits = await watchExecutions(page);
  // A CodeArts source for the corpus's own project (the scenario project keeps its jobs).
  await page.route('**/config.json', async (route) => {
    const config = await (await route.fetch()).json();
    config.sources.push({ id: 'xss', kind: 'codearts', name: 'XSS corpus', url: '/codearts/',
      auth: 'proxy', project_id: XSS.caProject });
    await route.fulfill({ json: config });
  });

  const builder = await builderByName('xss-corpus');
  const build = await latestBuild(builder.builderid);
  expect(build.complete).toBe(true);
  const { steps } = await api(`builds/${build.buildid}/steps`);
  // Buildbot keeps 50 characters of a step name.
  const shortNames = ALL.filter((v) => v.length <= 50);
  expect(steps.filter((s) => ALL.includes(s.state_string))).toHaveLength(ALL.length);

  const logs = await Promise.all([['print vectors'], ['publish vectors', 'vectors_txt'],
    ['publish vectors', 'vectors_html']].map(([step, slug]) => stepLog('xss-corpus', step, slug)));
  const PAGES = [
    { path: '/s/local', ready: 'section.builder[data-builder="xss-corpus"] tr.build-row', want: ALL.slice(2, 5) },
    // The builder's trends name each step (as text, and in the chart's titles).
    { path: '/s/local/builders/xss-corpus', ready: `li.step-trend >> nth=${shortNames.length - 1}`,
      want: [...new Set([ALL[2], ...shortNames])] },
    // The corpus's own force scheduler: its label, button, group, field labels and tooltip
    // are vectors (its default value and choices are checked below).
    { path: '/s/local/builders/xss-corpus', ready: 'button.force-button >> nth=1',
      open: (page) => page.locator('button.force-button').filter({ hasText: ALL[6] }).click(),
      inForm: async (form) => {
        expect(await form.locator('input').evaluateAll((els) => els.map((e) => e.value))).toContain(ALL[11]);
        expect(await form.locator('option').allTextContents()).toEqual(ALL.slice(0, 3));
      },
      want: [...ALL.slice(5, 11), ALL[12]] },
    { path: `/s/local/builds/${build.buildid}`, ready: `li.step >> nth=${steps.length - 1}`, want: ALL },
    { path: `/s/local/builders/xss-corpus/compare/${build.number}/${build.number}`, ready: 'tr.compare-row', want: shortNames },
    { path: '/s/xss', ready: 'tr.job-row', want: ALL.slice(0, 1) },
    { path: `/s/xss/jobs/${XSS.caJob}`, ready: `tr.history-row >> nth=${ALL.length - 1}`, want: ALL },
    { path: `/s/xss/builds/${XSS.caRecord}`, ready: `ol.stages > li.stage >> nth=${ALL.length - 1}`, want: ALL },
    { path: `/s/xss/builds/${XSS.caErrorRecord}`, ready: '.error__message', want: ALL },
    // The run form, filled from the build: a vector parameter's name and value are values of
    // its inputs, never markup.
    { path: `/s/xss/builds/${XSS.caRecord}?job=${XSS.caJob}`, ready: 'table.parameters',
      open: (page) => page.locator('button.action').filter({ hasText: 'Run again' }).click(),
      inForm: async (form) => expect(await form.locator('input').evaluateAll((els) => els.map((e) => e.value)))
        .toEqual(expect.arrayContaining([ALL[7], ALL[8]])),
      want: [ALL[7], ALL[8]] },
    { path: `/s/servicestage/builds/${XSS.ssBuild}`, token: true, ready: `li.phase >> nth=${ALL.length - 1}`, want: ALL },
    ...ALL.slice(0, 5).map((v) => ({ path: `/s/servicestage/jobs/${XSS.ssJob}?name=${encodeURIComponent(v)}`,
      ready: 'tr.history-row', want: [v] })),
    { path: `/s/servicestage/builds/${XSS.ssErrorBuild}`, ready: '.error__message', want: ALL },
    ...logs.map(({ url, log }) => ({ path: url, want: [],
      ready: log.type === 'h' ? 'iframe.html-log' : '.log-row:not(.log-row--loading)' })),
  ];
  let places = 0;
  for (const p of PAGES) {
    await page.goto(p.path);
    if (p.token) await enterToken(page);
    await expect(page.locator(p.ready).first()).toBeVisible();
    if (p.open) {
      await p.open(page);
      const form = page.getByRole('dialog');
      await expect(form).toBeVisible();
      await p.inForm(form);
    }
    await page.waitForTimeout(300); // late renders (polling) get their chance to misbehave
    expect(await injectedMarkup(page), `markup from a vector on ${p.path}`).toEqual([]);
    expect(await missingText(page, p.want), `vectors not shown as text on ${p.path}`).toEqual([]);
    places += p.want.length;
  }
  // Hovering and focusing everything gives attribute-borne vectors (titles, hrefs) a chance.
  await page.goto(`/s/local/builds/${build.buildid}`);
  await expect(page.locator('li.step').nth(steps.length - 1)).toBeVisible();
  for (const el of await page.locator('li.step [title], li.step a').all()) await el.hover();
  expect(await page.locator('a[href^="javascript:" i], a[href^="data:" i]').count()).toBe(0);

  // The logs, scrolled through a screen at a time: every vector is in some row's text (as the
  // terminal shows it: ANSI styles and OSC 8 link markers are not text).
  const asShown = (v) => v.replace(/\x1b\]8;[^\x07\x1b]*(?:\x07|\x1b\\)/g, '').replace(/\x1b\[[0-9;]*m/g, '').replace(/\s+/g, ' ').trim();
  const textLogs = [
    ...logs.filter(({ log }) => log.type !== 'h').map(({ url }) => url),
    `/s/xss/builds/${XSS.caRecord}/log?job=${XSS.caJob}&no=1`,
    `/s/servicestage/builds/${XSS.ssBuild}/log`,
  ];
  for (const path of textLogs) {
    await page.goto(path);
    const scroller = page.locator('.log-scroll');
    await expect(page.locator('.log-row:not(.log-row--loading)').first()).toBeVisible();
    // To the top as a user goes there (Top), not by setting scrollTop: a failed build's log
    // opens at its first error once the scan finds it, and a scrollTop of 0 written while the
    // view is still at 0 is no scroll at all, so that jump could land after it (seen: lines 1-8
    // of the failed ServiceStage build's log were never on screen). Top cancels the jump.
    await page.getByRole('button', { name: 'Top', exact: true }).click();
    await expect(scroller).toHaveAttribute('data-top', '0.00');
    const seen = [];
    for (let screen = 0; ; screen++) {
      expect(screen, `${path} never reached its end`).toBeLessThan(200);
      await expect(page.locator('.log-row--loading')).toHaveCount(0);
      seen.push(...(await page.locator('.log-row .lt').allTextContents()).map((t) => t.replace(/\s+/g, ' ')));
      const atEnd = await scroller.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 2);
      if (atEnd) break;
      // The next screen is read once the viewer has drawn it (its top moved).
      const top = await scroller.getAttribute('data-top');
      await scroller.evaluate((el) => { el.scrollTop += el.clientHeight; });
      await expect(scroller).not.toHaveAttribute('data-top', top);
    }
    expect(await injectedMarkup(page), `markup from a vector on ${path}`).toEqual([]);
    const missing = ALL.filter((v) => !seen.some((t) => t.includes(asShown(v))));
    expect(missing, `vectors not shown as text in the rows of ${path}`).toEqual([]);
    places += ALL.length;
  }

  console.log(`XSS executions: ${hits.length} of ${ALL.length} (vectors shown as text in ${places} places on ${PAGES.length + textLogs.length} pages)`);
  expect(hits).toEqual([]);
  expect(new Set(PAGES.flatMap((p) => p.want)).size, 'every vector checked somewhere').toBe(ALL.length);
});

// Buildbot allows only identifiers as worker names, so the workers pages' server text is the
// pause reason: every vector in one reason, on the list and on the worker's page.
test('a worker paused with the vectors as its reason shows them as text on the workers pages', async ({ page }) => {
  const hits = await watchExecutions(page);
  const { workers: [worker] } = await api('workers/local-worker');
  const control = (method, reason) => fetch(`${BB_API}/workers/${worker.workerid}`, { method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method, id: 1, params: reason === undefined ? {} : { reason } }) });
  const reason = ALL.join(' | ');
  try {
    expect((await control('pause', reason)).ok).toBe(true);
    await expect.poll(async () => (await api('workers/local-worker')).workers[0].pause_reason).toBe(reason);
    for (const path of ['/s/local/workers', `/s/local/workers/${worker.workerid}`]) {
      await page.goto(path);
      await expect(page.locator('.worker-state').first()).toContainText('Paused');
      expect(await injectedMarkup(page), `markup from a vector on ${path}`).toEqual([]);
      expect(await missingText(page, ALL), `vectors not shown as text on ${path}`).toEqual([]);
    }
  } finally {
    await control('unpause');
  }
  expect(hits).toEqual([]);
});
