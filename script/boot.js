// Starts the app from an external module, so the Content-Security-Policy in index.html can
// forbid inline script entirely. trunk's own loader is an inline <script type="module">;
// Trunk.toml turns it off (`pattern_script = ""`) but trunk still adds, with SRI hashes,
// <link rel="modulepreload"> for the wasm-bindgen glue and <link rel="preload" as="fetch"> for
// the wasm, which say where this build's hashed files are.
//
// Before that, it asks for the first answers the page will need (`prefetch` below), so they
// travel while the wasm downloads and compiles instead of after it. One file: a module it
// imported would be one more round trip before anything starts.

/** Answers asked for here, by URL, until the app takes them (`src/api/prefetch.rs`). */
const early = new Map();
/** An answer not taken this long after boot is dropped: the app asked another way. */
const KEEP_MS = 20_000;

/** GET `url` now; the app's first request for exactly this URL takes the answer instead. */
function ask(url, init) {
  // The body is always read to its end, even if the app never takes it: hanging up on
  // Buildbot 4.3 mid-answer wedges its web server (see `Endpoint::never_hang_up`).
  const answer = fetch(url, init).then(async (r) => ({
    status: r.status,
    requestId: r.headers.get('x-request-id') ?? r.headers.get('x-obs-request-id'),
    body: await r.text(),
  }));
  answer.catch(() => {}); // a failure is the app's to report when it takes it
  early.set(url, answer);
  return answer;
}

// What `src/api/prefetch.rs` calls: `take` before the app's first request of a URL, `asked`
// to learn which window of a log was asked for.
window.buildscope = {
  take(url) {
    const answer = early.get(url);
    early.delete(url);
    return answer;
  },
  asked(prefix) {
    return [...early.keys()].find((url) => url.startsWith(prefix));
  },
};
setTimeout(() => early.clear(), KEEP_MS);

/** Lines of the first window of a log opened at `#L<n>` (or the top): what fills the screen
 * with the viewer's overscan, around the line. The app reads the window back from the URL. */
const FIRST_WINDOW = 600;
const AROUND = 300;

function firstWindow(hash) {
  const m = /^#L(\d+)(?:-L?\d+)?$/.exec(hash);
  const line = m ? Math.max(1, Number(m[1])) - 1 : 0;
  const offset = Math.max(0, line - (m ? AROUND : 0));
  return { offset, limit: FIRST_WINDOW };
}

/** The Buildbot source `id` of this config, as the app will read it (`core::config`), if
 * its API can be asked from here: same origin, no token (a token is never in this file). */
function buildbotBase(config, id) {
  const source = (config.sources ?? []).find((s) => s && s.id === id);
  if (!source || String(source.kind).toLowerCase() !== 'buildbot') return null;
  const auth = String(source.auth ?? 'none').toLowerCase();
  const url = String(source.url ?? '').trim();
  if (auth === 'token' || !url.startsWith('/') || url.startsWith('//')) return null;
  return `${url.endsWith('/') ? url : `${url}/`}api/v2/`;
}

/** Segments as `core::buildbot::paths` writes them; anything else is left to the app. */
const PLAIN = /^[A-Za-z0-9_.~-]+$/;

const API = { headers: { Accept: 'application/json' } };

function prefetch() {
  // As the <link rel="preload"> in index.html asked for it, so this takes that response.
  const config = ask('/config.json');
  const path = location.pathname;
  const log = /^\/s\/([^/]+)\/builds\/(\d+)\/steps\/(\d+)\/logs\/([^/]+)$/.exec(path);
  const build = /^\/s\/([^/]+)\/builds\/(\d+)$/.exec(path);
  if (!log && !build) return;
  config
    .then((c) => {
      if (c.status !== 200) return;
      const base = buildbotBase(JSON.parse(c.body), (log ?? build)[1]);
      if (!base) return;
      if (log) {
        const [, , buildid, step, slug] = log;
        if (!PLAIN.test(slug)) return;
        // What `pages/log.rs` asks first: the log and its step (in parallel), and the window
        // its viewer shows first.
        const at = `${base}builds/${buildid}/steps/${step}`;
        const { offset, limit } = firstWindow(location.hash);
        ask(`${at}/logs/${slug}/contents?offset=${offset}&limit=${limit}`, API);
        ask(`${at}/logs/${slug}`, API);
        ask(at, API);
      } else {
        // What `BuildbotClient::build_detail` asks first: the build and its steps.
        const at = `${base}builds/${build[2]}`;
        ask(`${at}?property=*`, API);
        ask(`${at}/steps`, API);
      }
    })
    .catch(() => {}); // no prefetch: the app asks for everything itself
}

prefetch();
const glue = document.querySelector('link[rel="modulepreload"][href$=".js"]');
const wasm = document.querySelector('link[rel="preload"][as="fetch"][href$=".wasm"]');
if (!glue || !wasm) {
  throw new Error('buildscope: index.html lacks the preload links for the app (trunk build changed?)');
}
const { default: init } = await import(glue.href);
const exports = await init({ module_or_path: wasm.href });
// Same event trunk's own loader sends, so tools (the benchmark reads the wasm memory from it)
// work either way.
window.dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm: exports } }));
