import { test, expect } from '@playwright/test';

// The nginx recipe sends the build's precompressed files as they are (scripts/precompress.mjs):
// brotli where the browser takes it, else gzip, always marked as varying by encoding, cached
// forever under their hashed names; the page and its config are never served from a stale copy.
test('hashed assets are served precompressed (brotli, else gzip); the page and config are not', async ({ request }) => {
  const index = await request.get('/');
  const html = await index.text();
  const wasm = html.match(/href="(\/[^"]+_bg\.wasm)"/)?.[1];
  expect(wasm, 'index.html names its wasm').toBeTruthy();
  for (const [accept, want] of [['br, gzip', 'br'], ['gzip', 'gzip']]) {
    const res = await request.get(wasm, { headers: { 'Accept-Encoding': accept } });
    expect(res.status()).toBe(200);
    expect(res.headers()['content-encoding'], accept).toBe(want);
    expect(res.headers()['content-type']).toBe('application/wasm');
    expect(res.headers()['vary']).toContain('Accept-Encoding');
    expect(res.headers()['cache-control']).toContain('immutable');
    // What arrives decodes to the module itself.
    const body = await res.body();
    expect([...body.subarray(0, 4)]).toEqual([0x00, 0x61, 0x73, 0x6d]);
  }
  const plain = await request.get(wasm, { headers: { 'Accept-Encoding': 'identity' } });
  expect(plain.headers()['content-encoding']).toBeUndefined();
  for (const path of ['/', '/config.json']) {
    const res = await request.get(path, { headers: { 'Accept-Encoding': 'br, gzip' } });
    expect(res.headers()['cache-control'], path).toBe('no-cache');
    expect(res.headers()['content-encoding'], path).not.toBe('br');
  }
});
