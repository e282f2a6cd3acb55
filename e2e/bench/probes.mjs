// Page probes shared by `make bench` and `make soak`: a frame-work sampler, a DOM counter,
// text-painted watchers, the wasm memory, and the statistics over them.

// In the page: a frame sampler (main-thread work per frame: from the first input or scroll
// event of a frame, or the frame's start, to the task after its rendering update), a DOM
// node counter, text watchers that time when a text is first painted, and the wasm memory.
export const INIT = () => {
  const w = window;
  w.__bench = { frames: [], domMax: 0, sampling: false, marks: {} };
  let inputAt = null;
  const onInput = () => { if (inputAt === null) inputAt = performance.now(); };
  addEventListener('wheel', onInput, { capture: true, passive: true });
  addEventListener('scroll', onInput, { capture: true, passive: true });
  const ch = new MessageChannel();
  let frameAt = 0;
  ch.port1.onmessage = () => {
    const b = w.__bench;
    if (b.sampling) b.frames.push(performance.now() - Math.min(frameAt, inputAt ?? frameAt));
    inputAt = null;
  };
  const tick = () => {
    frameAt = performance.now();
    const n = document.getElementsByTagName('*').length;
    if (n > w.__bench.domMax) w.__bench.domMax = n;
    ch.port2.postMessage(0);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  w.__watch = (needle, key) => new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error(`"${needle}" not painted within 120 s`)), 120_000);
    const found = () => {
      const all = document.body ? document.body.innerText : '';
      return all.includes(needle);
    };
    const done = () => requestAnimationFrame(() => { w.__bench.marks[key] = performance.now(); resolve(w.__bench.marks[key]); });
    const check = () => { if (found()) { obs.disconnect(); done(); return true; } return false; };
    const obs = new MutationObserver(() => { check(); });
    if (!check()) obs.observe(document, { subtree: true, childList: true, characterData: true });
  });
  addEventListener('TrunkApplicationStarted', (e) => {
    w.__wasmMemory = e.detail?.wasm?.memory;
    w.__bench.marks.started = performance.now();
  });
};

/** The element that scrolls the log: the one with the most scrollable height. */
export const SCROLLER = () => {
  let best = null;
  for (const el of document.querySelectorAll('*')) {
    const room = el.scrollHeight - el.clientHeight;
    const style = getComputedStyle(el);
    if (room > 0 && /(auto|scroll)/.test(style.overflowY) && (!best || room > best.scrollHeight - best.clientHeight)) best = el;
  }
  return best;
};

export function p95(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(0.95 * s.length))];
}

export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

