// trunk post_build hook (Trunk.toml): writes `.gz` (gzip -9) and `.br` (brotli, quality 11)
// beside every hashed asset of the build (wasm, js, css), so nginx serves them as they are
// (`gzip_static`, `brotli_static`) instead of compressing 1.3 MB of wasm on every request.
// Only hashed files: their content never changes under their name. index.html and config.json
// are replaced after the build (the tests and deployments swap config.json in), so a
// precompressed copy of them could be served stale; nginx compresses those on the fly.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dir = process.env.TRUNK_STAGING_DIR || process.argv[2];
if (!dir) throw new Error('precompress.mjs: no TRUNK_STAGING_DIR and no directory argument');
const hashed = /-[0-9a-f]{8,}(_bg)?\.(wasm|js|css)$/;
for (const name of fs.readdirSync(dir)) {
  if (!hashed.test(name)) continue;
  const file = path.join(dir, name);
  const data = fs.readFileSync(file);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(data, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  }));
}
