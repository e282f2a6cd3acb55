// Starts the app from an external module, so the Content-Security-Policy in index.html can
// forbid inline script entirely. trunk's own loader is an inline <script type="module">;
// Trunk.toml turns it off (`pattern_script = ""`) but trunk still adds, with SRI hashes,
// <link rel="modulepreload"> for the wasm-bindgen glue and <link rel="preload" as="fetch"> for
// the wasm, which say where this build's hashed files are.
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
