// `make soak`: the log viewer follows a log growing at 2,500 lines/s (the simulator's
// synthetic, Buildbot-compatible growing log, labelled as such) for SOAK_MINUTES (default 10).
// Every 30 s: memory (JS heap + wasm, after a GC), frame work p95 over the interval, the line
// on screen versus the log's length. Memory must stay within ±10 % of its level after the
// warm-up and the p95 frame work within 10 ms; prints the figures and exits non-zero if not.
import { chromium } from 'playwright';
import { INIT, p95 } from './probes.mjs';

const env = process.env;
const MINUTES = +(env.SOAK_MINUTES || 10);
const WARMUP_S = +(env.SOAK_WARMUP_S || 120);
const SAMPLE_S = 30;
const url = `${env.BS_URL}/s/synthetic/builds/3/steps/1/logs/stdio`;

const browser = await chromium.launch({
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await page.addInitScript(INIT);
const cdp = await context.newCDPSession(page);
await cdp.send('Performance.enable');
await cdp.send('HeapProfiler.enable');
await page.goto(url);
await page.locator('button.follow[aria-pressed="true"]').waitFor({ timeout: 30_000 });
await page.evaluate(() => { window.__bench.sampling = true; });

const rows = [];
const started = Date.now();
while (Date.now() - started < MINUTES * 60_000) {
  await page.waitForTimeout(SAMPLE_S * 1000);
  const frames = await page.evaluate(() => { const f = window.__bench.frames; window.__bench.frames = []; return f; });
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  const wasm = await page.evaluate(() => window.__wasmMemory?.buffer?.byteLength ?? 0);
  const shown = await page.evaluate(() => {
    const lines = [...document.querySelectorAll('.log-row')].map((r) => +r.dataset.line);
    return lines.length ? Math.max(...lines) + 1 : 0;
  });
  const total = +(await page.locator('.log-scroll').getAttribute('data-rows'));
  const following = (await page.locator('button.follow').getAttribute('aria-pressed')) === 'true';
  const dom = await page.evaluate(() => document.getElementsByTagName('*').length);
  const row = { t: Math.round((Date.now() - started) / 1000), memory: heap + wasm, heap, wasm, p95: p95(frames),
    frames: frames.length, shown, total, following, dom };
  rows.push(row);
  console.log(`t=${String(row.t).padStart(4)} s  lines ${total.toLocaleString('en').padStart(10)}  last shown ${shown.toLocaleString('en').padStart(10)}  ` +
    `following ${following}  memory ${(row.memory / 1048576).toFixed(2)} MB (heap ${(heap / 1048576).toFixed(2)}, wasm ${(wasm / 1048576).toFixed(2)})  ` +
    `p95 frame ${row.p95.toFixed(1)} ms (${frames.length} frames)  DOM ${dom}`);
}
await browser.close();

const after = rows.filter((r) => r.t > WARMUP_S);
const base = after[0]?.memory ?? NaN;
const drift = Math.max(...after.map((r) => Math.abs(r.memory / base - 1)));
const worstP95 = Math.max(...after.map((r) => r.p95));
const lag = Math.max(...after.map((r) => r.total - r.shown));
const rate = (rows.at(-1).total - rows[0].total) / (rows.at(-1).t - rows[0].t);
const ok = drift <= 0.10 && worstP95 <= 10 && after.every((r) => r.following);
console.log(`\nsoak: ${MINUTES} min following a log growing at ${rate.toFixed(0)} lines/s (synthetic, simulator); ` +
  `after ${WARMUP_S} s warm-up: memory ${(base / 1048576).toFixed(2)} MB, max drift ${(drift * 100).toFixed(1)} % (goal ±10 %), ` +
  `worst 30-s p95 frame work ${worstP95.toFixed(1)} ms (goal ≤ 10 ms), largest gap between the log's end and the screen ${lag} lines` +
  ` — ${ok ? 'met' : 'NOT met'}`);
process.exit(ok ? 0 : 1);
