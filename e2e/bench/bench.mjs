// `make bench`: buildscope's log viewer and Buildbot's own UI side by side, in one Playwright
// run, same Chromium, same real master, same 1,000,000-line log; plus buildscope on a
// synthetic (simulator-generated, Buildbot-compatible) 10M-line log to compare memory at 10M
// with 1M. Prints a table. Started by scripts/bench.sh, which sets the environment below.
import { chromium } from 'playwright';
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { INIT, SCROLLER, median, p95 } from './probes.mjs';

const env = process.env;
const BS = env.BS_URL; // buildscope served by nginx
const BB_UI = env.BB_UI_URL; // the master's own web UI
const BB_API = env.BB_API;
const LOG = JSON.parse(env.BENCH_LOG); // {buildid, builderid, number, step, logid, num_lines}
const RUNS = +(env.BENCH_RUNS || 3);
const VIEWPORT = { width: 1280, height: 900 };

async function apiLine(base, logid, n) {
  const res = await fetch(`${base}/logs/${logid}/contents?offset=${n}&limit=1`);
  const body = await res.json();
  return body.logchunks[0].content.replace(/\n$/, '').slice(1).replace(/\x1b\[[0-9;]*m/g, '').trim();
}

/** JS heap in use after a GC, and the wasm memory's size. */
async function memoryAfterGc(page, cdp) {
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await page.waitForTimeout(500);
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  const wasm = await page.evaluate(() => window.__wasmMemory?.buffer?.byteLength ?? 0);
  return { heap, wasm };
}

async function measure(browser, url, { firstNeedle, lastNeedle, apiMatch }) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript(INIT);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const net = { requests: 0, bytes: 0 };
  page.on('requestfinished', async (r) => {
    if (!apiMatch.test(r.url())) return;
    net.requests += 1;
    try { net.bytes += (await (await r.response()).body()).length; } catch { /* aborted */ }
  });
  // 1. Navigation → first log line painted (ms since navigation start).
  const nav = page.goto(url);
  await page.waitForFunction(() => window.__watch);
  const first = await page.evaluate((n) => window.__watch(n, 'first'), firstNeedle);
  await nav;
  // What the first load moved over the wire for the app itself (page, code, styles; not the
  // API answers): compressed bodies as received, so precompressed brotli shows.
  const wire = await page.evaluate((api) => {
    const re = new RegExp(api);
    return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
      .filter((e) => !re.test(e.name) && !/\/api\/|\/ws$/.test(e.name))
      .reduce((sum, e) => sum + (e.encodedBodySize || 0), 0);
  }, apiMatch.source);
  // Where the time to the first line went (buildscope only: Buildbot's UI sends no such event):
  // the wasm downloaded, the app started, the first window of lines asked and answered.
  const phases = await page.evaluate((api) => {
    const re = new RegExp(api);
    const res = performance.getEntriesByType('resource');
    const wasm = res.find((e) => e.name.endsWith('.wasm'));
    const win = res.find((e) => re.test(e.name));
    const started = window.__bench.marks.started;
    const f = (x) => (x === undefined ? '?' : x.toFixed(0));
    return started === undefined ? '' : `wasm loaded ${f(wasm?.responseEnd)}, app started ${f(started)}, ` +
      `first window asked ${f(win?.startTime)} answered ${f(win?.responseEnd)} ms`;
  }, apiMatch.source);
  await page.waitForTimeout(1000);
  // 2. Jump to the last line (the scrollbar thumb to the bottom) → painted.
  const jump = await page.evaluate(async ({ needle, scroller }) => {
    const el = eval(`(${scroller})`)();
    const t = performance.now();
    const seen = window.__watch(needle, 'last');
    el.scrollTop = el.scrollHeight;
    return (await seen) - t;
  }, { needle: lastNeedle, scroller: SCROLLER.toString() });
  await page.waitForTimeout(1000);
  // 3. Continuous wheel scrolling from the top: frame work p95 and DOM size.
  await page.evaluate((scroller) => { eval(`(${scroller})`)().scrollTop = 0; }, SCROLLER.toString());
  await page.waitForTimeout(1500);
  const box = await page.evaluate((scroller) => {
    const r = eval(`(${scroller})`)().getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  }, SCROLLER.toString());
  await page.mouse.move(box.x, box.y);
  await page.evaluate(() => { window.__bench.frames = []; window.__bench.sampling = true; });
  const until = Date.now() + 3000;
  while (Date.now() < until) {
    await page.mouse.wheel(0, 120);
    await page.waitForTimeout(16);
  }
  const frames = await page.evaluate(() => { window.__bench.sampling = false; return window.__bench.frames; });
  // 4. Drag the thumb top → bottom in 100 steps, then memory after a GC.
  await page.evaluate(async (scroller) => {
    const el = eval(`(${scroller})`)();
    const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 40)));
    for (let k = 0; k <= 100; k++) {
      el.scrollTop = (k / 100) * (el.scrollHeight - el.clientHeight);
      await frame();
    }
  }, SCROLLER.toString());
  await page.waitForTimeout(2000);
  const { heap, wasm } = await memoryAfterGc(page, cdp);
  const domMax = await page.evaluate(() => window.__bench.domMax);
  await context.close();
  // Frames whose work took over 25 ms: each one a visible stutter at 60 Hz.
  const missed = frames.filter((f) => f > 25).length;
  return { first, phases, jump, wire, p95: p95(frames), missed, frames: frames.length, heap, wasm, memory: heap + wasm, domMax, ...net };
}

/** The same viewer on a CodeArts log read by byte offset (the simulator's synthetic 1M / 10M
 *  failed builds): navigation → the first error painted (a failed build opens there), End →
 *  the last line painted (read from the end, not counted to), the time the background count
 *  takes to reach the end, and memory once every line is counted (the offset index at its
 *  largest), after a GC. */
/** How long the CodeArts count may take to reach the end before it is reported unfinished. */
const CA_COUNT_TIMEOUT_MS = 600_000;

async function measureByteLog(browser, url, { firstNeedle, lastNeedle, countTimeoutMs = CA_COUNT_TIMEOUT_MS }) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript(INIT);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const nav = page.goto(url);
  await page.waitForFunction(() => window.__watch);
  const first = await page.evaluate((n) => window.__watch(n, 'first'), firstNeedle);
  await nav;
  await page.locator('.log-scroll').focus();
  const t = await page.evaluate(() => performance.now());
  const seen = page.evaluate((n) => window.__watch(n, 'last'), lastNeedle);
  await page.keyboard.press('End');
  const jump = (await seen) - t;
  // Bounded: a count that does not reach the end in time is reported as such (memory is
  // still read, at the lines counted by then).
  const counted = await page.waitForFunction(() => {
    const s = document.querySelector('.log-status')?.textContent ?? '';
    return /^[\d,]+ lines · /.test(s) ? performance.now() : null;
  }, null, { timeout: countTimeoutMs, polling: 500 }).then((h) => h.jsonValue(), () => null);
  await page.waitForTimeout(1000);
  const { heap, wasm } = await memoryAfterGc(page, cdp);
  const status = await page.locator('.log-status').textContent();
  await context.close();
  process.stderr.write(`    ${status}\n`);
  return { first, jump, count: counted === null ? NaN : counted - first, memory: heap + wasm, status };
}

/** A fresh master for every run: Buildbot 4.3's web server can wedge after clients hang up
 * mid-request (its own UI does that when it cancels requests), which would spoil later runs. */
function restartMaster() {
  if (env.BENCH_RESTART) execSync(env.BENCH_RESTART, { stdio: ['ignore', 'ignore', 'inherit'] });
}

async function runs(browser, label, url, opts, { restart = true, times = RUNS, how = measure } = {}) {
  const all = [];
  for (let i = 0; i < times; i++) {
    if (restart) restartMaster();
    const r = await how(browser, url, opts);
    process.stderr.write(`  ${label} run ${i + 1}: first ${r.first.toFixed(0)} ms, end ${r.jump.toFixed(0)} ms, ` +
      (r.count !== undefined ? `counted to the end in ${(r.count / 1000).toFixed(1)} s, ` :
        `p95 ${r.p95.toFixed(1)} ms (${r.frames} frames, ${r.missed} over 25 ms), `) +
      `mem ${(r.memory / 1048576).toFixed(1)} MB` +
      (r.domMax !== undefined ? `, DOM ${r.domMax}, ${r.requests} req ${(r.bytes / 1024).toFixed(0)} KB` : '') +
      (r.phases ? `\n    (${r.phases})` : '') + '\n');
    all.push(r);
  }
  const pick = (k) => (typeof all[0][k] === 'number' ? median(all.map((r) => r[k])) : all.at(-1)[k]);
  return Object.fromEntries(Object.keys(all[0]).map((k) => [k, pick(k)]));
}

function gzipSize(files) {
  return files.reduce((sum, f) => sum + zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length, 0);
}

function filesIn(dir, re) {
  return fs.readdirSync(dir).filter((f) => re.test(f)).map((f) => path.join(dir, f));
}

const browser = await chromium.launch({
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info', '--no-first-run',
         '--disable-background-networking', '--disable-component-update'],
});

const firstNeedle = await apiLine(BB_API, LOG.logid, 1);
const lastNeedle = await apiLine(BB_API, LOG.logid, LOG.num_lines - 1);
const bbOpts = { firstNeedle, lastNeedle, apiMatch: /\/logs\/[^/?]+\/contents|\/logchunks/ };
process.stderr.write(`1M log: build ${LOG.buildid}, log ${LOG.logid}, ${LOG.num_lines} lines\n`);

const bsUrl = `${BS}/s/local/builds/${LOG.buildid}/steps/${LOG.step}/logs/stdio`;
const bbUrl = `${BB_UI}/#/builders/${LOG.builderid}/builds/${LOG.number}/steps/${LOG.step}/logs/stdio`;
const bs = await runs(browser, 'buildscope', bsUrl, bbOpts);
const bb = await runs(browser, 'Buildbot UI', bbUrl, bbOpts);

// The synthetic logs (simulator, labelled): the same viewer at 1M and at 10M lines.
const SYN_API = `${BS}/servicestage/synthetic-buildbot/api/v2`;
const synOpts = async (logid, lines) => ({
  firstNeedle: await apiLine(SYN_API, logid, 1),
  lastNeedle: await apiLine(SYN_API, logid, lines - 1),
  apiMatch: /\/logs\/[^/?]+\/contents/,
});
const syn1 = await runs(browser, 'buildscope, synthetic 1M', `${BS}/s/synthetic/builds/2/steps/1/logs/stdio`, await synOpts(2, 1_000_000), { restart: false });
const syn10 = await runs(browser, 'buildscope, synthetic 10M', `${BS}/s/synthetic/builds/1/steps/1/logs/stdio`, await synOpts(1, 10_000_000), { restart: false });

// The CodeArts synthetic logs (simulator): their first error's text as the server wrote it.
const CA_JOB_1M = 'a1b2c3d4e5f60718293a4b5c6d7e8f04';
const CA_JOB_10M = 'a1b2c3d4e5f60718293a4b5c6d7e8f06';
async function caFirstError(job) {
  const res = await fetch(`${BS}/codearts/v3/jobs/${job}/1/real-time-log?offset=0&length=400000`);
  const line = (await res.json()).result.content.split('\n').find((l) => /^\[[^\]]+\] \[ERROR\] /.test(l));
  return line.replace(/^\[[^\]]+\] \[ERROR\] (?:\[[^\]]*\] )?(?:: )?/, '').replace(/\x1b\[[0-9;]*m/g, '').trim();
}
const caOpts = async (job) => ({ firstNeedle: await caFirstError(job), lastNeedle: 'Finished: FAILED' });
const caUrl = (job, record) => `${BS}/s/codearts/builds/${record}/log?job=${job}&no=1`;
const ca1 = await runs(browser, 'buildscope, CodeArts 1M', caUrl(CA_JOB_1M, '5eed0004-0000-4000-8000-000000000001'),
  await caOpts(CA_JOB_1M), { restart: false, how: measureByteLog });
// One run at 10M: counting a gigabyte to the end takes minutes.
const ca10 = await runs(browser, 'buildscope, CodeArts 10M', caUrl(CA_JOB_10M, '5eed0006-0000-4000-8000-000000000001'),
  await caOpts(CA_JOB_10M), { restart: false, how: measureByteLog, times: 1 });
const chromiumVersion = browser.version();
await browser.close();

const bsBundle = gzipSize(filesIn(env.BS_DIST, /\.(wasm|js|css|html)$/));
const bbBundle = gzipSize([...filesIn(path.join(env.BB_WWW_STATIC, 'assets'), /\.(js|css)$/),
  path.join(env.BB_WWW_STATIC, 'index.html')]);

const MB = (b) => `${(b / 1048576).toFixed(1)} MB`;
const KB = (b) => `${(b / 1024).toFixed(0)} KB`;
const ms = (x) => `${x.toFixed(0)} ms`;
const rows = [];
const ratioRow = (what, a, b, fmt, goal = 0.5) => {
  const ratio = a / b;
  rows.push([what, fmt(a), fmt(b), `${ratio.toFixed(2)}×`, `≤ ${goal}× Buildbot`, ratio <= goal ? 'met' : 'NOT met']);
};
ratioRow('navigation → first log line painted', bs.first, bb.first, ms);
ratioRow('jump to the last line → painted', bs.jump, bb.jump, ms);
ratioRow('JS heap + WASM memory after top → bottom', bs.memory, bb.memory, MB);
ratioRow('bundle size (gzip -9)', bsBundle, bbBundle, KB, 0.75);
rows.push(['app bytes on the wire, first load (as served)', KB(bs.wire), KB(bb.wire), `${(bs.wire / bb.wire).toFixed(2)}×`, '', '']);
rows.push(['p95 frame work, continuous scrolling', `${bs.p95.toFixed(1)} ms`, `${bb.p95.toFixed(1)} ms`, '', '≤ 10 ms and ≤ Buildbot', bs.p95 <= 10 && bs.p95 <= bb.p95 ? 'met' : 'NOT met']);
rows.push(['missed frames (work > 25 ms) while scrolling', `${bs.missed} of ${bs.frames}`, `${bb.missed} of ${bb.frames}`, '', '≤ Buildbot', bs.missed <= bb.missed ? 'met' : 'NOT met']);
rows.push(['DOM nodes (max at any time)', `${bs.domMax}`, `${bb.domMax}`, '', '≤ 1,400', bs.domMax <= 1400 ? 'met' : 'NOT met']);
rows.push(['log requests / bytes (whole run)', `${bs.requests} / ${KB(bs.bytes)}`, `${bb.requests} / ${KB(bb.bytes)}`, '', '', '']);
const memRatio = syn10.memory / syn1.memory;
rows.push(['memory 10M / 1M (synthetic logs, simulator)', `${MB(syn10.memory)} / ${MB(syn1.memory)}`, '', `${memRatio.toFixed(2)}×`, '≤ 1.2×', memRatio <= 1.2 ? 'met' : 'NOT met']);
rows.push(['synthetic 10M: first line / jump to end', `${ms(syn10.first)} / ${ms(syn10.jump)}`, '', '', '', '']);
rows.push(['CodeArts 1M (simulator): first error / End → last line', `${ms(ca1.first)} / ${ms(ca1.jump)}`, '', '', '', '']);
const secs = (r) => (Number.isNaN(r.count) ? `not in ${CA_COUNT_TIMEOUT_MS / 1000} s (${r.status.split(' · ')[0]})` : `${(r.count / 1000).toFixed(1)} s`);
rows.push(['CodeArts 1M / 10M: counted to the end in', `${secs(ca1)} / ${secs(ca10)}`, '', '', '', '']);
const caMem = ca10.memory / ca1.memory;
const caDone = !Number.isNaN(ca10.count) && !Number.isNaN(ca1.count);
rows.push([`CodeArts memory 10M / 1M${caDone ? ', every line counted' : ' (10M not counted to the end)'}`, `${MB(ca10.memory)} / ${MB(ca1.memory)}`, '', `${caMem.toFixed(2)}×`, '≤ 1.2×', caDone && caMem <= 1.2 ? 'met' : 'NOT met']);
const ansi = JSON.parse(env.ANSI_JSON || '{}');
const mbps = (x) => (x === undefined ? '?' : `${x.toFixed(1)} MB/s`);
for (const [kind, label, goal] of [['coloured', 'SGR-heavy', 150], ['plain', 'plain', 300]]) {
  const a = ansi[kind] ?? {};
  rows.push([`native ANSI render, ${label} (cargo bench)`, mbps(a.render), '', '', `≥ ${goal} MB/s`, a.render >= goal ? 'met' : 'NOT met']);
  rows.push([`  parser alone, ${label}: ours vs vte 0.15`, mbps(a.ours), '', a.ours && a.vte ? `${(a.ours / a.vte).toFixed(2)}× vte (${mbps(a.vte)})` : '', '', '']);
}

const head = ['metric', 'buildscope', 'Buildbot UI', 'ratio', 'goal', 'result'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
console.log(`\nLog viewer benchmark — ${LOG.num_lines.toLocaleString('en')}-line log, median of ${RUNS} runs, Chromium ${chromiumVersion}`);
console.log(line(head));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
