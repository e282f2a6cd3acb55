// The log viewer against the real master: permalinks on the 200k-line log, search, follow on a
// running build, ANSI colours, stderr, HTML logs in a sandbox, copy, errors and groups.
import { test, expect } from '@playwright/test';
import { api, guardPage, startLongRunning, stepLog } from './helpers.mjs';

/** Line `n` (0-based) as the user should read it: stream prefix and escapes removed. */
async function lineText(logid, n) {
  const { logchunks } = await api(`logs/${logid}/contents?offset=${n}&limit=1`);
  return logchunks[0].content.replace(/\n$/, '').slice(1).replace(/\x1b\[[0-9;]*m/g, '');
}

/** Every window of log lines the page asks for, by log id or by the page's own path (the
 * first window, asked for by script/boot.js before the app runs). */
function contentsRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    const m = r.url().match(/\/logs\/[^/?]+\/contents\?offset=(\d+)&limit=(\d+)/);
    if (m) seen.push({ offset: +m[1], limit: +m[2], url: r.url() });
  });
  return seen;
}

const row = (page, line) => page.locator(`.log-row[data-line="${line}"]`);

/** Records every scroll of the log viewport (position, sizes, the viewer's own top/rows and the
 * Follow button) so a failed follow check says what the page did, not only that it failed. */
async function traceScrolling(page) {
  await page.addInitScript(() => {
    window.__scrollTrace = [];
    const t0 = performance.now();
    document.addEventListener('scroll', (e) => {
      const el = e.target;
      if (!(el instanceof Element) || !el.classList.contains('log-scroll')) return;
      window.__scrollTrace.push([Math.round(performance.now() - t0), el.scrollTop, el.clientHeight, el.scrollHeight,
        el.dataset.top, el.dataset.rows, document.querySelector('button.follow')?.getAttribute('aria-pressed')].join(' '));
      if (window.__scrollTrace.length > 60) window.__scrollTrace.shift();
    }, true);
  });
  return async (e) => {
    const trace = await page.evaluate(() => {
      const el = document.querySelector('.log-scroll');
      const now = el && [el.scrollTop, el.clientHeight, el.scrollHeight, el.dataset.top, el.dataset.rows].join(' ');
      return `now: ${now}\nms scrollTop clientHeight scrollHeight data-top data-rows follow:\n${window.__scrollTrace.join('\n')}`;
    }).catch((err) => `no trace: ${err}`);
    e.message += `\n${trace}`;
    throw e;
  };
}

test('#L150000 opens the 200k-line log at that line, highlighted, with one window request', async ({ page }) => {
  const guard = guardPage(page);
  const { log, url } = await stepLog('biglog', 'generate big log');
  expect(log.num_lines).toBeGreaterThan(150_000);
  const requests = contentsRequests(page);
  await page.goto(`${url}#L150000`);
  const target = row(page, 149_999);
  await expect(target).toHaveClass(/log-row--selected/);
  await expect(target.locator('.lt')).toHaveText(await lineText(log.logid, 149_999));
  await expect(target.locator('.ln')).toHaveAttribute('data-ln', '150000');
  await expect(target).toBeInViewport();
  // The first request already held the line; the log was never fetched whole.
  expect(requests[0].offset).toBeLessThanOrEqual(149_999);
  expect(requests[0].offset + requests[0].limit).toBeGreaterThan(149_999);
  expect(requests.every((r) => r.limit <= 5000)).toBe(true);
  // Only the rows on screen (plus a few) exist, whatever the log's size.
  expect(await page.locator('.log-row').count()).toBeLessThan(120);
  expect(await page.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThan(1400);

  // End jumps to the last line, Home back to the first.
  await page.locator('.log-scroll').focus();
  await page.keyboard.press('End');
  const last = row(page, log.num_lines - 1);
  await expect(last.locator('.lt')).toHaveText(await lineText(log.logid, log.num_lines - 1));
  await expect(last).toBeInViewport();
  await page.keyboard.press('Home');
  await expect(row(page, 0)).toBeInViewport();
  await guard.check();
});

test('the first window is asked for once, before the app runs; then the last lines, so End paints while the server is slow', async ({ page }) => {
  const guard = guardPage(page);
  const { build, step, log, url } = await stepLog('biglog', 'generate big log');
  const requests = contentsRequests(page);
  const asked = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname + new URL(r.url()).search));
  const tailAt = log.num_lines - 100;
  const tail = page.waitForResponse((r) => r.url().includes(`contents?offset=${tailAt}&limit=100`));
  await page.goto(url);
  await expect(row(page, 0).locator('.lt')).toHaveText(await lineText(log.logid, 0));
  await tail;
  // script/boot.js asked by the page's own path (it knows no log id); the app took that
  // answer instead of asking again, by id or otherwise.
  const at = `/buildbot/api/v2/builds/${build.buildid}/steps/${step.number}`;
  expect(requests[0]).toMatchObject({ offset: 0, limit: 600, url: expect.stringContaining(`${at}/logs/stdio/contents?`) });
  expect(requests.filter((r) => r.offset === 0)).toHaveLength(1);
  expect(requests[1]).toMatchObject({ offset: tailAt, limit: 100 });
  for (const early of [at, `${at}/logs/stdio`, '/config.json']) {
    expect(asked.filter((p) => p === early), early).toHaveLength(1);
  }
  // From now on the server takes its time: End still shows the last line at once, from
  // the lines read after the first screen.
  const held = [];
  let holding = true;
  await page.route(/\/contents\?/, (route) => (holding ? held.push(route) : route.continue()));
  await page.locator('.log-scroll').focus();
  await page.keyboard.press('End');
  const last = row(page, log.num_lines - 1);
  await expect(last.locator('.lt')).toHaveText(await lineText(log.logid, log.num_lines - 1));
  await expect(last).toBeInViewport();
  holding = false;
  for (const route of held) await route.continue();
  await page.unroute(/\/contents\?/);
  await guard.check();
});

test('line numbers select lines and ranges and the address follows; reload keeps them', async ({ page }) => {
  const guard = guardPage(page);
  const { url } = await stepLog('kitchen-sink', 'ansi colours');
  await page.goto(url);
  await expect(row(page, 5).locator('.lt')).not.toBeEmpty();
  await row(page, 2).locator('.ln').click();
  await expect(page).toHaveURL(/#L3$/);
  await row(page, 5).locator('.ln').click({ modifiers: ['Shift'] });
  await expect(page).toHaveURL(/#L3-L6$/);
  await expect(page.locator('.log-row--selected')).toHaveCount(4);
  await page.reload();
  await expect(page.locator('.log-row--selected')).toHaveCount(4);
  await expect(row(page, 2)).toHaveClass(/log-row--selected/);
  await guard.check();
});

test('search finds a known line of the 200k log and steps through hits with next / previous', async ({ page }) => {
  const guard = guardPage(page);
  const { url } = await stepLog('biglog', 'generate big log');
  await page.goto(url);
  await expect(row(page, 0)).toBeVisible();
  await page.keyboard.press('Control+f');
  await expect(page.locator('.log-search__input')).toBeFocused();
  await page.keyboard.type('item 187654 status');
  const counter = page.locator('.hit-counter');
  await expect(counter).toHaveText(/^\d+ \/ 1$/, { timeout: 60_000 });
  const hit = page.locator('.log-row mark.hit--current');
  await expect(hit).toHaveText('item 187654 status');
  await expect(hit).toBeInViewport();
  await expect(page.locator('.log-row--hit .lt')).toContainText('line 187654');

  // Several hits on a small log: Enter / Shift+Enter move through them.
  const small = await stepLog('kitchen-sink', 'interleaved stdout+stderr');
  // Every occurrence in the text a user sees (the echoed command included), from the API.
  const { logchunks } = await api(`logs/${small.log.logid}/contents`);
  const n = (logchunks[0].content.match(/compiling/gi) || []).length;
  expect(n).toBeGreaterThanOrEqual(8);
  await page.goto(small.url);
  const input = page.locator('.log-search__input');
  await input.fill('COMPILING');
  await expect(counter).toHaveText(`1 / ${n}`);
  await input.press('Enter');
  await expect(counter).toHaveText(`2 / ${n}`);
  await expect(page.locator('mark.hit--current')).toHaveText('compiling');
  await input.press('Shift+Enter');
  await input.press('Shift+Enter');
  await expect(counter).toHaveText(`${n} / ${n}`);
  // Match case: no hit for the upper-case text.
  await page.getByTitle('Match case').click();
  await expect(counter).toHaveText('– / 0');
  // Regex.
  await page.getByTitle('Match case').click();
  await page.getByTitle('Regular expression').click();
  await input.fill('unit_[2-4]\\.c');
  await expect(counter).toHaveText(/ \/ 3$/);
  await input.fill('unit_(');
  await expect(page.locator('.search-error')).toBeVisible();
  await guard.check();
});

test('a running log follows new lines at the bottom and pauses when scrolled up', async ({ page }) => {
  test.setTimeout(120_000);
  const guard = guardPage(page);
  const explain = await traceScrolling(page);
  const build = await startLongRunning(40);
  // The build has started; its step may be a moment behind.
  let step;
  await expect.poll(async () => {
    const { steps } = await api(`builds/${build.buildid}/steps`);
    step = steps.find((s) => s.name === 'slow step' && s.started_at !== null);
    return Boolean(step);
  }, { timeout: 30_000 }).toBe(true);
  await page.goto(`/s/local/builds/${build.buildid}/steps/${step.number}/logs/stdio`);
  await following(page).catch(explain);
  await guard.check();
});

async function following(page) {
  const follow = page.locator('button.follow');
  await expect(follow).toHaveAttribute('aria-pressed', 'true');
  const lastTick = async () => {
    const texts = await page.locator('.log-row .lt').allTextContents();
    const ticks = texts.map((t) => +(t.match(/^tick (\d+)\//) || [0, 0])[1]);
    return Math.max(0, ...ticks);
  };
  // Wait until enough lines exist to scroll, then see new ticks arrive at the bottom.
  await expect.poll(lastTick, { timeout: 60_000 }).toBeGreaterThan(12);
  const seen = await lastTick();
  await expect.poll(lastTick, { timeout: 30_000 }).toBeGreaterThan(seen);
  const rows = await page.locator('.log-scroll').getAttribute('data-rows');
  const newest = row(page, +rows - 1);
  await expect(newest).toBeInViewport();

  // Scrolling up pauses follow; the reader is not moved when lines arrive.
  await page.locator('.log-scroll').hover();
  await page.mouse.wheel(0, -2000);
  await expect(follow).toHaveAttribute('aria-pressed', 'false');
  // Wheel scrolling is animated: read the position once it has come to rest.
  let top = null;
  await expect.poll(async () => {
    const now = await page.locator('.log-scroll').getAttribute('data-top');
    const settled = now === top;
    top = now;
    return settled;
  }, { intervals: [300] }).toBe(true);
  await expect.poll(async () => +(await page.locator('.log-scroll').getAttribute('data-rows')), { timeout: 30_000 })
    .toBeGreaterThan(+rows);
  expect(await page.locator('.log-scroll').getAttribute('data-top')).toBe(top);
  // Back at the bottom it follows again.
  await page.keyboard.press('End');
  await expect(follow).toHaveAttribute('aria-pressed', 'true');
}

test('ANSI colours render with the palette colours and no escape byte reaches the screen', async ({ page }) => {
  const guard = guardPage(page);
  const { url } = await stepLog('kitchen-sink', 'ansi colours');
  await page.goto(url);
  await expect(page.locator('.log-row').first()).toBeVisible();
  // Rows are re-rendered once the background scan marks error lines: let it finish first.
  await expect(page.locator('.error-count')).toHaveText(/^\d+$/);
  // Force the dark palette so the expected colours are fixed.
  while ((await page.locator('.log').getAttribute('data-palette')) !== 'dark') {
    await page.getByTitle('Log colours: auto, dark, light').click();
  }
  const colour = (text) => page.locator('.log-row .lt span', { hasText: new RegExp(`^${text}$`) }).first()
    .evaluate((el) => getComputedStyle(el).color);
  const background = (text) => page.locator('.log-row .lt span', { hasText: new RegExp(`^${text}$`) }).first()
    .evaluate((el) => getComputedStyle(el).backgroundColor);
  await expect.poll(() => colour('red')).toBe('rgb(255, 123, 114)');
  await expect.poll(() => colour('green')).toBe('rgb(63, 185, 80)');
  await expect.poll(() => colour('bright-red')).toBe('rgb(255, 161, 152)');
  await expect.poll(() => colour('256-colour orange')).toBe('rgb(255, 135, 0)');
  await expect.poll(() => colour('truecolor pink')).toBe('rgb(255, 105, 180)');
  await expect.poll(() => background('truecolor bg')).toBe('rgb(0, 0, 128)');
  await expect.poll(() => background('black-on-green')).toBe('rgb(63, 185, 80)');
  const bold = page.locator('.log-row .lt span', { hasText: /^bold$/ }).first();
  await expect.poll(() => bold.evaluate((el) => getComputedStyle(el).fontWeight)).toBe('700');
  const underline = page.locator('.log-row .lt span', { hasText: /^underline$/ }).first();
  await expect.poll(() => underline.evaluate((el) => getComputedStyle(el).textDecorationLine)).toBe('underline');
  // `\r` overwrites: the progress line shows its final state only (Buildbot splits on \r,
  // so each state is its own stored line; each shows once).
  await expect(page.locator('.log-row .lt').filter({ hasText: /^progress 100%$/ })).toHaveCount(1);
  const text = await page.locator('.log-rows').innerText();
  // (The echoed command shows `\033[31m` as typed text; what must never appear is ESC itself.)
  expect(text).not.toMatch(/[\x1b\x9b]/);
  await guard.check();
});

test('stderr lines are styled apart and lose their stream prefix', async ({ page }) => {
  const guard = guardPage(page);
  const { url } = await stepLog('kitchen-sink', 'interleaved stdout+stderr');
  await page.goto(url);
  const err = page.locator('.log-row.s-e');
  await expect(err).toHaveCount(8);
  await expect(err.first().locator('.lt')).toHaveText('err 1: note: from stderr');
  await expect(page.locator('.log-row.s-o .lt').first()).toHaveText('out 1: compiling unit_1.c');
  const bg = (loc) => loc.evaluate((el) => getComputedStyle(el).backgroundColor);
  await expect.poll(async () => (await bg(err.first())) !== (await bg(page.locator('.log-row.s-o').first()))).toBe(true);
  // Header lines are dimmed and unprefixed too.
  await expect(page.locator('.log-row.s-h').first().locator('.lt')).not.toHaveText(/^h/);
  await guard.check();
});

test('an HTML log renders only inside a sandboxed frame and its script never runs', async ({ page }) => {
  // Chromium reports the blocked script on the console: that report is the sandbox working.
  const guard = guardPage(page, { allowConsole: /^Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed/ });
  const { url } = await stepLog('linux-build', 'publish', 'report_html');
  await page.goto(url);
  const frame = page.locator('iframe.html-log');
  await expect(frame).toHaveAttribute('sandbox', '');
  await expect(page.frameLocator('iframe.html-log').locator('h1')).toHaveText('Report');
  // The script in the log set window.__xss if it ran, in the frame or in the app.
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  const inner = page.frames().find((f) => f !== page.mainFrame());
  expect(await inner.evaluate(() => window.__xss).catch(() => undefined)).toBeUndefined();
  await expect(page.locator('main script')).toHaveCount(0);
  await guard.check();
});

test('a copied range of lines keeps its newlines and leaves out the line numbers', async ({ page, context }) => {
  const guard = guardPage(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const { url } = await stepLog('kitchen-sink', 'interleaved stdout+stderr');
  await page.goto(url);
  await expect(row(page, 17).locator('.lt')).not.toBeEmpty();
  // Select from the start of line 16's text to the end of line 18's, as a drag would.
  await page.evaluate(() => {
    const a = document.querySelector('.log-row[data-line="15"] .lt');
    const b = document.querySelector('.log-row[data-line="17"] .lt');
    const r = document.createRange();
    r.setStart(a, 0);
    r.setEnd(b, b.childNodes.length);
    const s = getSelection();
    s.removeAllRanges();
    s.addRange(r);
  });
  await page.keyboard.press('Control+c');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const expected = [];
  for (const n of [15, 16, 17]) expected.push(await row(page, n).locator('.lt').innerText());
  expect(copied.replace(/\n$/, '')).toBe(expected.join('\n'));
  expect(copied).not.toMatch(/^\s*\d+\s/m);
  await guard.check();
});

test('a failed step opens at its first error; n / N move between errors', async ({ page }) => {
  const guard = guardPage(page);
  const { url } = await stepLog('unit-tests-failing', 'unit tests');
  await page.goto(url);
  const selected = page.locator('.log-row--selected');
  await expect(selected).toHaveCount(1);
  await expect(selected.locator('.lt')).toHaveText('test_c ... FAILED');
  const first = +(await selected.getAttribute('data-line'));
  // The next error is further down and is one of the failure lines (stdout and stderr
  // interleave in whatever order the worker flushed them).
  await page.keyboard.press('n');
  await expect(page.locator('.log-row--selected .lt')).toHaveText(/^(AssertionError: expected 1, got 2|FAILED \(failures=1\))$/);
  expect(+(await page.locator('.log-row--selected').getAttribute('data-line'))).toBeGreaterThan(first);
  await page.keyboard.press('N');
  await expect(page.locator('.log-row--selected .lt')).toHaveText('test_c ... FAILED');
  await guard.check();
});

test('log groups of every syntax fold and unfold, nested', async ({ page }) => {
  const guard = guardPage(page);
  const { url } = await stepLog('grouped-log', 'grouped output');
  await page.goto(url);
  // The command's own lines (stdio header) echo every marker: look at the output only.
  const output = async () => (await page.locator('.log-row:not(.s-h)').allInnerTexts()).join('\n');
  const rows = { toContain: (t) => expect.poll(output).toContain(t), notToContain: (t) => expect.poll(output).not.toContain(t) };
  const header = (title) => page.locator('.log-row--group', { hasText: title });
  // The groups come after the ~30 header lines of the command: go to the end.
  await expect(page.locator('.log-row').first()).toBeVisible();
  await page.getByRole('button', { name: 'Bottom' }).click();
  await expect(header('GitHub group').locator('.group-toggle')).toBeVisible();
  // GitHub, GitLab [collapsed=true] and Buildkite `---` groups start folded, `+++` open.
  await rows.toContain('before any group');
  await rows.notToContain('inside github 1');
  await rows.notToContain('inside gitlab 1');
  await rows.notToContain('inside buildkite 1');
  await rows.toContain('after everything');
  // The header shows the group's title, not the marker.
  await rows.notToContain('::group::');
  const gh = header('GitHub group').locator('.group-toggle');
  await expect(gh).toHaveAttribute('aria-expanded', 'false');
  await gh.click();
  await expect(gh).toHaveAttribute('aria-expanded', 'true');
  await rows.toContain('inside github 2');
  await gh.click();
  await rows.notToContain('inside github 1');
  // GitLab's section holds the Azure group: unfolding the outer one shows the inner one's
  // lines. (Buildbot split the marker at its `\r`, so the title is the section's name.)
  await header('gitlab_build').locator('.group-toggle').click();
  await rows.toContain('inside gitlab 1');
  // Azure groups start folded too; the nested one opens on its own.
  const azure = header('Azure nested').locator('.group-toggle');
  await expect(azure).toHaveAttribute('aria-expanded', 'false');
  await rows.notToContain('inside azure');
  await azure.click();
  await rows.toContain('inside azure');
  await header('Buildkite group').first().locator('.group-toggle').click();
  await rows.toContain('inside buildkite 2');
  await guard.check();
});

test('every step links its logs from the build page, and the log page links back', async ({ page }) => {
  const guard = guardPage(page);
  const { build, step, log } = await stepLog('kitchen-sink', 'ansi colours');
  await page.goto(`/s/local/builds/${build.buildid}`);
  const link = page.locator(`li.step[data-step-number="${step.number}"] a.step__log`, { hasText: log.name });
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/builds/${build.buildid}/steps/${step.number}/logs/stdio$`));
  await expect(page.locator('.log-head h1')).toHaveText('ansi colours');
  await expect(page).toHaveTitle(/ansi colours · kitchen-sink #\d+ — Success · buildscope/);
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/builds/${build.buildid}$`));
  await guard.check();
});
